-- The chain link at commit could still be quadratic on a pooled connection: its keyed look-ups
-- ("id" = … AND "seq" < 0) were planned once per session, and with statistics that hold no negative
-- seq the generic plan may read "AuditEvent_seq_key" for seq < 0 instead of the primary key — that
-- range holds every event the committing transaction inserted, so each of N firings and N updates
-- walked N entries (the ladder's rule on 47,500 people: its COMMIT ran over 3 minutes before it was
-- stopped, against 9 s on a new connection). "seq" + 0 is not an index expression: only the
-- primary key can serve these look-ups, whatever the statistics were when the plan was made. The
-- function body is otherwise unchanged (20261208170000_audit_link_batch); enable_seqscan stays off
-- (20261208190000_audit_link_index_plans), now set in the definition that replaces it.
CREATE OR REPLACE FUNCTION "audit_event_link"() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
  ids text[];
  contents text[];
  seqs bigint[] := '{}';
  prevs text[] := '{}';
  hashes text[] := '{}';
  pos bigint;
  h text;
  n int;
  linked int;
BEGIN
  -- Linked already by an earlier firing in this commit.
  PERFORM 1 FROM "AuditEvent" WHERE "id" = NEW."id" AND ("seq" + 0) < 0;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  SELECT "position", "hash" INTO pos, h FROM "AuditChainHead" WHERE "id" = 1 FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit chain head is missing' USING ERRCODE = 'P0001';
  END IF;
  -- An unlinked event (seq < 0) is visible only to the transaction that inserted it: these are
  -- this transaction's, oldest first (seq is minus a rising sequence, and deferred triggers fire in
  -- insertion order, so this is the oldest). The range starts at this event: the index entries
  -- of events linked earlier (their unlinked versions, dead until vacuum) all lie above it.
  SELECT array_agg("id" ORDER BY "seq" DESC), array_agg("contentHash" ORDER BY "seq" DESC)
    INTO ids, contents
    FROM "AuditEvent" WHERE "seq" <= NEW."seq" AND "hash" = '';
  n := coalesce(array_length(ids, 1), 0);
  FOR i IN 1..n LOOP
    prevs[i] := h;
    pos := pos + 1;
    h := "audit_sha256"(h || '|' || contents[i] || '|' || pos::text);
    seqs[i] := pos;
    hashes[i] := h;
  END LOOP;
  UPDATE "AuditChainHead" SET "position" = pos, "prevHash" = prevs[n], "hash" = h WHERE "id" = 1;
  PERFORM set_config('custodian.audit_link', 'on', true);
  -- One keyed update per event: a join with the unnested arrays gets no plan that is good for
  -- both one event and 50,000 (the function's plan is generic).
  FOR i IN 1..n LOOP
    UPDATE "AuditEvent" SET "seq" = seqs[i], "prevHash" = prevs[i], "hash" = hashes[i]
     WHERE "id" = ids[i] AND "hash" = '' AND ("seq" + 0) < 0;
    GET DIAGNOSTICS linked = ROW_COUNT;
    IF linked <> 1 THEN
      RAISE EXCEPTION 'audit event % could not be linked', ids[i] USING ERRCODE = 'P0001';
    END IF;
  END LOOP;
  PERFORM set_config('custodian.audit_link', '', true);
  RETURN NULL;
END
$$;
