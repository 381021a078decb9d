-- Tamper-evident audit trail (README "Audit chain"): every AuditEvent carries the hash of its
-- canonical content and of its predecessor; the database itself assigns the chain link and
-- refuses updates and deletes except the two narrow paths the application uses (GDPR erasure,
-- retention of the oldest prefix). lib/audit/chain-sql.ts holds the same canonical expressions
-- for the verifier: keep the two in step (a new canonical form needs a new "v").

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN "contentHash" TEXT NOT NULL DEFAULT '',
ADD COLUMN "prevHash" TEXT NOT NULL DEFAULT '',
ADD COLUMN "hash" TEXT NOT NULL DEFAULT '',
ADD COLUMN "personalFields" TEXT,
ADD COLUMN "personalDigest" TEXT,
ADD COLUMN "personalSalt" TEXT,
ADD COLUMN "erasedAt" TIMESTAMP(3),
ADD COLUMN "erasureId" TEXT;

-- CreateTable
CREATE TABLE "AuditChainHead" (
    "id" INTEGER NOT NULL,
    "position" BIGINT NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditChainHead_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditChainCheckpoint" (
    "position" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "deletedCount" INTEGER NOT NULL,
    "cutoff" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditChainCheckpoint_pkey" PRIMARY KEY ("position")
);

-- CreateTable
CREATE TABLE "AuditVerification" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3) NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "fromPosition" BIGINT NOT NULL,
    "toPosition" BIGINT NOT NULL,
    "lastHash" TEXT,
    "checked" INTEGER NOT NULL,
    "brokenPosition" BIGINT,
    "brokenEventId" TEXT,
    "reason" TEXT,

    CONSTRAINT "AuditVerification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ErasureRecord" (
    "id" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "directoryId" TEXT,
    "erasedAt" TIMESTAMP(3) NOT NULL,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT,
    "actorLabel" TEXT,
    "erased" JSONB NOT NULL,
    "retained" JSONB NOT NULL,
    "effectiveAccessCount" INTEGER NOT NULL,
    "eventId" TEXT,

    CONSTRAINT "ErasureRecord_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuditVerification_finishedAt_idx" ON "AuditVerification"("finishedAt");

-- CreateIndex
CREATE INDEX "ErasureRecord_subjectId_idx" ON "ErasureRecord"("subjectId");

-- CreateIndex
CREATE INDEX "ErasureRecord_erasedAt_idx" ON "ErasureRecord"("erasedAt");

-- The canonical content of an event (personal fields left out: they are covered by the salted
-- personalDigest instead, so that erasing them keeps the chain verifiable). jsonb's text output is
-- deterministic (keys ordered, numbers normalised), and it hashes what is stored, not what a
-- writer meant to send. createdAt as epoch milliseconds: independent of DateStyle/TimeZone.
CREATE FUNCTION "audit_content_text"(e "AuditEvent") RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object(
    'v', 1,
    'id', e."id",
    'createdAt', (extract(epoch FROM e."createdAt") * 1000)::bigint,
    'actorType', e."actorType", 'actorId', e."actorId", 'actorLabel', e."actorLabel",
    'directoryId', e."directoryId", 'action', e."action",
    'targetType', e."targetType", 'targetId', e."targetId",
    'targetLabel', CASE WHEN e."personalFields" IS NULL THEN e."targetLabel" END,
    'before', CASE WHEN e."personalFields" IS NULL OR e."personalFields" = 'targetLabel' THEN e."before" END,
    'after', CASE WHEN e."personalFields" IS NULL OR e."personalFields" = 'targetLabel' THEN e."after" END,
    'requestId', e."requestId", 'ip', e."ip",
    'personalFields', e."personalFields", 'personalDigest', e."personalDigest"
  )::text
$$;

-- The personal part of an event, hashed with the event's random salt into personalDigest.
CREATE FUNCTION "audit_personal_text"(e "AuditEvent") RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN e."personalFields" = 'targetLabel' THEN jsonb_build_object('targetLabel', e."targetLabel")::text
    WHEN e."personalFields" IS NOT NULL THEN jsonb_build_object('targetLabel', e."targetLabel", 'before', e."before", 'after', e."after")::text
  END
$$;

CREATE FUNCTION "audit_sha256"(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(t, 'UTF8')), 'hex')
$$;

