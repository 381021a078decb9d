// The maintenance job's incremental check of the group closure (lib/jobs/maintenance.ts), like the
// audit chain verification: the groups whose nesting changed recently, and every group below them,
// are compared with the recomputation from history; a difference is recorded in the audit trail as
// "access.graph_broken" (once a day while it lasts). `npm run access:verify-graph` checks the whole
// closure and can rebuild it.
import { recordAuditEvent } from "@/lib/audit/record";
import type { Tx } from "@/lib/db/errors";
import { groupsAtOrBelow, verifyGroupClosure, type ClosureMismatch } from "./group-graph";

export const GRAPH_BROKEN_ACTION = "access.graph_broken";
/** Longer than the job's interval, so a run that was skipped (another instance held the lock) is covered. */
const LOOKBACK_MS = 60 * 60 * 1000;
const REPORT_AGAIN_MS = 24 * 60 * 60 * 1000;

export async function runGroupClosureCheck(tx: Tx, options: { now: Date }): Promise<{ checkedGroups: number; mismatches: ClosureMismatch[] }> {
  const since = new Date(options.now.getTime() - LOOKBACK_MS);
  const changed = await tx.$queryRawUnsafe<{ gid: string }[]>(
    `SELECT DISTINCT "memberGroupId" AS gid FROM "MembershipInterval"
      WHERE "memberGroupId" IS NOT NULL AND ("validFrom" >= $1::timestamp(3) OR "validTo" >= $1::timestamp(3))`,
    since,
  );
  if (changed.length === 0) return { checkedGroups: 0, mismatches: [] };
  const groupIds = [...new Set([...changed.map((c) => c.gid), ...(await groupsAtOrBelow(tx, changed.map((c) => c.gid), options.now))])];
  const mismatches = await verifyGroupClosure(tx, { groupIds, limit: 20 });
  if (mismatches.length > 0) {
    const recent = await tx.auditEvent.findFirst({
      where: { action: GRAPH_BROKEN_ACTION, createdAt: { gte: new Date(options.now.getTime() - REPORT_AGAIN_MS) } },
      select: { id: true },
    });
    if (!recent) {
      await recordAuditEvent(tx, {
        actor: { type: "system", label: "access graph verification" },
        action: GRAPH_BROKEN_ACTION,
        after: {
          checkedGroups: groupIds.length,
          differences: mismatches.length,
          first: mismatches.slice(0, 5).map((m) => ({ ...m, validFrom: m.validFrom.toISOString(), validTo: m.validTo?.toISOString() ?? null })),
          remedy: "npm run access:verify-graph -- --rebuild",
        },
      });
    }
  }
  return { checkedGroups: groupIds.length, mismatches };
}
