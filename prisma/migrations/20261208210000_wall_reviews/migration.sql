-- Review campaigns (issues 19 and 20): why an item was recommended (the "never opened" revoke among
-- the reasons), and campaigns whose items are walls — "is this wall still needed" and one question
-- per person on its roster (lib/reviews/wall-reviews.ts).
ALTER TABLE "ReviewItem" ADD COLUMN "recommendationReason" TEXT;

CREATE TABLE "WallReviewItem" (
    "id" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "wallId" TEXT NOT NULL,
    "sideId" TEXT,
    "question" TEXT NOT NULL,
    "userId" TEXT,
    "role" TEXT,
    "viaGroupId" TEXT,
    "onRosterSince" TIMESTAMP(3),
    "acknowledgedAt" TIMESTAMP(3),
    "recommendation" TEXT,
    "recommendationReason" TEXT,
    "stage" INTEGER NOT NULL DEFAULT 1,
    "reviewerId" TEXT,
    "assignedAt" TIMESTAMP(3),
    "decision" TEXT,
    "decidedAt" TIMESTAMP(3),
    "decidedBy" TEXT,
    "justification" TEXT,
    "secondsSpent" INTEGER,
    "outcome" TEXT,
    "appliedAt" TIMESTAMP(3),
    "applyEventId" TEXT,
    "applyResult" TEXT,
    "liftResolution" TEXT,
    "liftResolvedAt" TIMESTAMP(3),
    "liftResolvedBy" TEXT,
    "liftReason" TEXT,

    CONSTRAINT "WallReviewItem_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "WallReviewItem_campaignId_reviewerId_idx" ON "WallReviewItem"("campaignId", "reviewerId");
CREATE INDEX "WallReviewItem_reviewerId_decision_idx" ON "WallReviewItem"("reviewerId", "decision");
CREATE INDEX "WallReviewItem_wallId_idx" ON "WallReviewItem"("wallId");
