-- Names that history keeps (issue 15 "Answers an auditor accepts"; README "Rule names" and
-- "Deleted groups keep their names").
--
-- 1. A deleted group's display name is kept in "DeletedGroup" (written by deleteGroup in the same
--    transaction from now on). Groups deleted before this migration: the name their group.deleted
--    audit event recorded.
CREATE TABLE "DeletedGroup" (
    "id" TEXT NOT NULL,
    "directoryId" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "deletedAt" TIMESTAMP(3) NOT NULL,
    "eventId" TEXT,

    CONSTRAINT "DeletedGroup_pkey" PRIMARY KEY ("id")
);

INSERT INTO "DeletedGroup" ("id", "directoryId", "displayName", "deletedAt", "eventId")
SELECT DISTINCT ON (e."targetId") e."targetId", COALESCE(e."directoryId", ''),
       COALESCE(e."targetLabel", e."before"->>'displayName'), e."createdAt", e."id"
FROM "AuditEvent" e
WHERE e."action" = 'group.deleted' AND e."targetType" = 'Group' AND e."targetId" IS NOT NULL
  AND COALESCE(e."targetLabel", e."before"->>'displayName') IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "Group" g WHERE g."id" = e."targetId")
ORDER BY e."targetId", e."seq" DESC;

-- 2. Every rule gets a name, unique (case-insensitively) among the live rules of the repository its
--    scope lies in. Existing rules are named from their latest version: principal — level on scope
--    (narrowing), e.g. "Legal — edit on Litigation (NDA, MSA; up to confidential)"; a direct user
--    grant is "Direct grant — …" (a rule name is not personal data). Rules that would share a name
--    get " (2)", " (3)", … in the order they were created, live rules first. Every version of a rule
--    gets the same name: the name was never changed, so it is the rule's name throughout.
ALTER TABLE "AccessRuleVersion" ADD COLUMN "name" TEXT;
ALTER TABLE "AccessRule" ADD COLUMN "nameKey" TEXT;
ALTER TABLE "AccessRule" ADD COLUMN "scopeRepositoryId" TEXT;

CREATE TEMP TABLE "rule_name_backfill" AS
WITH latest AS (
  SELECT DISTINCT ON (v."ruleId") v.* FROM "AccessRuleVersion" v ORDER BY v."ruleId", v."version" DESC
),
base AS (
  SELECT l."ruleId", a."createdAt", a."deletedAt",
         COALESCE(l."repositoryId", c."repositoryId") AS scope,
         left(
           CASE WHEN l."principalType" = 'user' THEN 'Direct grant'
                ELSE COALESCE(g."displayName", dg."displayName", 'Deleted group') END
           || ' — ' || COALESCE((ARRAY['view', 'comment', 'edit', 'sign', 'manage'])[l."level"], 'level ' || l."level")
           || ' on ' || COALESCE(r."name", c."title", 'unknown scope')
           || CASE WHEN jsonb_array_length(COALESCE(l."contractTypes", '[]'::jsonb)) > 0 OR l."confidentialityCeiling" IS NOT NULL
                   THEN ' (' || concat_ws('; ',
                          (SELECT string_agg(t, ', ' ORDER BY t) FROM jsonb_array_elements_text(l."contractTypes") AS t),
                          'up to ' || (ARRAY['public', 'internal', 'confidential', 'strictly confidential'])[l."confidentialityCeiling" + 1])
                        || ')'
                   ELSE '' END,
           180) AS name
  FROM latest l
  JOIN "AccessRule" a ON a."id" = l."ruleId"
  LEFT JOIN "Group" g ON g."id" = l."groupId"
  LEFT JOIN "DeletedGroup" dg ON dg."id" = l."groupId"
  LEFT JOIN "Repository" r ON r."id" = l."repositoryId"
  LEFT JOIN "Contract" c ON c."id" = l."contractId"
)
SELECT b."ruleId", b.scope, b."deletedAt",
       b.name || CASE WHEN n > 1 THEN ' (' || n || ')' ELSE '' END AS name
FROM (
  SELECT base.*, row_number() OVER (PARTITION BY base.scope, lower(base.name)
                                    ORDER BY (base."deletedAt" IS NOT NULL), base."createdAt", base."ruleId") AS n
  FROM base
) b;

-- A suffixed name can equal another live rule's own name in the same repository (a contract titled
-- "Sales (2)" there): those rules carry the start of their id too, so the unique index below holds.
UPDATE "rule_name_backfill" b SET "name" = b."name" || ' [' || left(b."ruleId", 8) || ']'
WHERE b."deletedAt" IS NULL AND EXISTS (
  SELECT 1 FROM "rule_name_backfill" o
  WHERE o."ruleId" <> b."ruleId" AND o."deletedAt" IS NULL AND o.scope = b.scope AND lower(o."name") = lower(b."name"));

UPDATE "AccessRuleVersion" v SET "name" = n."name" FROM "rule_name_backfill" n WHERE v."ruleId" = n."ruleId";
UPDATE "AccessRule" a
SET "nameKey" = CASE WHEN a."deletedAt" IS NULL THEN lower(n."name") END, "scopeRepositoryId" = n.scope
FROM "rule_name_backfill" n WHERE a."id" = n."ruleId";
DROP TABLE "rule_name_backfill";

ALTER TABLE "AccessRuleVersion" ALTER COLUMN "name" SET NOT NULL;

CREATE UNIQUE INDEX "AccessRule_scopeRepositoryId_nameKey_key" ON "AccessRule"("scopeRepositoryId", "nameKey");
