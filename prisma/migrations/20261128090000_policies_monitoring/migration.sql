-- Inactivity policy per directory.
ALTER TABLE "Directory" ADD COLUMN "inactivityDays" INTEGER,
ADD COLUMN "inactivityAction" TEXT NOT NULL DEFAULT 'flag';

-- When the directory last touched each user; existing users count from their last change.
ALTER TABLE "User" ADD COLUMN "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN "inactiveFlaggedAt" TIMESTAMP(3),
ADD COLUMN "suspendedAt" TIMESTAMP(3);
UPDATE "User" SET "lastSeenAt" = "updatedAt";

-- CreateIndex
CREATE INDEX "User_directoryId_lastSeenAt_idx" ON "User"("directoryId", "lastSeenAt");

-- Attributes a SCIM request carried that were ignored.
ALTER TABLE "RequestLog" ADD COLUMN "ignoredCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "ignoredAttributes" TEXT;
