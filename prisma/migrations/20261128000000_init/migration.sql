-- CreateTable
CREATE TABLE "Directory" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'generic',
    "rateLimitPerMinute" INTEGER NOT NULL DEFAULT 6000,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Directory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ScimToken" (
    "id" TEXT NOT NULL,
    "directoryId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ScimToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OAuthClient" (
    "id" TEXT NOT NULL,
    "directoryId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OAuthClient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "directoryId" TEXT NOT NULL,
    "userName" TEXT NOT NULL,
    "userNameKey" TEXT NOT NULL,
    "externalId" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "displayName" TEXT,
    "nickName" TEXT,
    "profileUrl" TEXT,
    "title" TEXT,
    "userType" TEXT,
    "preferredLanguage" TEXT,
    "locale" TEXT,
    "timezone" TEXT,
    "formattedName" TEXT,
    "familyName" TEXT,
    "givenName" TEXT,
    "middleName" TEXT,
    "honorificPrefix" TEXT,
    "honorificSuffix" TEXT,
    "primaryEmail" TEXT,
    "country" TEXT,
    "emails" JSONB NOT NULL DEFAULT '[]',
    "phoneNumbers" JSONB NOT NULL DEFAULT '[]',
    "ims" JSONB NOT NULL DEFAULT '[]',
    "photos" JSONB NOT NULL DEFAULT '[]',
    "addresses" JSONB NOT NULL DEFAULT '[]',
    "entitlements" JSONB NOT NULL DEFAULT '[]',
    "roles" JSONB NOT NULL DEFAULT '[]',
    "x509Certificates" JSONB NOT NULL DEFAULT '[]',
    "employeeNumber" TEXT,
    "costCenter" TEXT,
    "organization" TEXT,
    "division" TEXT,
    "department" TEXT,
    "managerId" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Group" (
    "id" TEXT NOT NULL,
    "directoryId" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "displayNameKey" TEXT NOT NULL,
    "externalId" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Group_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GroupMember" (
    "id" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "memberUserId" TEXT,
    "memberGroupId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GroupMember_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MembershipInterval" (
    "id" TEXT NOT NULL,
    "directoryId" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "memberUserId" TEXT,
    "memberGroupId" TEXT,
    "validFrom" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "validTo" TIMESTAMP(3),
    "addedEventId" TEXT,
    "removedEventId" TEXT,

    CONSTRAINT "MembershipInterval_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UserStatusInterval" (
    "id" TEXT NOT NULL,
    "directoryId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL,
    "validFrom" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "validTo" TIMESTAMP(3),
    "eventId" TEXT,

    CONSTRAINT "UserStatusInterval_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT,
    "actorLabel" TEXT,
    "directoryId" TEXT,
    "action" TEXT NOT NULL,
    "targetType" TEXT,
    "targetId" TEXT,
    "targetLabel" TEXT,
    "before" JSONB,
    "after" JSONB,
    "requestId" TEXT,
    "ip" TEXT,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RequestLog" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "directoryId" TEXT,
    "credentialId" TEXT,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "scimType" TEXT,
    "latencyMs" INTEGER NOT NULL,
    "userAgent" TEXT,
    "requestId" TEXT,

    CONSTRAINT "RequestLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Directory_name_key" ON "Directory"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ScimToken_hash_key" ON "ScimToken"("hash");

-- CreateIndex
CREATE INDEX "ScimToken_directoryId_idx" ON "ScimToken"("directoryId");

-- CreateIndex
CREATE UNIQUE INDEX "OAuthClient_clientId_key" ON "OAuthClient"("clientId");

-- CreateIndex
CREATE INDEX "OAuthClient_directoryId_idx" ON "OAuthClient"("directoryId");

-- CreateIndex
CREATE INDEX "User_directoryId_externalId_idx" ON "User"("directoryId", "externalId");

-- CreateIndex
CREATE INDEX "User_directoryId_createdAt_idx" ON "User"("directoryId", "createdAt");

-- CreateIndex
CREATE INDEX "User_directoryId_primaryEmail_idx" ON "User"("directoryId", "primaryEmail");

-- CreateIndex
CREATE UNIQUE INDEX "User_directoryId_userNameKey_key" ON "User"("directoryId", "userNameKey");

-- CreateIndex
CREATE INDEX "Group_directoryId_externalId_idx" ON "Group"("directoryId", "externalId");

-- CreateIndex
CREATE INDEX "Group_directoryId_createdAt_idx" ON "Group"("directoryId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Group_directoryId_displayNameKey_key" ON "Group"("directoryId", "displayNameKey");

-- CreateIndex
CREATE INDEX "GroupMember_memberUserId_idx" ON "GroupMember"("memberUserId");

-- CreateIndex
CREATE INDEX "GroupMember_memberGroupId_idx" ON "GroupMember"("memberGroupId");

-- CreateIndex
CREATE UNIQUE INDEX "GroupMember_groupId_memberUserId_key" ON "GroupMember"("groupId", "memberUserId");

-- CreateIndex
CREATE UNIQUE INDEX "GroupMember_groupId_memberGroupId_key" ON "GroupMember"("groupId", "memberGroupId");

-- CreateIndex
CREATE INDEX "MembershipInterval_groupId_validFrom_idx" ON "MembershipInterval"("groupId", "validFrom");

-- CreateIndex
CREATE INDEX "MembershipInterval_memberUserId_validFrom_idx" ON "MembershipInterval"("memberUserId", "validFrom");

-- CreateIndex
CREATE INDEX "MembershipInterval_memberGroupId_validFrom_idx" ON "MembershipInterval"("memberGroupId", "validFrom");

-- CreateIndex
CREATE INDEX "UserStatusInterval_userId_validFrom_idx" ON "UserStatusInterval"("userId", "validFrom");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_seq_key" ON "AuditEvent"("seq");

-- CreateIndex
CREATE INDEX "AuditEvent_createdAt_idx" ON "AuditEvent"("createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_targetType_targetId_idx" ON "AuditEvent"("targetType", "targetId");

-- CreateIndex
CREATE INDEX "AuditEvent_directoryId_createdAt_idx" ON "AuditEvent"("directoryId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_action_createdAt_idx" ON "AuditEvent"("action", "createdAt");

-- CreateIndex
CREATE INDEX "RequestLog_directoryId_createdAt_idx" ON "RequestLog"("directoryId", "createdAt");

-- CreateIndex
CREATE INDEX "RequestLog_createdAt_idx" ON "RequestLog"("createdAt");

-- AddForeignKey
ALTER TABLE "ScimToken" ADD CONSTRAINT "ScimToken_directoryId_fkey" FOREIGN KEY ("directoryId") REFERENCES "Directory"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OAuthClient" ADD CONSTRAINT "OAuthClient_directoryId_fkey" FOREIGN KEY ("directoryId") REFERENCES "Directory"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_directoryId_fkey" FOREIGN KEY ("directoryId") REFERENCES "Directory"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Group" ADD CONSTRAINT "Group_directoryId_fkey" FOREIGN KEY ("directoryId") REFERENCES "Directory"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GroupMember" ADD CONSTRAINT "GroupMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GroupMember" ADD CONSTRAINT "GroupMember_memberUserId_fkey" FOREIGN KEY ("memberUserId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GroupMember" ADD CONSTRAINT "GroupMember_memberGroupId_fkey" FOREIGN KEY ("memberGroupId") REFERENCES "Group"("id") ON DELETE CASCADE ON UPDATE CASCADE;
