-- Issue 17: the audit chain's link is made at commit, not at the first audit insert. Before, the
-- insert trigger took the chain head's row lock at a transaction's first event and held it to
-- commit, so every writing transaction ran one at a time from its first event on (a SCIM DELETE:
-- its whole erasure). Now an event is inserted unlinked (seq negative and unique, hashes empty) and
-- a deferred constraint trigger links it at commit: it takes the head's lock then, so positions stay
-- gap-free, fork-free and in commit order, and the lock is held only while the transaction commits.
-- An unlinked event is visible only to the transaction that wrote it.

CREATE OR REPLACE FUNCTION "audit_event_before_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
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
  NEW."seq" := -nextval('"AuditEvent_seq_seq"');
  NEW."prevHash" := '';
  NEW."hash" := '';
  RETURN NEW;
END
$$;

CREATE FUNCTION "audit_event_link"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head RECORD;
BEGIN
  UPDATE "AuditChainHead"
     SET "position" = "position" + 1,
         "prevHash" = "hash",
         "hash" = "audit_sha256"("hash" || '|' || NEW."contentHash" || '|' || ("position" + 1)::text)
   WHERE "id" = 1
  RETURNING "position", "prevHash", "hash" INTO head;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit chain head is missing' USING ERRCODE = 'P0001';
  END IF;
  PERFORM set_config('custodian.audit_link', 'on', true);
  UPDATE "AuditEvent" SET "seq" = head."position", "prevHash" = head."prevHash", "hash" = head."hash"
   WHERE "id" = NEW."id" AND "hash" = '' AND "seq" < 0;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit event % could not be linked', NEW."id" USING ERRCODE = 'P0001';
  END IF;
  PERFORM set_config('custodian.audit_link', '', true);
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER "AuditEvent_link" AFTER INSERT ON "AuditEvent"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "audit_event_link"();

-- Updates are refused, except (1) the link above, of an event its own transaction inserted: only
-- the chain columns change, from unlinked to linked; (2) the two GDPR erasure steps, as migration
-- 20261207130000_audit_names_search left them (people's names out of "names"; personal fields).
CREATE OR REPLACE FUNCTION "audit_event_before_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('custodian.audit_link', true) = 'on' AND OLD."hash" = '' AND OLD."seq" < 0 THEN
    IF NEW."seq" <= 0 OR NEW."hash" = ''
       OR (to_jsonb(NEW) - 'seq' - 'prevHash' - 'hash') IS DISTINCT FROM (to_jsonb(OLD) - 'seq' - 'prevHash' - 'hash') THEN
      RAISE EXCEPTION 'audit events are append-only (the link may only set the chain columns)' USING ERRCODE = 'P0001';
    END IF;
    RETURN NEW;
  END IF;
  IF current_setting('custodian.audit_erasure', true) IS NOT NULL
     AND current_setting('custodian.audit_erasure', true) <> ''
     AND NEW."names" IS DISTINCT FROM OLD."names"
     AND (to_jsonb(NEW) - 'names') = (to_jsonb(OLD) - 'names')
     AND (NEW."names" - 'User') IS NOT DISTINCT FROM (OLD."names" - 'User')
     AND COALESCE(NEW."names" -> 'User', '{}'::jsonb) <@ COALESCE(OLD."names" -> 'User', '{}'::jsonb)
  THEN
    RETURN NEW;
  END IF;
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
         NEW."targetType", NEW."targetId", NEW."requestId", NEW."ip", NEW."clientRequestId", NEW."contentHash", NEW."prevHash", NEW."hash",
         NEW."personalFields", NEW."personalDigest", NEW."names")
        IS DISTINCT FROM
        (OLD."id", OLD."seq", OLD."createdAt", OLD."actorType", OLD."actorId", OLD."actorLabel", OLD."directoryId", OLD."action",
         OLD."targetType", OLD."targetId", OLD."requestId", OLD."ip", OLD."clientRequestId", OLD."contentHash", OLD."prevHash", OLD."hash",
         OLD."personalFields", OLD."personalDigest", OLD."names")
  THEN
    RAISE EXCEPTION 'audit events are append-only (only a GDPR erasure may clear personal fields)' USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END
$$;

-- Retention never deletes an event not linked yet (its seq is negative until commit).
CREATE OR REPLACE FUNCTION "audit_event_before_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('custodian.audit_retention', true) IS DISTINCT FROM 'on'
     OR OLD."seq" < 0
     OR OLD."seq" > COALESCE((SELECT max("position") FROM "AuditChainCheckpoint"), 0) THEN
    RAISE EXCEPTION 'audit events are append-only (only retention may delete the oldest events)' USING ERRCODE = 'P0001';
  END IF;
  RETURN OLD;
END
$$;
