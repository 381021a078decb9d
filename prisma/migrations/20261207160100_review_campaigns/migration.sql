-- Access review campaigns (issue 19): repository owners, definitions, campaigns with their frozen
-- population, items and the decision history.
CREATE TABLE "RepositoryOwner" (
    "repositoryId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RepositoryOwner_pkey" PRIMARY KEY ("repositoryId","userId")
);
CREATE INDEX "RepositoryOwner_userId_idx" ON "RepositoryOwner"("userId");

CREATE TABLE "ReviewDefinition" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReviewDefinition_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "ReviewCampaign" (
    "id" TEXT NOT NULL,
    "definitionId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "stage" INTEGER NOT NULL DEFAULT 1,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),
    "populationHash" TEXT NOT NULL,
    "populationSize" INTEGER NOT NULL,
    "startedBy" TEXT,
    "startEventId" TEXT,
    "closeEventId" TEXT,

    CONSTRAINT "ReviewCampaign_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ReviewCampaign_definitionId_startedAt_idx" ON "ReviewCampaign"("definitionId", "startedAt");
CREATE INDEX "ReviewCampaign_status_idx" ON "ReviewCampaign"("status");

CREATE TABLE "ReviewItem" (
    "id" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "repositoryId" TEXT NOT NULL,
    "contractId" TEXT,
    "level" INTEGER NOT NULL,
    "contracts" INTEGER NOT NULL,
    "confidentiality" INTEGER NOT NULL,
    "reasons" JSONB NOT NULL,
    "personStatus" TEXT NOT NULL,
    "inactiveDays" INTEGER,
    "lastOpenedAt" TIMESTAMP(3),
    "recommendation" TEXT,
    "stage" INTEGER NOT NULL DEFAULT 1,
    "reviewerId" TEXT,
    "decision" TEXT,
    "decidedAt" TIMESTAMP(3),
    "decidedBy" TEXT,
    "justification" TEXT,
    "secondsSpent" INTEGER,
    "bulk" BOOLEAN NOT NULL DEFAULT false,
    "outcome" TEXT,
    "appliedAt" TIMESTAMP(3),
    "exclusionId" TEXT,
    "endedRuleId" TEXT,
    "proof" JSONB,

    CONSTRAINT "ReviewItem_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ReviewItem_campaignId_reviewerId_idx" ON "ReviewItem"("campaignId", "reviewerId");
CREATE INDEX "ReviewItem_campaignId_userId_idx" ON "ReviewItem"("campaignId", "userId");
CREATE INDEX "ReviewItem_reviewerId_decision_idx" ON "ReviewItem"("reviewerId", "decision");

CREATE TABLE "ReviewDecision" (
    "id" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "stage" INTEGER NOT NULL,
    "decision" TEXT NOT NULL,
    "reviewerId" TEXT NOT NULL,
    "decidedAt" TIMESTAMP(3) NOT NULL,
    "justification" TEXT,
    "secondsSpent" INTEGER,
    "bulk" BOOLEAN NOT NULL DEFAULT false,
    "eventId" TEXT,

    CONSTRAINT "ReviewDecision_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ReviewDecision_itemId_idx" ON "ReviewDecision"("itemId");
CREATE INDEX "ReviewDecision_campaignId_reviewerId_idx" ON "ReviewDecision"("campaignId", "reviewerId");
