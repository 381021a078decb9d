// The signed campaign report: the report's JSON (definition, population hash, every item with its
// reasons, decision history — carried-forward decisions marked — and, for each revocation, the
// engine's answer right after it and the instant) signed with the installation's audit signing
// key (Ed25519, lib/audit/signing.ts), like the audit chain's export manifest. Verifiable offline:
// `npm run audit:verify -- --campaign-report <file> [--public-key key.pem]` checks the signature,
// recomputes the population hash from the items, and checks every applied revocation's proof.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { levelRank, type Level } from "@/lib/access/levels";
import { getSigningKey, keyIdOf, verifyJsonSignature } from "@/lib/audit/signing";
import { now as clockNow } from "@/lib/clock";
import { populationHash } from "./population-hash";
import { wallPopulationHash } from "./wall-population-hash";
import { campaignReport } from "./queries";

export const CAMPAIGN_REPORT_FORMAT = "custodian-campaign-report/1";

/** The report as JSON text would carry it (instants as ISO strings). */
interface ReportJson {
  campaign: { id: string; name: string; kind?: string; status: string; populationHash: string; populationSize: number; closedAt: string | null };
  items: {
    id: string;
    person: { id: string };
    repository: { id: string };
    contract: { id: string } | null;
    level: Level;
    contracts: number;
    reasons: { versionId: string; via: { kind: "group"; path: { id: string }[] } | { kind: "direct" } }[];
    outcome: string | null;
    appliedAt: string | null;
    proof: { at?: string; allowed?: boolean } | null;
  }[];
  /** A wall review's items (lib/reviews/wall-reviews.ts). */
  wallItems?: {
    id: string;
    wall: { id: string };
    side: { id: string } | null;
    question: string;
    person: { id: string } | null;
    onRosterSince: string | null;
    outcome: string | null;
    appliedAt: string | null;
    applyResult: string | null;
  }[];
}

export interface SignedCampaignReportBody {
  format: typeof CAMPAIGN_REPORT_FORMAT;
  campaignId: string;
  populationHash: string;
  populationSize: number;
  report: unknown;
  exportedAt: string;
  keyId: string;
  publicKey: string;
}

export interface SignedCampaignReport extends SignedCampaignReportBody {
  /** Base64 Ed25519 signature of the canonical JSON of everything else. */
  signature: string;
}

export async function signedCampaignReport(prisma: PrismaClient, options: { id: string }): Promise<SignedCampaignReport> {
  // Through JSON first: what is signed is exactly what the file holds.
  const report = JSON.parse(JSON.stringify(await campaignReport(prisma, options))) as ReportJson;
  const key = await getSigningKey(prisma);
  const body: SignedCampaignReportBody = {
    format: CAMPAIGN_REPORT_FORMAT,
    campaignId: report.campaign.id,
    populationHash: report.campaign.populationHash,
    populationSize: report.campaign.populationSize,
    report,
    exportedAt: clockNow().toISOString(),
    keyId: key.keyId,
    publicKey: key.publicKeyPem,
  };
  return { ...body, signature: key.signJson(body) };
}

/** The signed report as a download. */
export async function signedCampaignReportFile(prisma: PrismaClient, options: { id: string }) {
  const signed = await signedCampaignReport(prisma, options);
  return { filename: `campaign-${signed.campaignId}.signed.json`, contentType: "application/json", body: JSON.stringify(signed, null, 1) };
}

export interface ReportVerification {
  ok: boolean;
  items: number;
  revocations: number;
  problems: string[];
}

/**
 * Offline verification: the signature (by `trustedPublicKeyPem` when given, else by the key the
 * file names — integrity; authenticity once that key is compared with the one Custodian serves),
 * the population hash recomputed from the items, their count, and for a closed campaign that
 * every revocation was applied with the engine's denial as proof.
 */
export function verifySignedCampaignReport(options: { signed: SignedCampaignReport; trustedPublicKeyPem?: string }): ReportVerification {
  const { signature, ...body } = options.signed;
  const problems: string[] = [];
  if (body.format !== CAMPAIGN_REPORT_FORMAT) problems.push(`unknown format ${String(body.format)}`);
  const publicKey = options.trustedPublicKeyPem ?? body.publicKey;
  if (options.trustedPublicKeyPem && keyIdOf(options.trustedPublicKeyPem) !== body.keyId) problems.push("the report was signed with another key than the trusted one");
  if (!verifyJsonSignature(body, signature ?? "", publicKey)) problems.push("the signature is invalid");
  const report = body.report as ReportJson | undefined;
  if (!report?.campaign || !Array.isArray(report.items)) return { ok: false, items: 0, revocations: 0, problems: [...problems, "the file holds no report"] };
  const c = report.campaign;
  if (c.id !== body.campaignId || c.populationHash !== body.populationHash || c.populationSize !== body.populationSize) {
    problems.push("the report's campaign does not match the signed header");
  }
  const walls = c.kind === "walls";
  const wallItems = report.wallItems ?? [];
  const held = walls ? wallItems.length : report.items.length;
  if (held !== c.populationSize) problems.push(`the report holds ${held} items, the population was ${c.populationSize}`);
  let recomputed = "";
  try {
    recomputed = walls
      ? wallPopulationHash(wallItems.map((i) => ({ wallId: i.wall.id, sideId: i.side?.id ?? null, question: i.question, userId: i.person?.id ?? null, onRosterSince: i.onRosterSince })))
      : populationHash(
      report.items.map((i) => ({
        userId: i.person.id,
        repositoryId: i.repository.id,
        contractId: i.contract?.id ?? null,
        level: levelRank(i.level),
        contracts: i.contracts,
        reasons: i.reasons.map((r) => ({ versionId: r.versionId, gids: r.via.kind === "group" ? r.via.path.map((g) => g.id) : null })),
      })),
    );
  } catch {
    problems.push("the items cannot be read");
  }
  if (recomputed && recomputed !== c.populationHash) problems.push("the population hash recomputed from the items differs from the recorded one");
  const revoked = report.items.filter((i) => i.outcome === "revoke");
  if (c.status === "closed") {
    for (const i of revoked) {
      if (!i.appliedAt || !i.proof?.at) problems.push(`revocation of item ${i.id} has no proof that it took effect`);
      else if (i.proof.allowed !== false) problems.push(`revocation of item ${i.id}: the engine still allowed access after it`);
    }
  }
  // A wall review: each removal was applied (or found the person already off the roster, or the wall lifted).
  const removals = wallItems.filter((i) => i.outcome === "remove");
  if (walls && c.status === "closed") {
    for (const i of removals) if (!i.appliedAt || !i.applyResult) problems.push(`removal of wall item ${i.id} was not applied`);
  }
  return { ok: problems.length === 0, items: held, revocations: revoked.length + removals.length, problems };
}
