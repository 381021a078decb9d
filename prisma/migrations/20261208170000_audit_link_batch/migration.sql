-- The chain link at commit was quadratic in the number of events a transaction wrote: each
-- event's deferred trigger updated the one chain-head row again, and every update of a row the
-- same transaction had already updated walks that row's whole version chain (commit of 8,000
-- events 2.3 s, of 20,000 events 11 s; a rule over all staff writes 47,500). Now the first firing
-- links every event the transaction inserted, in insertion order, with one head update and one
-- keyed update per event; the later firings find their event linked and return. The hashes are the
-- same as one-by-one linking (lib/audit/chain-sql.ts linkHash), so the verifier is unchanged.
CREATE OR REPLACE FUNCTION "audit_event_link"() RETURNS trigger LANGUAGE plpgsql AS $$
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
  PERFORM 1 FROM "AuditEvent" WHERE "id" = NEW."id" AND "seq" < 0;
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
     WHERE "id" = ids[i] AND "hash" = '' AND "seq" < 0;
    GET DIAGNOSTICS linked = ROW_COUNT;
    IF linked <> 1 THEN
      RAISE EXCEPTION 'audit event % could not be linked', ids[i] USING ERRCODE = 'P0001';
    END IF;
  END LOOP;
  PERFORM set_config('custodian.audit_link', '', true);
  RETURN NULL;
END
$$;
