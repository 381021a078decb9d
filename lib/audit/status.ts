// The audit chain's state for the dashboard: head, newest retention checkpoint, latest verification.
import type { PrismaClient } from "@/lib/generated/prisma/client";

export interface ChainStatus {
  head: { position: string; hash: string } | null;
  checkpoint: { position: string; hash: string; createdAt: string } | null;
  latest: {
    ok: boolean;
    kind: string;
    finishedAt: string;
    checked: number;
    fromPosition: string;
    toPosition: string;
    brokenPosition: string | null;
    brokenEventId: string | null;
    reason: string | null;
  } | null;
}

export async function auditChainStatus(prisma: PrismaClient): Promise<ChainStatus> {
  const [head, checkpoint, latest] = await Promise.all([
    prisma.auditChainHead.findUnique({ where: { id: 1 } }),
    prisma.auditChainCheckpoint.findFirst({ orderBy: { position: "desc" } }),
    prisma.auditVerification.findFirst({ orderBy: { finishedAt: "desc" } }),
  ]);
  return {
    head: head && { position: String(head.position), hash: head.hash },
    checkpoint: checkpoint && { position: String(checkpoint.position), hash: checkpoint.hash, createdAt: checkpoint.createdAt.toISOString() },
    latest: latest && {
      ok: latest.ok,
      kind: latest.kind,
      finishedAt: latest.finishedAt.toISOString(),
      checked: latest.checked,
      fromPosition: String(latest.fromPosition),
      toPosition: String(latest.toPosition),
      brokenPosition: latest.brokenPosition === null ? null : String(latest.brokenPosition),
      brokenEventId: latest.brokenEventId,
      reason: latest.reason,
    },
  };
}
