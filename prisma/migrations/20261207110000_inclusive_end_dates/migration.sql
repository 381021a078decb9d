-- Release note (issue 15, "End dates are inclusive calendar dates"):
-- A date-only end date of a contract ("2026-03-31") now means access through 31 March in
-- ACCESS_TIME_ZONE (default UTC); before, it was read as 00:00 UTC that day, so access ended a
-- day early. Date-only inputs are now answered as dates, not instants.
--
-- What this migration does to stored data, so that no answer about the past changes:
-- * Until now every date-only input was stored as 00:00 UTC of its day. An end date at exactly
--   00:00 UTC that is still in the future is taken as date-only: its day is recorded (endDay) and
--   its end instant moves to the end of that day (UTC, the zone the old code used), on the contract
--   and on its current revision. Access changes only from now on: the extra day is in the future.
-- * End dates already reached keep their instant and no day (they are answered as the instant at
--   which access ended), as do closed revisions: every past answer stays what it was.
-- * Effective dates at exactly 00:00 UTC get their day recorded; their instant does not change.
-- The columns are timestamp without time zone holding UTC, so ::date and date_trunc read UTC days.
ALTER TABLE "Contract" ADD COLUMN "effectiveDay" DATE;
ALTER TABLE "Contract" ADD COLUMN "endDay" DATE;
ALTER TABLE "ContractRevision" ADD COLUMN "endDay" DATE;

UPDATE "Contract"
   SET "effectiveDay" = "effectiveDate"::date
 WHERE "effectiveDate" IS NOT NULL AND "effectiveDate" = date_trunc('day', "effectiveDate");

UPDATE "ContractRevision"
   SET "endDay" = "endDate"::date,
       "endDate" = "endDate" + interval '1 day'
 WHERE "validTo" IS NULL
   AND "endDate" > (now() AT TIME ZONE 'UTC')
   AND "endDate" = date_trunc('day', "endDate");

UPDATE "Contract"
   SET "endDay" = "endDate"::date,
       "endDate" = "endDate" + interval '1 day'
 WHERE "endDate" > (now() AT TIME ZONE 'UTC')
   AND "endDate" = date_trunc('day', "endDate");
