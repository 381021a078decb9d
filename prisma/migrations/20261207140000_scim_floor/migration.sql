-- Issue 17: the benchmark's write floor, and request-log lines that carry the keys of the subjects
-- they name, so a GDPR erasure finds them by index instead of scanning the directory's log.

-- The write floor (app/api/bench/floor/write): one single-row UPDATE … RETURNING of a table that
-- holds no personal data. 1,024 rows, so concurrent requests do not queue on one row's lock.
CREATE TABLE "BenchFloor" (
    "id" INTEGER NOT NULL,
    "n" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "BenchFloor_pkey" PRIMARY KEY ("id")
);
INSERT INTO "BenchFloor" ("id") SELECT generate_series(0, 1023);

-- Lines written before this migration have no subject keys (false): erasure still reads those
-- with the old pattern scan, until the retention job has pruned them.
ALTER TABLE "RequestLog" ADD COLUMN "subjectKeysStored" BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX "RequestLog_subjectKeysStored_directoryId_idx" ON "RequestLog"("subjectKeysStored", "directoryId");

CREATE TABLE "RequestLogSubject" (
    "requestLogId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    CONSTRAINT "RequestLogSubject_pkey" PRIMARY KEY ("requestLogId", "key")
);
CREATE INDEX "RequestLogSubject_key_idx" ON "RequestLogSubject"("key");
ALTER TABLE "RequestLogSubject" ADD CONSTRAINT "RequestLogSubject_requestLogId_fkey" FOREIGN KEY ("requestLogId") REFERENCES "RequestLog"("id") ON DELETE CASCADE ON UPDATE CASCADE;
