// The signed campaign report (issue 19): signed with the audit signing key, verifiable offline —
// the signature, the population hash recomputed from the items, each revocation's proof — and
// any tampering is found, also when the forger re-signs with a key of their own.
import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "@/lib/audit/canonical-json";
import { getSigningKey, keyIdOf } from "@/lib/audit/signing";
import { admin, newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import { signedCampaignReport, verifySignedCampaignReport, type SignedCampaignReport } from "./export";
import { closeCampaign, createDefinition, decideItems, startCampaign } from "./service";

setupTestDatabase();

type Item = { id: string; outcome: string | null; decision: string | null; proof: { allowed: boolean } | null; person: { id: string } };
const itemsOf = (s: SignedCampaignReport) => (s.report as { items: Item[] }).items;

/** A forger's re-signing with a key of their own (the file then names that key). */
function resign(signed: SignedCampaignReport): SignedCampaignReport {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const { signature: _old, ...body } = { ...signed, publicKey: pem, keyId: keyIdOf(pem) };
  void _old;
  return { ...body, signature: sign(null, Buffer.from(canonicalJson(body), "utf8"), privateKey).toString("base64") };
}

describe("signed campaign report", () => {
  it("verifies offline, and fails on every kind of tampering", async () => {
    const w = await newWorld();
    const [ann, ben, mgr, fallback] = [await w.user("ann"), await w.user("ben"), await w.user("mgr"), await w.user("fallback")];
    const repo = await w.repository("signed");
    await w.contract(repo);
    await w.rule({ groupId: await w.group("team", [ann, ben]), level: "edit", repositoryId: repo });
    const definition = await createDefinition(w.prisma, {
      input: { name: "Signed", config: { scope: { repositoryIds: [repo] }, stages: [{ reviewers: "named", namedReviewerIds: [mgr] }], fallbackReviewerId: fallback, undecided: "keep" } },
      actor: admin,
    });
    const campaign = await startCampaign(w.prisma, { definitionId: definition.id, actor: admin });
    const annItem = await w.prisma.reviewItem.findFirstOrThrow({ where: { campaignId: campaign.id, userId: ann } });
    await decideItems(w.prisma, { campaignId: campaign.id, reviewerId: mgr, input: { itemIds: [annItem.id], decision: "revoke", justification: "Left the team" }, actor: { type: "admin", id: mgr } });
    await closeCampaign(w.prisma, { campaignId: campaign.id, actor: admin });

    const signed = JSON.parse(JSON.stringify(await signedCampaignReport(w.prisma, { id: campaign.id }))) as SignedCampaignReport;
    const key = await getSigningKey(w.prisma);
    expect(signed).toMatchObject({ format: "custodian-campaign-report/1", campaignId: campaign.id, populationHash: campaign.populationHash, populationSize: 2, keyId: key.keyId });
    const revoked = itemsOf(signed).find((i) => i.id === annItem.id)!;
    // the proof each revocation took effect: the engine's answer after it, and the instant
    expect(revoked).toMatchObject({ outcome: "revoke", appliedAt: expect.any(String), proof: { allowed: false, at: expect.any(String) } });
    expect(verifySignedCampaignReport({ signed })).toEqual({ ok: true, items: 2, revocations: 1, problems: [] });
    expect(verifySignedCampaignReport({ signed, trustedPublicKeyPem: key.publicKeyPem }).ok).toBe(true);

    const tampered = (edit: (s: SignedCampaignReport) => void) => {
      const copy = JSON.parse(JSON.stringify(signed)) as SignedCampaignReport;
      edit(copy);
      return copy;
    };
    // A decision rewritten: the signature no longer matches.
    const rewritten = tampered((s) => (itemsOf(s).find((i) => i.id === annItem.id)!.decision = "keep"));
    expect(verifySignedCampaignReport({ signed: rewritten })).toMatchObject({ ok: false, problems: ["the signature is invalid"] });
    // An item dropped and the file re-signed by the forger: the population hash and count give it away,
    // and against the installation's key so does the signer.
    const dropped = resign(tampered((s) => (s.report as { items: Item[] }).items.pop()));
    const droppedCheck = verifySignedCampaignReport({ signed: dropped });
    expect(droppedCheck.ok).toBe(false);
    expect(droppedCheck.problems).toEqual(
      expect.arrayContaining(["the report holds 1 items, the population was 2", "the population hash recomputed from the items differs from the recorded one"]),
    );
    expect(verifySignedCampaignReport({ signed: dropped, trustedPublicKeyPem: key.publicKeyPem }).problems).toContain("the report was signed with another key than the trusted one");
    // A revocation's proof forged away (re-signed): the engine "still allowing" is reported.
    const unproven = resign(tampered((s) => (itemsOf(s).find((i) => i.id === annItem.id)!.proof = { allowed: true })));
    expect(verifySignedCampaignReport({ signed: unproven }).problems).toEqual([
      `revocation of item ${annItem.id} has no proof that it took effect`,
    ]);
    // The header changed to another population hash.
    expect(verifySignedCampaignReport({ signed: tampered((s) => (s.populationHash = "0".repeat(64))) }).problems).toEqual(
      expect.arrayContaining(["the signature is invalid", "the report's campaign does not match the signed header"]),
    );
  });
});
