-- Sessions carry the account's version: a password change, reset or disable bumps it.
ALTER TABLE "AdminAccount" ADD COLUMN "sessionVersion" INTEGER NOT NULL DEFAULT 1;

-- Tokens created from SCIM_BOOTSTRAP_TOKEN, so a new value can revoke the old one. Existing ones
-- are recognised by the audit trail's record of who created them.
ALTER TABLE "ScimToken" ADD COLUMN "bootstrap" BOOLEAN NOT NULL DEFAULT false;
UPDATE "ScimToken" SET "bootstrap" = true
WHERE "id" IN (
  SELECT "targetId" FROM "AuditEvent"
  WHERE "action" = 'scim_token.created' AND "actorType" = 'system' AND "actorLabel" = 'SCIM_BOOTSTRAP_TOKEN'
);

-- Sign-in rate limits shared by every instance.
CREATE TABLE "SignInThrottle" (
    "key" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SignInThrottle_pkey" PRIMARY KEY ("key")
);
CREATE INDEX "SignInThrottle_windowStart_idx" ON "SignInThrottle"("windowStart");

-- Single sign-on identities bound to the SCIM user they were matched to.
CREATE TABLE "SsoIdentity" (
    "issuer" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SsoIdentity_pkey" PRIMARY KEY ("issuer","subject")
);
CREATE INDEX "SsoIdentity_userId_idx" ON "SsoIdentity"("userId");
ALTER TABLE "SsoIdentity" ADD CONSTRAINT "SsoIdentity_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
