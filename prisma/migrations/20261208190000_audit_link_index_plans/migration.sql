-- The chain link at commit read the whole trail once per event when its plans had been made while
-- "AuditEvent" looked small: PL/pgSQL keeps a statement's generic plan for the session, and a
-- pooled connection that had linked a few events (a fresh or freshly analyzed database: the
-- ladder's group creations) kept sequential scans for the keyed look-ups, so one transaction of N
-- events cost N whole-table scans at commit (4,000 events: 24.7 s against 3.5 s on a new
-- connection; the ladder's 47,500 did not commit in 15 minutes). Every statement of the link reads
-- by key (the event id, the seq range of this transaction's unlinked events): forbid the
-- sequential scan inside the function, so its plans use the indexes whatever the estimates were
-- (4,000 events: 3.8 s, 16,000: 11.0 s, linear, at load 12).
ALTER FUNCTION "audit_event_link"() SET enable_seqscan = off;
