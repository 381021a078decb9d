// Screen certificates: what they state over a period (roster, scope, acknowledgments, denied
// attempts, the wall's audit events at their chain positions), issued once when a wall is lifted
// and stored, and verifiable offline — any edit of the document, another key, or a chain export
// that does not hold the cited events fails verification.
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { chainExportLines, chainExportManifest, type ChainExportLine } from "@/lib/audit/export";
import { getSigningKey } from "@/lib/audit/signing";
import { evaluate } from "@/lib/authzen/decisions";
import { admin, instant, newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import {
  buildWallCertificate,
  certificateSha256,
  getStoredWallCertificate,
  issueLiftCertificate,
  issueMissingLiftCertificates,
  liftWallAndCertify,
  listWallCertificates,
  verifyWallCertificate,
  wallCertificateHtml,
  type WallCertificate,
} from "./certificate";
import { acknowledgeWall, activateWall, createWall, liftWall, removeWallPerson } from "./service";

setupTestDatabase();

async function screened() {
  const w = await newWorld();
  const [ann, ben, cy] = [await w.user("ann"), await w.user("ben"), await w.user("cy")];
  const legal = await w.group("legal", [ann, ben, cy]);
  const deal = await w.repository("deal");
  const d1 = await w.contract(deal, { title: "d1" });
  await w.rule({ groupId: legal, level: "edit", repositoryId: deal });
  const wall = await createWall(w.prisma, {
    input: { name: `Lateral <hire> ${w.tag}`, matterRef: "M-9", description: "Ann is screened.", kind: "exclusionary", screenedAcknowledge: true, members: [{ userId: ann }, { userId: ben }], scope: [{ kind: "repository", value: deal }] },
    actor: admin,
  });
  return { w, ann, ben, cy, deal, d1, wall };
}

const clone = (c: WallCertificate) => JSON.parse(JSON.stringify(c)) as WallCertificate;

describe("screen certificates", () => {
  it("state the roster, acknowledgments and denied attempts of the period; lifting issues and stores one, once", async () => {
    const { w, ann, ben, d1, wall } = await screened();
    await activateWall(w.prisma, { id: wall.id, input: { reason: "Screen the lateral hire" }, actor: admin });
    await acknowledgeWall(w.prisma, { id: wall.id, userId: ann, actor: admin, onBehalf: { reason: "Signed the paper memo" } });
    // Two decision-API attempts by ann (recorded by the AuthZEN evaluation itself).
    for (let i = 0; i < 2; i++) {
      const d = await evaluate(w.prisma, { body: { subject: { type: "user", id: ann }, action: { name: "view" }, resource: { type: "contract", id: d1 } } });
      expect(d.decision).toBe(false);
    }
    const beforeRemoval = await instant();
    await removeWallPerson(w.prisma, { id: wall.id, userId: ben, input: { justification: "Ben left the matter's practice group" }, actor: admin });

    const { wall: lifted, certificate: liftCertificate } = await liftWallAndCertify(w.prisma, { id: wall.id, input: { reason: "Matter closed" }, actor: admin });
    expect(lifted.state).toBe("lifted");
    expect(liftCertificate).toMatchObject({ trigger: "lift" });
    // Issued once: a second call and the sweep find it.
    expect((await issueLiftCertificate(w.prisma, { wallId: wall.id, actor: admin })).id).toBe(liftCertificate.id);
    expect(await listWallCertificates(w.prisma, { wallId: wall.id })).toHaveLength(1);

    const c = await getStoredWallCertificate(w.prisma, { wallId: wall.id, certificateId: liftCertificate.id });
    expect(c).toMatchObject({
      trigger: "lift",
      wall: { id: wall.id, kind: "exclusionary", state: "lifted", matterRef: "M-9", activated: { reason: "Screen the lateral hire" }, lifted: { reason: "Matter closed" } },
      period: { from: lifted.activated!.at.toISOString(), to: lifted.lifted!.at.toISOString() },
      inForce: { from: lifted.activated!.at.toISOString(), to: lifted.lifted!.at.toISOString() },
      acknowledgments: [{ userId: ann, onBehalf: true, reason: "Signed the paper memo", by: { label: "access test" } }],
      attempts: { total: 2, byPerson: [{ userId: ann, attempts: 2, contracts: 1 }], truncated: false },
    });
    expect(c.people.map((p) => [p.userId, p.role, p.removalJustification]).sort()).toEqual(
      [
        [ann, "screened", null],
        [ben, "screened", "Ben left the matter's practice group"],
      ].sort(),
    );
    expect(c.people.find((p) => p.userId === ben)!.validTo! < lifted.lifted!.at.toISOString()).toBe(true);
    expect(c.scope).toHaveLength(1);
    // The wall's events, in chain order, from creation to the lift.
    const actions = c.auditEvidence.events.map((e) => e.action);
    expect(actions[0]).toBe("wall.created");
    expect(actions).toEqual(expect.arrayContaining(["wall.activated", "wall.acknowledged", "wall.breach_attempt", "wall.roster_removed", "wall.lifted"]));
    expect(actions).not.toContain("wall.certificate_issued");
    const positions = c.auditEvidence.events.map((e) => BigInt(e.position));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));

    // The issue is in the trail with the certificate's SHA-256.
    const issued = await w.prisma.auditEvent.findFirst({ where: { action: "wall.certificate_issued", targetId: wall.id } });
    expect((issued!.after as { sha256: string }).sha256).toBe(certificateSha256(c));

    // A period before ben's removal lists him without a removal, and no attempt after it... (attempts precede it)
    const early = await buildWallCertificate(w.prisma, { wallId: wall.id, period: { from: lifted.activated!.at, to: beforeRemoval } });
    expect(early.people.find((p) => p.userId === ben)).toBeDefined();
    expect(early.attempts.total).toBe(2);
    expect(early.auditEvidence.events.map((e) => e.action)).not.toContain("wall.lifted");
  });

  it("verify offline; any tampering, another key or a chain export lacking an event fails", async () => {
    const { w, ann, wall } = await screened();
    await activateWall(w.prisma, { id: wall.id, input: { reason: "Screen the lateral hire" }, actor: admin });
    await acknowledgeWall(w.prisma, { id: wall.id, userId: ann, actor: admin });
    await liftWall(w.prisma, { id: wall.id, input: { reason: "The matter has closed" }, actor: admin });
    const c = await buildWallCertificate(w.prisma, { wallId: wall.id });
    const key = await getSigningKey(w.prisma);
    expect(verifyWallCertificate({ certificate: c })).toEqual({ ok: true, problems: [], eventsChecked: 0 });
    expect(verifyWallCertificate({ certificate: c, trustedPublicKeyPem: key.publicKeyPem }).ok).toBe(true);

    // Tampering: a person dropped, an acknowledgment's date moved, the attempt count lowered.
    const dropped = clone(c);
    dropped.people = dropped.people.filter((p) => p.userId !== ann);
    const moved = clone(c);
    moved.acknowledgments[0].at = new Date(0).toISOString();
    const fewer = clone(c);
    fewer.attempts.total = 7;
    for (const t of [dropped, moved, fewer]) expect(verifyWallCertificate({ certificate: t }).problems).toContain("the certificate's signature is invalid");

    // Another key than the trusted one.
    const other = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(verifyWallCertificate({ certificate: c, trustedPublicKeyPem: other }).problems).toEqual(
      expect.arrayContaining(["the certificate was signed with another key than the trusted one", "the certificate's signature is invalid"]),
    );

    // Against a chain export of the positions it cites: every event found with its hash.
    const positions = c.auditEvidence.events.map((e) => BigInt(e.position));
    const range = { from: positions[0], to: positions[positions.length - 1] };
    let text = "";
    for await (const chunk of chainExportLines(w.prisma, range)) text += chunk;
    const manifest = await chainExportManifest(w.prisma, range);
    const file = Buffer.from(text, "utf8");
    expect(verifyWallCertificate({ certificate: c, chainExport: { file, manifest }, trustedPublicKeyPem: key.publicKeyPem })).toEqual({ ok: true, problems: [], eventsChecked: positions.length });

    // An export whose line for a cited event was replaced (the export's own checks fail, and the event differs).
    const lines = text.split("\n").filter(Boolean);
    const i = lines.findIndex((l) => (JSON.parse(l) as ChainExportLine).id === c.auditEvidence.events[1].eventId);
    const forged = { ...(JSON.parse(lines[i]) as ChainExportLine), hash: "0".repeat(64) };
    const forgedFile = Buffer.from([...lines.slice(0, i), JSON.stringify(forged), ...lines.slice(i + 1)].join("\n") + "\n");
    const r = verifyWallCertificate({ certificate: c, chainExport: { file: forgedFile, manifest } });
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^the chain export does not verify/), `audit event at position ${c.auditEvidence.events[1].position} differs from the chain export`]));
  });

  it("npm run audit:verify -- --wall-certificate checks one offline and fails on a tampered one", async () => {
    const { w, wall } = await screened();
    await activateWall(w.prisma, { id: wall.id, input: { reason: "Screen the lateral hire" }, actor: admin });
    const c = await buildWallCertificate(w.prisma, { wallId: wall.id });
    const dir = mkdtempSync(path.join(os.tmpdir(), "wall-certificate-"));
    try {
      const run = (args: string[]) =>
        promisify(execFile)("npx", ["tsx", "scripts/audit-verify.ts", ...args], { cwd: process.cwd(), env: { ...process.env, DATABASE_URL: "" } }).then(
          (r) => ({ code: 0, out: r.stdout + r.stderr }),
          (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
        );
      writeFileSync(path.join(dir, "c.json"), JSON.stringify(c));
      writeFileSync(path.join(dir, "key.pem"), c.publicKey);
      expect(await run(["--wall-certificate", path.join(dir, "c.json"), "--public-key", path.join(dir, "key.pem")])).toMatchObject({ code: 0, out: expect.stringContaining("wall certificate verified") });
      writeFileSync(path.join(dir, "c.json"), JSON.stringify({ ...c, people: [] }));
      const bad = await run(["--wall-certificate", path.join(dir, "c.json")]);
      expect(bad.code).toBe(1);
      expect(bad.out).toMatch(/signature is invalid/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("a lifted wall without its certificate gets one from the sweep; the printable page escapes what people typed", async () => {
    const { w, wall } = await screened();
    await activateWall(w.prisma, { id: wall.id, input: { reason: "Screen the lateral hire" }, actor: admin });
    await liftWall(w.prisma, { id: wall.id, input: { reason: "The matter has closed" }, actor: admin });
    expect(await listWallCertificates(w.prisma, { wallId: wall.id })).toHaveLength(0);
    expect(await issueMissingLiftCertificates(w.prisma, { limit: 1000 })).toBeGreaterThanOrEqual(1);
    const [stored] = await listWallCertificates(w.prisma, { wallId: wall.id });
    expect(stored).toMatchObject({ trigger: "lift" });
    const html = wallCertificateHtml(await getStoredWallCertificate(w.prisma, { wallId: wall.id, certificateId: stored.id }));
    expect(html).toContain("Lateral &lt;hire&gt;");
    expect(html).not.toContain("<hire>");
    expect(html).not.toMatch(/<script/i);
  });

  it("a period before activation states that the wall was not in force", async () => {
    const { w, wall } = await screened();
    const t = await instant();
    await activateWall(w.prisma, { id: wall.id, input: { reason: "Screen the lateral hire" }, actor: admin });
    const c = await buildWallCertificate(w.prisma, { wallId: wall.id, period: { from: wall.createdAt, to: t } });
    expect(c.inForce).toEqual({ from: null, to: null });
    expect(c.statement).toMatch(/not in force/);
    expect(verifyWallCertificate({ certificate: c }).ok).toBe(true);
  });
});
