-- Issue 16 items 1 and 9: the names of what an event touches, as they were when it was written
-- (so a later rename or deletion does not rewrite history), and a full-text index over the whole
-- trail.
--
-- "names" is {"<type>": {"<id>": "<name>"}} (Group, Repository, Contract, Directory, AccessRule,
-- User, …). Names of people ("User") are personal data: a GDPR erasure removes the subject's entry
-- from every event, so they stay outside the hashed content, like the personal fields before them;
-- every other name is hashed (only when the event has names, so older events hash as before).
ALTER TABLE "AuditEvent" ADD COLUMN "names" JSONB;

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
  ) || CASE WHEN e."clientRequestId" IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('clientRequestId', e."clientRequestId") END
    || CASE WHEN e."names" IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('names', e."names" - 'User') END)::text
$$;

-- Updates stay refused except two erasure steps (custodian.audit_erasure set by
-- lib/privacy/erasure.ts): clearing the subject's personal fields (as before; names unchanged), and
-- removing people's names from "names" with nothing else changed.
CREATE OR REPLACE FUNCTION "audit_event_before_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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

-- Erasure finds the events naming its subject without reading the trail (it runs in SCIM DELETE).
CREATE INDEX "AuditEvent_names_User_idx" ON "AuditEvent" USING gin (("names" -> 'User'));

-- The text the free-text search reads: labels, action, names and the recorded documents, with
-- blanks and punctuation as separators, so "alice@example.com" is found by "alice", "example.com"
-- or the whole. 'simple': no stemming or stop words (names and identifiers, not prose), and
-- IMMUTABLE as an index expression requires. lib/audit/queries.ts matches it with
-- audit_search_query, which splits the search text the same way.
CREATE FUNCTION "audit_search_vector"(actor_label text, target_label text, action text, names jsonb, before jsonb, after jsonb)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_tsvector('simple'::regconfig, regexp_replace(lower(
    coalesce(actor_label, '') || ' ' || coalesce(target_label, '') || ' ' || coalesce(action, '') || ' ' ||
    coalesce(names::text, '') || ' ' || left(coalesce(before::text, ''), 20000) || ' ' || left(coalesce(after::text, ''), 20000)
  ), '[[:space:][:punct:]]+', ' ', 'g'))
$$;

-- The words of a search, in order, each a prefix, one after the other ("legal comm" finds
-- "Legal – Commercial"); NULL when the text has no words. IMMUTABLE, so a search's query is folded
-- to a constant when planned and the planner estimates it from the index's statistics.
CREATE FUNCTION "audit_search_query"(q text) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_tsquery('simple'::regconfig, string_agg(w.word || ':*', ' <-> ' ORDER BY w.n))
  FROM regexp_split_to_table(btrim(regexp_replace(lower(q), '[[:space:][:punct:]]+', ' ', 'g')), ' ') WITH ORDINALITY AS w(word, n)
  WHERE w.word <> ''
$$;

CREATE INDEX "AuditEvent_search_idx" ON "AuditEvent"
  USING gin ("audit_search_vector"("actorLabel", "targetLabel", "action", "names", "before", "after"));
