-- Review campaign scheduling and notifications (issue 19): campaign owners, recurrence slots,
-- reminder slots, when an item reached its reviewer, the item's reviewer history (reassigned,
-- escalated), the e-mail outbox, and the campaign events that become webhooks.
ALTER TABLE "ReviewDefinition" ADD COLUMN "ownerEmail" TEXT;

ALTER TABLE "ReviewCampaign" ADD COLUMN "ownerEmail" TEXT,
    ADD COLUMN "occurrenceAt" TIMESTAMP(3),
    ADD COLUMN "reminderSlot" INTEGER NOT NULL DEFAULT 0;
-- One campaign per definition and recurrence slot: a second scheduled start of the same slot fails.
CREATE UNIQUE INDEX "ReviewCampaign_definitionId_occurrenceAt_key" ON "ReviewCampaign"("definitionId", "occurrenceAt");

ALTER TABLE "ReviewItem" ADD COLUMN "assignedAt" TIMESTAMP(3);

CREATE TABLE "ReviewAssignment" (
    "id" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "stage" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "fromReviewerId" TEXT,
    "toReviewerId" TEXT NOT NULL,
    "reason" TEXT,
    "at" TIMESTAMP(3) NOT NULL,
    "eventId" TEXT,

    CONSTRAINT "ReviewAssignment_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ReviewAssignment_itemId_idx" ON "ReviewAssignment"("itemId");
CREATE INDEX "ReviewAssignment_campaignId_idx" ON "ReviewAssignment"("campaignId");

CREATE TABLE "EmailOutbox" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "campaignId" TEXT,
    "recipientId" TEXT,
    "toAddress" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastAttemptAt" TIMESTAMP(3),
    "lastError" TEXT,
    "sentAt" TIMESTAMP(3),
    "eventId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmailOutbox_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "EmailOutbox_status_nextAttemptAt_idx" ON "EmailOutbox"("status", "nextAttemptAt");
CREATE INDEX "EmailOutbox_campaignId_idx" ON "EmailOutbox"("campaignId");
CREATE INDEX "EmailOutbox_recipientId_idx" ON "EmailOutbox"("recipientId");

-- The catalog's webhook actions now include the campaign events (lib/audit/actions.ts), beside the
-- walls' events of 20261208100000_ethical_walls (a redefinition must keep every earlier action: the
-- catalog test in lib/webhooks compares this list with the catalog); the order by seq descending is
-- 20261207200000_webhook_outbox_commit_order's.
CREATE OR REPLACE FUNCTION "webhook_outbox_enqueue"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "WebhookEndpoint" WHERE "enabled") THEN
    INSERT INTO "WebhookOutbox" ("auditEventId")
    SELECT n."id" FROM new_rows n
    WHERE n."action" IN ('user.created', 'user.updated', 'user.activated', 'user.deactivated', 'user.deleted',
                         'group.members_changed', 'group.updated', 'access.granted', 'access.revoked',
                         'audit.chain_broken', 'wall.activated', 'wall.lifted', 'wall.roster_added',
                         'wall.roster_removed', 'wall.acknowledged', 'wall.acknowledgment_reminded',
                         'wall.breach_attempt', 'review_campaign.started', 'review_campaign.reminded',
                         'review_campaign.escalated', 'review_campaign.closed')
    ORDER BY n."seq" DESC;
  END IF;
  RETURN NULL;
END;
$$;
