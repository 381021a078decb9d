-- AlterTable: a directory without its own limit uses SCIM_RATE_LIMIT_PER_MINUTE.
ALTER TABLE "Directory" ALTER COLUMN "rateLimitPerMinute" DROP NOT NULL,
ALTER COLUMN "rateLimitPerMinute" DROP DEFAULT;
UPDATE "Directory" SET "rateLimitPerMinute" = NULL WHERE "rateLimitPerMinute" = 6000;
