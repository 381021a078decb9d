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
  -- (a group on a cycle in history is above itself, as the walks it replaced reported)
  dist AS (SELECT lo, src, gid AS anc, min(depth) AS d FROM reach GROUP BY lo, src, gid),
  nxt AS (
    SELECT dd.lo, dd.src, dd.anc, dd.d, min(e.p) AS p
    FROM dist dd JOIN e ON e.lo = dd.lo AND e.c = dd.src
    LEFT JOIN dist x ON x.lo = dd.lo AND x.src = e.p AND x.anc = dd.anc AND x.d = dd.d - 1
    WHERE (dd.d = 1 AND e.p = dd.anc) OR (dd.d > 1 AND x.d IS NOT NULL)
    GROUP BY dd.lo, dd.src, dd.anc, dd.d
  ),
  chain(lo, src, anc, d, path) AS (
    SELECT lo, src, anc, d, ARRAY[src, anc]::text[] FROM nxt WHERE d = 1
    UNION ALL
    SELECT n.lo, n.src, n.anc, n.d, (n.src || c.path)::text[]
    FROM chain c JOIN nxt n ON n.lo = c.lo AND n.p = c.src AND n.anc = c.anc AND n.d = c.d + 1
  ),
  closure AS (
    SELECT c.lo, s.hi, c.src, c.anc, c.d AS depth, c.path
    FROM chain c JOIN seg s ON s.lo = c.lo WHERE TRUE
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
