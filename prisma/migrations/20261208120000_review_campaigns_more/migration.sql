-- Issue 19, review campaigns: narrowed repository exclusions (a revocation withdraws exactly the
-- contract types and confidentialities its campaign reviewed), carry-forward decisions, mover
-- reviews (a per-directory setting and the outbox the SCIM write fills).
ALTER TABLE "Exclusion" ADD COLUMN "contractTypes" JSONB NOT NULL DEFAULT '[]',
                        ADD COLUMN "confidentialityFloor" INTEGER;

ALTER TABLE "ReviewCampaign" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'scheduled';
ALTER TABLE "ReviewItem" ADD COLUMN "carriedForward" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "ReviewDecision" ALTER COLUMN "reviewerId" DROP NOT NULL,
                             ADD COLUMN "via" TEXT NOT NULL DEFAULT 'reviewer';

ALTER TABLE "Directory" ADD COLUMN "moverReviews" BOOLEAN NOT NULL DEFAULT false,
                        ADD COLUMN "moverReviewFallbackId" TEXT,
                        ADD COLUMN "moverReviewDays" INTEGER NOT NULL DEFAULT 7,
                        ADD COLUMN "moverReviewDefinitionId" TEXT;

CREATE TABLE "MoverReview" (
    "id" TEXT NOT NULL,
    "directoryId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "changed" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),
    "campaignId" TEXT,
    "outcome" TEXT,
    CONSTRAINT "MoverReview_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "MoverReview_processedAt_createdAt_idx" ON "MoverReview"("processedAt", "createdAt");
CREATE INDEX "MoverReview_userId_idx" ON "MoverReview"("userId");
