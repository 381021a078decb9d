// The audit chain's state for the dashboard: head, newest retention checkpoint, latest verification.
import type { PrismaClient } from "@/lib/generated/prisma/client";

export interface Verification {
  ok: boolean;
  kind: string;
  finishedAt: string;
  checked: number;
  fromPosition: string;
  toPosition: string;
  brokenPosition: string | null;
  brokenEventId: string | null;
  reason: string | null;
}

export interface ChainStatus {
  head: { position: string; hash: string } | null;
  checkpoint: { position: string; hash: string; createdAt: string } | null;
  latest: Verification | null;
  /** The last run over the whole chain: an incremental run alone does not say the chain is intact. */
  lastFull: Verification | null;
}

type VerificationRow = NonNullable<Awaited<ReturnType<PrismaClient["auditVerification"]["findFirst"]>>>;

function verification(row: VerificationRow | null): Verification | null {
  return row && {
    ok: row.ok,
    kind: row.kind,
    finishedAt: row.finishedAt.toISOString(),
    checked: row.checked,
    fromPosition: String(row.fromPosition),
    toPosition: String(row.toPosition),
    brokenPosition: row.brokenPosition === null ? null : String(row.brokenPosition),
    brokenEventId: row.brokenEventId,
    reason: row.reason,
  };
}

export async function auditChainStatus(prisma: PrismaClient): Promise<ChainStatus> {
  const [head, checkpoint, latest, lastFull] = await Promise.all([
    prisma.auditChainHead.findUnique({ where: { id: 1 } }),
    prisma.auditChainCheckpoint.findFirst({ orderBy: { position: "desc" } }),
    prisma.auditVerification.findFirst({ orderBy: { finishedAt: "desc" } }),
    prisma.auditVerification.findFirst({ where: { kind: "full" }, orderBy: { finishedAt: "desc" } }),
  ]);
  return {
    head: head && { position: String(head.position), hash: head.hash },
    checkpoint: checkpoint && { position: String(checkpoint.position), hash: checkpoint.hash, createdAt: checkpoint.createdAt.toISOString() },
    latest: verification(latest),
    lastFull: verification(lastFull),
  };
}
