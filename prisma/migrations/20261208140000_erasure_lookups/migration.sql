-- Issue 17: the two look-ups erasure makes inside every SCIM DELETE.
-- Issue 17: erasure finds a person's name in audit events through this GIN index inside every SCIM
-- DELETE. With fastupdate (the default) new entries wait in a pending list that every search reads
-- in full: at a few thousand audit events per minute a lookup read ~165 pages for 20 matches (7 ms).
-- Entries go straight into the index instead; each event names a few people, so inserts stay cheap.
ALTER INDEX "AuditEvent_names_User_idx" SET (fastupdate = off);
-- What already waits in the pending list moves into the index now (else only the next vacuum would).
SELECT gin_clean_pending_list('"AuditEvent_names_User_idx"'::regclass);

-- Erasure reads the request-log lines written before subject keys (subjectKeysStored false) by
-- directory. Every line written since is keyed: a partial index holds only the old ones, stays tiny,
-- and costs new lines nothing; the planner cannot mistake a busy directory for a small one in it.
DROP INDEX "RequestLog_subjectKeysStored_directoryId_idx";
CREATE INDEX "RequestLog_unkeyed_directoryId_idx" ON "RequestLog" ("directoryId") WHERE NOT "subjectKeysStored";
