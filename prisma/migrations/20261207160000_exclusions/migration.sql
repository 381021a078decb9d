-- Exclusions (issue 19): a deny for one person on a repository or one contract, with validity,
-- that beats every grant (lib/access/sql.ts notExcludedAt).
CREATE TABLE "Exclusion" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "repositoryId" TEXT,
    "contractId" TEXT,
    "source" TEXT NOT NULL,
    "campaignId" TEXT,
    "reason" TEXT NOT NULL,
    "validFrom" TIMESTAMP(3) NOT NULL,
    "validTo" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdByType" TEXT NOT NULL,
    "createdById" TEXT,
    "createdByLabel" TEXT,
    "eventId" TEXT,
    "liftedAt" TIMESTAMP(3),
    "liftedByType" TEXT,
    "liftedById" TEXT,
    "liftedByLabel" TEXT,
    "liftJustification" TEXT,
    "liftEventId" TEXT,

    CONSTRAINT "Exclusion_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "Exclusion_userId_idx" ON "Exclusion"("userId");
CREATE INDEX "Exclusion_repositoryId_validFrom_idx" ON "Exclusion"("repositoryId", "validFrom");
CREATE INDEX "Exclusion_contractId_validFrom_idx" ON "Exclusion"("contractId", "validFrom");
CREATE INDEX "Exclusion_campaignId_idx" ON "Exclusion"("campaignId");
