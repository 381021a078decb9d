-- Ethical walls (issue 20): information barriers that beat every grant (lib/access/walls-sql.ts),
-- versioned by validity intervals so answers at a past instant see a wall as it stood then.

-- Wall scopes by counterparty or tag match the contract as it was at T: the revisions keep both.
ALTER TABLE "ContractRevision" ADD COLUMN "counterpartyKey" TEXT;
ALTER TABLE "ContractRevision" ADD COLUMN "tags" JSONB NOT NULL DEFAULT '[]';
-- Earlier revisions take the contract's current values (the history of both was not kept before).
UPDATE "ContractRevision" cr
SET "counterpartyKey" = NULLIF(lower(btrim(c."counterparty")), ''),
    "tags" = COALESCE((SELECT jsonb_agg(DISTINCT lower(btrim(t))) FROM jsonb_array_elements_text(c."tags") t WHERE btrim(t) <> ''), '[]'::jsonb)
FROM "Contract" c
WHERE c."id" = cr."contractId";

CREATE TABLE "Wall" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
    "matterRef" TEXT,
    "description" TEXT NOT NULL DEFAULT '',
    "kind" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'draft',
    "requiresAcknowledgment" BOOLEAN NOT NULL DEFAULT false,
    "screenedAcknowledge" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdByType" TEXT NOT NULL,
    "createdById" TEXT,
    "createdByLabel" TEXT,
    "activatedAt" TIMESTAMP(3),
    "activatedByType" TEXT,
    "activatedById" TEXT,
    "activatedByLabel" TEXT,
    "activationReason" TEXT,
    "activationEventId" TEXT,
    "liftedAt" TIMESTAMP(3),
    "liftedByType" TEXT,
    "liftedById" TEXT,
    "liftedByLabel" TEXT,
    "liftReason" TEXT,
    "liftEventId" TEXT,

    CONSTRAINT "Wall_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Wall_nameKey_key" ON "Wall"("nameKey");
CREATE INDEX "Wall_state_idx" ON "Wall"("state");
CREATE INDEX "Wall_activatedAt_idx" ON "Wall"("activatedAt");

CREATE TABLE "WallSide" (
    "id" TEXT NOT NULL,
    "wallId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WallSide_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "WallSide_wallId_position_key" ON "WallSide"("wallId", "position");

CREATE TABLE "WallScope" (
    "id" TEXT NOT NULL,
    "wallId" TEXT NOT NULL,
    "sideId" TEXT,
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "validFrom" TIMESTAMP(3) NOT NULL,
    "validTo" TIMESTAMP(3),
    "addedByLabel" TEXT,
    "eventId" TEXT,
    "removedEventId" TEXT,

    CONSTRAINT "WallScope_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "WallScope_key_validFrom_idx" ON "WallScope"("key", "validFrom");
CREATE INDEX "WallScope_wallId_validFrom_idx" ON "WallScope"("wallId", "validFrom");

CREATE TABLE "WallRosterEntry" (
    "id" TEXT NOT NULL,
    "wallId" TEXT NOT NULL,
    "sideId" TEXT,
    "userId" TEXT,
    "groupId" TEXT,
    "validFrom" TIMESTAMP(3) NOT NULL,
    "validTo" TIMESTAMP(3),
    "addedByType" TEXT NOT NULL,
    "addedById" TEXT,
    "addedByLabel" TEXT,
    "eventId" TEXT,
    "removalJustification" TEXT,
    "removedByLabel" TEXT,
    "removedEventId" TEXT,

    CONSTRAINT "WallRosterEntry_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "WallRosterEntry_wallId_validFrom_idx" ON "WallRosterEntry"("wallId", "validFrom");
CREATE INDEX "WallRosterEntry_groupId_idx" ON "WallRosterEntry"("groupId");
CREATE INDEX "WallRosterEntry_userId_idx" ON "WallRosterEntry"("userId");

CREATE TABLE "WallPerson" (
    "id" TEXT NOT NULL,
    "wallId" TEXT NOT NULL,
    "sideId" TEXT,
    "userId" TEXT NOT NULL,
    "entryId" TEXT,
    "viaGroupId" TEXT,
    "validFrom" TIMESTAMP(3) NOT NULL,
    "validTo" TIMESTAMP(3),
    "eventId" TEXT,
    "removalJustification" TEXT,
    "removedEventId" TEXT,

    CONSTRAINT "WallPerson_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "WallPerson_userId_wallId_idx" ON "WallPerson"("userId", "wallId");
CREATE INDEX "WallPerson_wallId_userId_idx" ON "WallPerson"("wallId", "userId");
CREATE INDEX "WallPerson_entryId_idx" ON "WallPerson"("entryId");

CREATE TABLE "WallAcknowledgment" (
    "id" TEXT NOT NULL,
    "wallId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "onBehalf" BOOLEAN NOT NULL DEFAULT false,
    "reason" TEXT,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT,
    "actorLabel" TEXT,
    "eventId" TEXT,

    CONSTRAINT "WallAcknowledgment_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "WallAcknowledgment_wallId_userId_at_idx" ON "WallAcknowledgment"("wallId", "userId", "at");
CREATE INDEX "WallAcknowledgment_userId_idx" ON "WallAcknowledgment"("userId");

CREATE TABLE "WallBreachAttempt" (
    "id" TEXT NOT NULL,
    "wallId" TEXT NOT NULL,
    "sideId" TEXT,
    "userId" TEXT NOT NULL,
    "contractId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "source" TEXT NOT NULL,
    "action" TEXT,
    "requestId" TEXT,
    "eventId" TEXT,

    CONSTRAINT "WallBreachAttempt_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "WallBreachAttempt_wallId_at_idx" ON "WallBreachAttempt"("wallId", "at");
CREATE INDEX "WallBreachAttempt_userId_at_idx" ON "WallBreachAttempt"("userId", "at");

-- Walls' lifecycle, rosters, acknowledgments and breach attempts are webhook events too.
CREATE OR REPLACE FUNCTION "webhook_outbox_enqueue"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "WebhookEndpoint" WHERE "enabled") THEN
    INSERT INTO "WebhookOutbox" ("auditEventId")
    SELECT n."id" FROM new_rows n
    WHERE n."action" IN ('user.created', 'user.updated', 'user.activated', 'user.deactivated', 'user.deleted',
                         'group.members_changed', 'group.updated', 'access.granted', 'access.revoked',
                         'audit.chain_broken', 'wall.activated', 'wall.lifted', 'wall.roster_added',
                         'wall.roster_removed', 'wall.acknowledged', 'wall.acknowledgment_reminded',
                         'wall.breach_attempt')
    ORDER BY n."seq" DESC;
  END IF;
  RETURN NULL;
END;
$$;
