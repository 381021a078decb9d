-- Who asked for an on-demand verification ("Verify now": an account id; NULL for the maintenance
-- job's runs). Each account may start one full pass per interval (lib/audit/verification-job.ts).
ALTER TABLE "AuditVerification" ADD COLUMN "requestedBy" TEXT;

CREATE INDEX "AuditVerification_requestedBy_startedAt_idx" ON "AuditVerification"("requestedBy", "startedAt");
