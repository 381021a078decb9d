-- Access engine indexes for "who can open this contract" at scale (lib/access).

-- CreateIndex
-- Pages of readers walk users in name order and stop after offset + limit rows.
CREATE INDEX "User_userName_id_idx" ON "User"("userName", "id");

-- CreateIndex
-- "Active at T" for every reader of a wide contract, index-only.
CREATE INDEX "UserStatusInterval_userId_active_validFrom_validTo_idx" ON "UserStatusInterval"("userId", "active", "validFrom", "validTo");

-- CreateIndex
-- Walking nested groups downwards reads only the group-to-group edges, index-only.
CREATE INDEX "MembershipInterval_groupId_memberGroupId_validFrom_validTo_idx" ON "MembershipInterval"("groupId", "memberGroupId", "validFrom", "validTo");
