-- Issue 14 item 20: requestId is always the server's own id; the caller's X-Request-Id is kept
-- beside it, in the audit trail and in the SCIM request log.
ALTER TABLE "AuditEvent" ADD COLUMN "clientRequestId" TEXT;
ALTER TABLE "RequestLog" ADD COLUMN "clientRequestId" TEXT;

-- The canonical content covers the new column only when it is set, so every event written before
-- this migration hashes exactly as it did (lib/audit/chain-sql.ts computes the same).
CREATE OR REPLACE FUNCTION "audit_content_text"(e "AuditEvent") RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT (jsonb_build_object(
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
  ) || CASE WHEN e."clientRequestId" IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('clientRequestId', e."clientRequestId") END)::text
$$;

-- The caller's request id is as unchangeable as the rest of the event.
CREATE OR REPLACE FUNCTION "audit_event_before_update"() RETURNS trigger LANGUAGE plpgsql AS $$
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
         NEW."targetType", NEW."targetId", NEW."requestId", NEW."ip", NEW."clientRequestId", NEW."contentHash", NEW."prevHash", NEW."hash",
         NEW."personalFields", NEW."personalDigest")
        IS DISTINCT FROM
        (OLD."id", OLD."seq", OLD."createdAt", OLD."actorType", OLD."actorId", OLD."actorLabel", OLD."directoryId", OLD."action",
         OLD."targetType", OLD."targetId", OLD."requestId", OLD."ip", OLD."clientRequestId", OLD."contentHash", OLD."prevHash", OLD."hash",
         OLD."personalFields", OLD."personalDigest")
  THEN
    RAISE EXCEPTION 'audit events are append-only (only a GDPR erasure may clear personal fields)' USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END
$$;