-- Which fields carry personal data of a data subject: on events about a User, the label (their
-- userName) always; the before/after documents of user.* events (their SCIM attributes) too.
-- Access events keep their before/after (repositories, counts) under the pseudonymous user id.
CREATE FUNCTION "audit_personal_fields"(target_type text, action text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN target_type = 'User' THEN CASE WHEN action LIKE 'user.%' THEN 'targetLabel,before,after' ELSE 'targetLabel' END END
$$;

-- Backfill: chain the events written before this migration, in seq order, from position 1.
-- (Two steps through negative values: the unique index on seq is checked row by row.)
UPDATE "AuditEvent" e SET "seq" = -r.n FROM (SELECT id, row_number() OVER (ORDER BY "seq") AS n FROM "AuditEvent") r WHERE r.id = e.id;
UPDATE "AuditEvent" SET "seq" = -"seq";
UPDATE "AuditEvent" e SET
  "personalFields" = "audit_personal_fields"(e."targetType", e."action"),
  "personalSalt" = CASE WHEN "audit_personal_fields"(e."targetType", e."action") IS NOT NULL THEN gen_random_uuid()::text END;
UPDATE "AuditEvent" e SET "personalDigest" = "audit_sha256"(e."personalSalt" || ':' || "audit_personal_text"(e)) WHERE e."personalSalt" IS NOT NULL;
UPDATE "AuditEvent" e SET "contentHash" = "audit_sha256"("audit_content_text"(e));
DO $$
DECLARE
  r RECORD;
  prev text := repeat('0', 64);
  h text;
BEGIN
  FOR r IN SELECT id, "seq", "contentHash" FROM "AuditEvent" ORDER BY "seq" LOOP
    h := "audit_sha256"(prev || '|' || r."contentHash" || '|' || r."seq"::text);
    UPDATE "AuditEvent" SET "prevHash" = prev, "hash" = h WHERE id = r.id;
    prev := h;
  END LOOP;
END
$$;
INSERT INTO "AuditChainHead" ("id", "position", "prevHash", "hash")
SELECT 1, COALESCE(max("seq"), 0),
       COALESCE((SELECT "prevHash" FROM "AuditEvent" ORDER BY "seq" DESC LIMIT 1), repeat('0', 64)),
       COALESCE((SELECT "hash" FROM "AuditEvent" ORDER BY "seq" DESC LIMIT 1), repeat('0', 64))
FROM "AuditEvent";

-- Appending: the chain link comes from the one-row head, whose row lock is held until commit, so
-- positions are gap-free, fork-free and in commit order across connections and instances. Row
-- level, so a multi-row INSERT links each row in turn. Whatever the writer sent for the chain and
-- personal-data columns is overwritten.
CREATE FUNCTION "audit_event_before_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head RECORD;
BEGIN
  NEW."erasedAt" := NULL;
  NEW."erasureId" := NULL;
  NEW."personalFields" := "audit_personal_fields"(NEW."targetType", NEW."action");
  IF NEW."personalFields" IS NULL THEN
    NEW."personalSalt" := NULL;
    NEW."personalDigest" := NULL;
  ELSE
    NEW."personalSalt" := gen_random_uuid()::text;
    NEW."personalDigest" := "audit_sha256"(NEW."personalSalt" || ':' || "audit_personal_text"(NEW));
  END IF;
  NEW."contentHash" := "audit_sha256"("audit_content_text"(NEW));
  UPDATE "AuditChainHead"
     SET "position" = "position" + 1,
         "prevHash" = "hash",
         "hash" = "audit_sha256"("hash" || '|' || NEW."contentHash" || '|' || ("position" + 1)::text)
   WHERE "id" = 1
  RETURNING "position", "prevHash", "hash" INTO head;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit chain head is missing' USING ERRCODE = 'P0001';
  END IF;
  NEW."seq" := head."position";
  NEW."prevHash" := head."prevHash";
  NEW."hash" := head."hash";
  RETURN NEW;
END
$$;

-- Updates are refused, except the GDPR erasure of one erasure record (set as the transaction-local
-- custodian.audit_erasure by lib/audit/erasure.ts): it may only clear the personal fields and the
-- salt and mark the event erased; everything hashed stays as it was.
CREATE FUNCTION "audit_event_before_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('custodian.audit_erasure', true) IS NULL
     OR current_setting('custodian.audit_erasure', true) = ''
     OR NEW."erasureId" IS DISTINCT FROM current_setting('custodian.audit_erasure', true)
     OR NEW."erasedAt" IS NULL
     OR OLD."erasedAt" IS NOT NULL
     OR OLD."personalFields" IS NULL
     OR NEW."personalSalt" IS NOT NULL
     OR NEW."targetLabel" IS NOT NULL
     OR (OLD."personalFields" <> 'targetLabel' AND (NEW."before" IS NOT NULL OR NEW."after" IS NOT NULL))
     OR (OLD."personalFields" = 'targetLabel' AND (NEW."before" IS DISTINCT FROM OLD."before" OR NEW."after" IS DISTINCT FROM OLD."after"))
     OR (NEW."id", NEW."seq", NEW."createdAt", NEW."actorType", NEW."actorId", NEW."actorLabel", NEW."directoryId", NEW."action",
         NEW."targetType", NEW."targetId", NEW."requestId", NEW."ip", NEW."contentHash", NEW."prevHash", NEW."hash",
         NEW."personalFields", NEW."personalDigest")
        IS DISTINCT FROM
        (OLD."id", OLD."seq", OLD."createdAt", OLD."actorType", OLD."actorId", OLD."actorLabel", OLD."directoryId", OLD."action",
         OLD."targetType", OLD."targetId", OLD."requestId", OLD."ip", OLD."contentHash", OLD."prevHash", OLD."hash",
         OLD."personalFields", OLD."personalDigest")
  THEN
    RAISE EXCEPTION 'audit events are append-only (only a GDPR erasure may clear personal fields)' USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END
$$;

-- Deletes are refused, except retention (custodian.audit_retention = 'on', set by
-- lib/audit/retention.ts) of events at or below the newest checkpoint — which that transaction
-- records first.
CREATE FUNCTION "audit_event_before_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('custodian.audit_retention', true) IS DISTINCT FROM 'on'
     OR OLD."seq" > COALESCE((SELECT max("position") FROM "AuditChainCheckpoint"), 0) THEN
    RAISE EXCEPTION 'audit events are append-only (only retention may delete the oldest events)' USING ERRCODE = 'P0001';
  END IF;
  RETURN OLD;
END
$$;

CREATE FUNCTION "audit_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'P0001';
END
$$;

CREATE TRIGGER "AuditEvent_chain" BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION "audit_event_before_insert"();
CREATE TRIGGER "AuditEvent_no_update" BEFORE UPDATE ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION "audit_event_before_update"();
CREATE TRIGGER "AuditEvent_no_delete" BEFORE DELETE ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION "audit_event_before_delete"();
CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent" FOR EACH STATEMENT EXECUTE FUNCTION "audit_refuse_change"();
CREATE TRIGGER "AuditChainHead_no_delete" BEFORE DELETE ON "AuditChainHead" FOR EACH ROW EXECUTE FUNCTION "audit_refuse_change"();
CREATE TRIGGER "AuditChainHead_no_truncate" BEFORE TRUNCATE ON "AuditChainHead" FOR EACH STATEMENT EXECUTE FUNCTION "audit_refuse_change"();
CREATE TRIGGER "AuditChainCheckpoint_no_change" BEFORE UPDATE OR DELETE ON "AuditChainCheckpoint" FOR EACH ROW EXECUTE FUNCTION "audit_refuse_change"();
CREATE TRIGGER "AuditVerification_no_change" BEFORE UPDATE OR DELETE ON "AuditVerification" FOR EACH ROW EXECUTE FUNCTION "audit_refuse_change"();
CREATE TRIGGER "ErasureRecord_no_change" BEFORE UPDATE OR DELETE ON "ErasureRecord" FOR EACH ROW EXECUTE FUNCTION "audit_refuse_change"();
