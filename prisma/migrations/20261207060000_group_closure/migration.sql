-- The group closure (README "Access graph"): for every group, the groups it is inside through
-- nesting, with validity intervals and the shortest chain, maintained by lib/access/group-graph.ts
-- in the transaction of each nesting change. Built here from the stored membership history, so a
-- database created before it answers every past question as before (the SQL is
-- closureFromHistoryCtes() of that module at the time of this migration).
CREATE TABLE "GroupClosure" (
    "id" TEXT NOT NULL,
    "descendantId" TEXT NOT NULL,
    "ancestorId" TEXT NOT NULL,
    "depth" INTEGER NOT NULL,
    "path" TEXT NOT NULL,
    "validFrom" TIMESTAMP(3) NOT NULL,
    "validTo" TIMESTAMP(3),

    CONSTRAINT "GroupClosure_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "GroupClosure_descendantId_validFrom_idx" ON "GroupClosure"("descendantId", "validFrom");

CREATE INDEX "GroupClosure_ancestorId_validFrom_idx" ON "GroupClosure"("ancestorId", "validFrom");

INSERT INTO "GroupClosure" (id, "descendantId", "ancestorId", depth, path, "validFrom", "validTo")
WITH RECURSIVE
  inst(t) AS (
    SELECT "validFrom" FROM "MembershipInterval" WHERE "memberGroupId" IS NOT NULL
    UNION SELECT "validTo" FROM "MembershipInterval" WHERE "memberGroupId" IS NOT NULL AND "validTo" IS NOT NULL
  ),
  seg AS (SELECT t AS lo, lead(t) OVER (ORDER BY t) AS hi FROM inst),
  srcs AS (SELECT DISTINCT lo, c AS g FROM e),

  e(lo, c, p) AS (
    SELECT DISTINCT s.lo, mi."memberGroupId", mi."groupId" FROM seg s JOIN "MembershipInterval" mi
      ON mi."memberGroupId" IS NOT NULL AND mi."validFrom" <= s.lo AND (mi."validTo" IS NULL OR mi."validTo" > s.lo)
  ),
  reach(lo, src, gid, depth) AS (
    SELECT e.lo, e.c, e.p, 1 FROM e JOIN srcs s ON s.lo = e.lo AND s.g = e.c
    UNION
    SELECT r.lo, r.src, e.p, r.depth + 1 FROM reach r JOIN e ON e.lo = r.lo AND e.c = r.gid WHERE r.depth < 64
  ),
  dist AS (SELECT lo, src, gid AS anc, min(depth) AS d FROM reach WHERE gid <> src GROUP BY lo, src, gid),
  walk(lo, src, anc, cur, d, path) AS (
    SELECT lo, src, anc, src, d, ARRAY[src]::text[] FROM dist WHERE TRUE
    UNION ALL
    SELECT w.lo, w.src, w.anc, n.p, w.d - 1, w.path || n.p FROM walk w CROSS JOIN LATERAL (
      SELECT min(e.p) AS p FROM e WHERE e.lo = w.lo AND e.c = w.cur
        AND CASE WHEN w.d = 1 THEN e.p = w.anc
                 ELSE EXISTS (SELECT 1 FROM dist x WHERE x.lo = w.lo AND x.src = e.p AND x.anc = w.anc AND x.d = w.d - 1) END
    ) n WHERE w.d > 0
  ),
  closure AS (
    SELECT w.lo, s.hi, w.src, w.anc, cardinality(w.path) - 1 AS depth, w.path
    FROM walk w JOIN seg s ON s.lo = w.lo WHERE w.d = 0
  ),
  islands AS (
    SELECT c.*, CASE WHEN lag(c.hi) OVER (PARTITION BY c.src, c.anc, c.path ORDER BY c.lo) = c.lo THEN 0 ELSE 1 END AS brk FROM closure c
  ),
  numbered AS (SELECT i.*, sum(i.brk) OVER (PARTITION BY i.src, i.anc, i.path ORDER BY i.lo) AS island FROM islands i),
  rebuilt AS (
    SELECT src AS "descendantId", anc AS "ancestorId", min(depth) AS depth, array_to_string(path, ',') AS path,
           min(lo) AS "validFrom", CASE WHEN bool_or(hi IS NULL) THEN NULL ELSE max(hi) END AS "validTo"
    FROM numbered GROUP BY src, anc, path, island
  )
SELECT gen_random_uuid()::text, "descendantId", "ancestorId", depth, path, "validFrom", "validTo" FROM rebuilt;
