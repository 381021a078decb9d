import { AppError } from "@/lib/errors";
import { errorResponse } from "@/lib/http/error-response";
import { route } from "@/lib/http/route";
import { auditChainStatus } from "@/lib/audit/status";
import { describeVerification } from "@/lib/audit/verify";
import { verifyAuditChainNow } from "@/lib/jobs/maintenance";

export const dynamic = "force-dynamic";

// The chain's status (head, checkpoint, latest verification) for the audit page.
export const GET = route({ auth: { permission: "audit:read" } }, async ({ db }) => Response.json(await auditChainStatus(db)));

// Verify the whole chain now (read-only; recorded like the periodic runs) — or the last full
// run's result while it is fresh; 429 when this account started one less than 5 minutes ago; 202
// with the latest result while a run is in progress (lib/audit/verification-job.ts).
export const POST = route({ auth: { permission: "audit:read" } }, async ({ db, principal }) => {
  const answer = await verifyAuditChainNow(db, { requestedBy: principal.id });
  if (answer.outcome === "rate_limited") {
    const error = new AppError("rate_limited", `You started a full verification less than 5 minutes ago; try again in ${answer.retryAfterSeconds}s`);
    return errorResponse(error, { headers: { "retry-after": String(answer.retryAfterSeconds) } });
  }
  const summary = answer.result && describeVerification(answer.result);
  return Response.json({ outcome: answer.outcome, ...answer.result, summary }, { status: answer.outcome === "running" ? 202 : 200 });
});
