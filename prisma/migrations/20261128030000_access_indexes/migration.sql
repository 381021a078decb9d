-- Access engine indexes (lib/access).

-- CreateIndex
-- Covers every column the access queries read from a revision, so the per-repository scans of
-- "which contracts does this rule cover at T" are index-only (no heap visit per contract).
CREATE INDEX "ContractRevision_repositoryId_validFrom_validTo_contractTyp_idx" ON "ContractRevision"("repositoryId", "validFrom", "validTo", "contractType", "confidentiality", "endDate", "contractId");

-- CreateIndex
-- The timed-effects job looks up contracts whose end date (plus grace) has just passed.
CREATE INDEX "ContractRevision_endDate_idx" ON "ContractRevision"("endDate");
