-- Release note (issue 15, "Identity across time"): who held a userName when, so that a question
-- about the past by userName answers for the person who held it then, even after they were deleted
-- and the name was given to someone new. Only a keyed digest of lower(userName) is kept (the name
-- is personal data, erased with its holder); the key is a random instance secret made here.
-- History starts now for names: users that exist get one interval from when they were created;
-- people deleted before this migration had their names erased, so they cannot be found by name
-- (by id they still can).
CREATE TABLE "UserNameInterval" (
    "id" TEXT NOT NULL,
    "directoryId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "nameDigest" TEXT NOT NULL,
    "validFrom" TIMESTAMP(3) NOT NULL,
    "validTo" TIMESTAMP(3),
    CONSTRAINT "UserNameInterval_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "UserNameInterval_nameDigest_validFrom_idx" ON "UserNameInterval"("nameDigest", "validFrom");
CREATE INDEX "UserNameInterval_userId_idx" ON "UserNameInterval"("userId");

INSERT INTO "InstanceSecret" ("name", "value", "createdAt")
VALUES ('user-name-digest-key', encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || clock_timestamp()::text, 'UTF8')), 'hex'), now() AT TIME ZONE 'UTC')
ON CONFLICT ("name") DO NOTHING;

-- The digest of a userNameKey (lower(userName)); lib/users/name-history.ts computes the same.
CREATE FUNCTION "user_name_digest"(name_key TEXT) RETURNS TEXT LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(s."value" || ':' || name_key, 'UTF8')), 'hex')
    FROM "InstanceSecret" s WHERE s."name" = 'user-name-digest-key'
$$;

-- Times come from the row (createdAt/updatedAt are the application clock's, which a back-dated
-- loader sets) and, for a delete, from the status history the deletion has just closed.
CREATE FUNCTION "user_name_history"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ended TIMESTAMP(3);
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "UserNameInterval" ("id", "directoryId", "userId", "nameDigest", "validFrom")
    VALUES (gen_random_uuid()::text, NEW."directoryId", NEW."id", "user_name_digest"(NEW."userNameKey"), NEW."createdAt");
    RETURN NEW;
  ELSIF TG_OP = 'UPDATE' THEN
    IF NEW."userNameKey" IS DISTINCT FROM OLD."userNameKey" THEN
      UPDATE "UserNameInterval" SET "validTo" = NEW."updatedAt" WHERE "userId" = NEW."id" AND "validTo" IS NULL;
      INSERT INTO "UserNameInterval" ("id", "directoryId", "userId", "nameDigest", "validFrom")
      VALUES (gen_random_uuid()::text, NEW."directoryId", NEW."id", "user_name_digest"(NEW."userNameKey"), NEW."updatedAt");
    END IF;
    RETURN NEW;
  ELSE
    SELECT CASE WHEN bool_or(us."validTo" IS NULL) THEN NULL ELSE max(us."validTo") END INTO ended
      FROM "UserStatusInterval" us WHERE us."userId" = OLD."id";
    UPDATE "UserNameInterval" SET "validTo" = COALESCE(ended, now() AT TIME ZONE 'UTC')
     WHERE "userId" = OLD."id" AND "validTo" IS NULL;
    RETURN OLD;
  END IF;
END
$$;
CREATE TRIGGER "User_name_history" AFTER INSERT OR UPDATE OF "userNameKey" OR DELETE ON "User"
  FOR EACH ROW EXECUTE FUNCTION "user_name_history"();

INSERT INTO "UserNameInterval" ("id", "directoryId", "userId", "nameDigest", "validFrom")
SELECT gen_random_uuid()::text, u."directoryId", u."id", "user_name_digest"(u."userNameKey"),
       LEAST(u."createdAt", COALESCE((SELECT min(us."validFrom") FROM "UserStatusInterval" us WHERE us."userId" = u."id"), u."createdAt"))
  FROM "User" u;
