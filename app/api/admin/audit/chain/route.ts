import { getPrisma } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { adminRoute } from "@/lib/http/admin-route";
import { auditChainStatus } from "@/lib/audit/status";
import { describeVerification } from "@/lib/audit/verify";
import { verifyAuditChainNow } from "@/lib/jobs/maintenance";

export const dynamic = "force-dynamic";

// The chain's status (head, checkpoint, latest verification) for the audit page.
export const GET = adminRoute("audit:read", async () => Response.json(await auditChainStatus(await getPrisma())));

// Verify the whole chain now (read-only; recorded like the periodic runs).
export const POST = adminRoute("audit:read", async () => {
  const result = await verifyAuditChainNow(await getPrisma());
  if (!result) throw new AppError("conflict", "A verification is already running");
  return Response.json({ ...result, summary: describeVerification(result) });
});
