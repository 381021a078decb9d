-- CreateTable
CREATE TABLE "Repository" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "owner" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Repository_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Contract" (
    "id" TEXT NOT NULL,
    "repositoryId" TEXT NOT NULL,
    "externalRef" TEXT,
    "title" TEXT NOT NULL,
    "counterparty" TEXT,
    "contractType" TEXT NOT NULL,
    "confidentiality" INTEGER NOT NULL DEFAULT 1,
    "status" TEXT NOT NULL DEFAULT 'active',
    "effectiveDate" TIMESTAMP(3),
    "endDate" TIMESTAMP(3),
    "owner" TEXT,
    "tags" JSONB NOT NULL DEFAULT '[]',
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Contract_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContractRevision" (
    "id" TEXT NOT NULL,
    "contractId" TEXT NOT NULL,
    "repositoryId" TEXT NOT NULL,
    "contractType" TEXT NOT NULL,
    "confidentiality" INTEGER NOT NULL,
    "endDate" TIMESTAMP(3),
    "validFrom" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "validTo" TIMESTAMP(3),
    "eventId" TEXT,

    CONSTRAINT "ContractRevision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccessRule" (
    "id" TEXT NOT NULL,
    "currentVersion" INTEGER NOT NULL DEFAULT 1,
    "deletedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccessRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccessRuleVersion" (
    "id" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "change" TEXT NOT NULL,
    "principalType" TEXT NOT NULL,
    "groupId" TEXT,
    "userId" TEXT,
    "level" INTEGER NOT NULL,
    "repositoryId" TEXT,
    "contractId" TEXT,
    "contractTypes" JSONB NOT NULL DEFAULT '[]',
    "confidentialityCeiling" INTEGER,
    "validFrom" TIMESTAMP(3),
    "validUntil" TIMESTAMP(3),
    "graceDaysAfterEnd" INTEGER,
    "justification" TEXT NOT NULL,
    "authorType" TEXT NOT NULL,
    "authorId" TEXT,
    "authorLabel" TEXT,
    "recordedFrom" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "recordedTo" TIMESTAMP(3),
    "eventId" TEXT,

    CONSTRAINT "AccessRuleVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GroupRoleAssignment" (
    "id" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT,

    CONSTRAINT "GroupRoleAssignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" JSONB NOT NULL DEFAULT '[]',
    "expiresAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TimedEffect" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "processedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "eventCount" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "TimedEffect_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Repository_name_key" ON "Repository"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Contract_externalRef_key" ON "Contract"("externalRef");

-- CreateIndex
CREATE INDEX "Contract_repositoryId_contractType_confidentiality_idx" ON "Contract"("repositoryId", "contractType", "confidentiality");

-- CreateIndex
CREATE INDEX "Contract_endDate_idx" ON "Contract"("endDate");

-- CreateIndex
CREATE INDEX "ContractRevision_contractId_validFrom_idx" ON "ContractRevision"("contractId", "validFrom");

-- CreateIndex
CREATE INDEX "ContractRevision_repositoryId_validFrom_idx" ON "ContractRevision"("repositoryId", "validFrom");

-- CreateIndex
CREATE INDEX "AccessRuleVersion_groupId_recordedFrom_idx" ON "AccessRuleVersion"("groupId", "recordedFrom");

-- CreateIndex
CREATE INDEX "AccessRuleVersion_userId_recordedFrom_idx" ON "AccessRuleVersion"("userId", "recordedFrom");

-- CreateIndex
CREATE INDEX "AccessRuleVersion_repositoryId_recordedFrom_idx" ON "AccessRuleVersion"("repositoryId", "recordedFrom");

-- CreateIndex
CREATE INDEX "AccessRuleVersion_contractId_recordedFrom_idx" ON "AccessRuleVersion"("contractId", "recordedFrom");

-- CreateIndex
CREATE UNIQUE INDEX "AccessRuleVersion_ruleId_version_key" ON "AccessRuleVersion"("ruleId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "GroupRoleAssignment_groupId_role_key" ON "GroupRoleAssignment"("groupId", "role");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE UNIQUE INDEX "TimedEffect_kind_subjectId_dueAt_key" ON "TimedEffect"("kind", "subjectId", "dueAt");

-- AddForeignKey
ALTER TABLE "Contract" ADD CONSTRAINT "Contract_repositoryId_fkey" FOREIGN KEY ("repositoryId") REFERENCES "Repository"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessRuleVersion" ADD CONSTRAINT "AccessRuleVersion_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "AccessRule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GroupRoleAssignment" ADD CONSTRAINT "GroupRoleAssignment_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group"("id") ON DELETE CASCADE ON UPDATE CASCADE;
