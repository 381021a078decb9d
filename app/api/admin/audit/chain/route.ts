import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { auditChainStatus } from "@/lib/audit/status";
import { describeVerification } from "@/lib/audit/verify";
import { verifyAuditChainNow } from "@/lib/jobs/maintenance";

export const dynamic = "force-dynamic";

// The chain's status (head, checkpoint, latest verification) for the audit page.
export const GET = route({ auth: { permission: "audit:read" } }, async ({ db }) => Response.json(await auditChainStatus(db)));

// Verify the whole chain now (read-only; recorded like the periodic runs).
export const POST = route({ auth: { permission: "audit:read" } }, async ({ db }) => {
  const result = await verifyAuditChainNow(db);
  if (!result) throw new AppError("conflict", "A verification is already running");
  return Response.json({ ...result, summary: describeVerification(result) });
});
