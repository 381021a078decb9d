-- Issue 19's targets: a campaign starts in the background (status "starting", then "active", or
-- "failed" with its reason and no items left behind), showing its progress in people; a
-- reviewer's queue is read in its ORDER BY's order from an index.
ALTER TABLE "ReviewCampaign" ADD COLUMN "progressDone" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "ReviewCampaign" ADD COLUMN "progressTotal" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "ReviewCampaign" ADD COLUMN "failure" TEXT;
ALTER TABLE "ReviewCampaign" ADD COLUMN "heartbeatAt" TIMESTAMP(3);

-- lib/reviews/queries.ts myQueue: WHERE "reviewerId" = $1 AND "campaignId" = $2 ORDER BY decision
-- NULLS FIRST, confidentiality DESC, id (schema.prisma cannot say NULLS FIRST: lib/db/schema-drift.ts SQL_ONLY_OBJECTS).
CREATE INDEX "ReviewItem_queue_idx" ON "ReviewItem" ("reviewerId", "campaignId", "decision" ASC NULLS FIRST, "confidentiality" DESC, "id");
