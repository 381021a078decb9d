// `npm run db:generate-scale`: fills the configured database (DATABASE_URL = PostgreSQL, else the
// embedded one in PGLITE_DATA_DIR) with a large organisation, for benchmarks and query plans:
//
//   npm run db:generate-scale -- [--users 50000] [--groups 2000] [--repositories 500]
//                                [--contracts 200000] [--rules 5000] [--seed 1]
//
// Defaults: 50,000 users (5% deactivated 30 days ago) in one directory; 2,000 groups — an all-staff
// group nesting divisions → departments → teams, plus a big flat group (40% of users as direct
// members); every user in a team, 30% in a second one, a third with a past (closed) department
// membership; 500 repositories; 200,000 contracts (8 types, 4 confidentialities, 35% with end dates
// of which about a third have passed, 10% with an earlier revision in another repository); 5,000
// rules — mostly group rules on repositories (a quarter narrowed by contract types, a third by a
// confidentiality ceiling, some with grace days or a future start; 7 all-staff rules on public
// contracts), 10% contract-scoped, 10% direct user grants with expiry (some already expired), 10%
// with a second version and 2% deleted.
//
// Bulk data bypasses the services on purpose: 300,000 rows through them would take hours. It is
// written with set-based SQL (generate_series / INSERT … SELECT) in one transaction, and keeps the
// invariants the services maintain: User.active and GroupMember match the open status and
// membership intervals; intervals are contiguous and never overlap; Contract holds the attributes
// of its open ContractRevision and version = number of revisions; each rule has versions
// 1..currentVersion with contiguous recorded intervals, only the last one open, deletedAt set iff
// the last version is a deletion; direct user grants have validUntil within 365 days of being
// written; rule scopes name one repository or one contract. Not written: audit events (history
// rows carry no event ids), SCIM tokens.
//
// Deterministic: ids are md5(seed:kind:n) as UUIDs (scaleId), and every "random" choice is a hash
// of the row number and the seed (hashint8), so the same flags give the same data — relative to the
// instant the generator runs (dates are offsets from then).
import { closureFromHistoryCtes } from "@/lib/access/group-graph";
import { createHash } from "node:crypto";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { Database } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";

export interface ScaleOptions {
  users: number;
  groups: number;
  repositories: number;
  contracts: number;
  rules: number;
  seed: number;
  /** The reference instant (default now): dates are offsets from it. */
  now?: Date;
}

export const DEFAULT_SCALE: ScaleOptions = { users: 50_000, groups: 2_000, repositories: 500, contracts: 200_000, rules: 5_000, seed: 1 };

export const CONTRACT_TYPES = ["NDA", "MSA", "DPA", "SOW", "Lease", "Employment", "Supply", "License"];

/** The id the generator gives row `n` (1-based) of a kind: user, group, repository, contract, rule, directory. */
export function scaleId(seed: number, kind: string, n: number): string {
  const h = createHash("md5").update(`${seed}:${kind}:${n}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The group layout: 1 = all staff (nested), 2 = big flat group, then divisions, departments, teams. */
export function groupLayout(groups: number) {
  const divisions = Math.max(1, Math.floor(groups / 200));
  const departments = Math.max(1, Math.floor(groups / 10));
  const teams = groups - 2 - divisions - departments;
  if (teams < 1) throw new Error("--groups must be at least 5");
  const firstDivision = 3;
  const firstDepartment = firstDivision + divisions;
  const firstTeam = firstDepartment + departments;
  return { allStaff: 1, flat: 2, divisions, departments, teams, firstDivision, firstDepartment, firstTeam };
}

export interface ScaleSummary {
  options: ScaleOptions;
  directoryId: string;
  rows: Record<string, number>;
  seconds: number;
}

/**
 * Writes the organisation into `db` (migrated first). Refuses when data of the same seed exists.
 * `progress` receives one line per step.
 */
export async function generateScale(
  db: Database,
  input: Partial<ScaleOptions> = {},
  progress: (line: string) => void = () => {},
): Promise<ScaleSummary> {
  const o: ScaleOptions = { ...DEFAULT_SCALE, ...input };
  for (const k of ["users", "groups", "repositories", "contracts", "rules"] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new Error(`--${k} must be a positive integer`);
  }
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 1_000_000) throw new Error("--seed must be an integer 0..1000000");
  const started = performance.now();
  await db.withSession((s) => migrate(s));
  const L = groupLayout(o.groups);
  const { users: U, repositories: R, contracts: C, rules: K, seed } = o;
  // Columns are TIMESTAMP(3) holding UTC: the reference instant as UTC wall-clock text.
  const NOW = `'${(o.now ?? new Date()).toISOString().replace("T", " ").replace("Z", "")}'::timestamp(3)`;
  const day = (expr: string) => `(${NOW} + (${expr}) * interval '1 day')`;
  /** A deterministic pseudo-random non-negative bigint for row expression `n` and a salt. */
  const h = (n: string, salt: number) => `abs(hashint8((${n})::bigint * 1000003 + ${salt * 7919 + seed * 104729})::bigint)`;
  const id = (kind: string, n: string) => `md5('${seed}:${kind}:' || (${n}))::uuid::text`;
  const dir = scaleId(seed, "directory", 1);
  const userCreated = (i: string) => day(`-400 + (${i}) % 300`); // 100..400 days ago
  const GROUPS_CREATED = day("-500");
  const TYPES = `ARRAY[${CONTRACT_TYPES.map((t) => `'${t}'`).join(",")}]`;
  const team = (n: string) => `(${L.firstTeam} + (${n}) % ${L.teams})`;

  const steps: [string, string][] = [
    [
      "directory",
      `INSERT INTO "Directory" (id, name, kind, "createdAt", "updatedAt")
       VALUES ('${dir}', 'scale-${seed}', 'generic', ${GROUPS_CREATED}, ${GROUPS_CREATED})`,
    ],
    [
      "users",
      `INSERT INTO "User" (id, "directoryId", "userName", "userNameKey", "externalId", active, "displayName", "givenName",
                           "familyName", "primaryEmail", emails, department, "createdAt", "updatedAt")
       SELECT ${id("user", "i")}, '${dir}', 'user' || i || '@scale${seed}.example', 'user' || i || '@scale${seed}.example', 'ext-' || i,
              i % 20 <> 0, 'User ' || i, 'User', 'Number ' || i, 'user' || i || '@scale${seed}.example',
              jsonb_build_array(jsonb_build_object('value', 'user' || i || '@scale${seed}.example', 'primary', true)),
              'Department ' || (i % ${L.departments}), ${userCreated("i")}, ${userCreated("i")}
       FROM generate_series(1, ${U}) i`,
    ],
    [
      // active from creation; every 20th user deactivated 30 days ago (active closed, inactive open)
      "status intervals",
      `INSERT INTO "UserStatusInterval" (id, "directoryId", "userId", active, "validFrom", "validTo")
       SELECT ${id("status", "i || ':' || k")}, '${dir}', ${id("user", "i")}, k = 1,
              CASE WHEN k = 1 THEN ${userCreated("i")} ELSE ${day("-30")} END,
              CASE WHEN k = 1 AND i % 20 = 0 THEN ${day("-30")} END
       FROM generate_series(1, ${U}) i, generate_series(1, 2) k
       WHERE k = 1 OR i % 20 = 0`,
    ],
    [
      "groups",
      `INSERT INTO "Group" (id, "directoryId", "displayName", "displayNameKey", "externalId", "createdAt", "updatedAt")
       SELECT ${id("group", "g")}, '${dir}', name, lower(name), 'gext-' || g, ${GROUPS_CREATED}, ${GROUPS_CREATED}
       FROM (SELECT g, CASE WHEN g = 1 THEN 'All staff' WHEN g = 2 THEN 'Everyone (flat)'
                            WHEN g < ${L.firstDepartment} THEN 'Division ' || (g - ${L.firstDivision} + 1)
                            WHEN g < ${L.firstTeam} THEN 'Department ' || (g - ${L.firstDepartment} + 1)
                            ELSE 'Team ' || (g - ${L.firstTeam} + 1) END AS name
             FROM generate_series(1, ${o.groups}) g) x`,
    ],
    [
      // nesting: all staff ⊃ divisions ⊃ departments ⊃ teams
      "group nesting",
      `INSERT INTO "MembershipInterval" (id, "directoryId", "groupId", "memberGroupId", "validFrom")
       SELECT ${id("nest", "c")}, '${dir}', ${id("group", "p")}, ${id("group", "c")}, ${GROUPS_CREATED}
       FROM (
         SELECT 1 AS p, c FROM generate_series(${L.firstDivision}, ${L.firstDepartment - 1}) c
         UNION ALL SELECT ${L.firstDivision} + (c - ${L.firstDepartment}) % ${L.divisions}, c FROM generate_series(${L.firstDepartment}, ${L.firstTeam - 1}) c
         UNION ALL SELECT ${L.firstDepartment} + (c - ${L.firstTeam}) % ${L.departments}, c FROM generate_series(${L.firstTeam}, ${o.groups}) c
       ) e`,
    ],
    [
      // current: one team each, a second team for 30%, the flat group for 40% (distinct pairs)
      "user memberships",
      `INSERT INTO "MembershipInterval" (id, "directoryId", "groupId", "memberUserId", "validFrom")
       SELECT ${id("member", "i || ':' || g")}, '${dir}', ${id("group", "g")}, ${id("user", "i")}, ${userCreated("i")}
       FROM (
         SELECT i, ${team("i")} AS g FROM generate_series(1, ${U}) i
         UNION SELECT i, ${team(h("i", 1))} FROM generate_series(1, ${U}) i WHERE ${h("i", 2)} % 10 < 3
         UNION SELECT i, 2 FROM generate_series(1, ${U}) i WHERE ${h("i", 3)} % 10 < 4
       ) m`,
    ],
    [
      // history: a third of users were direct members of a department for their first 30 days
      // (no current membership is in a department, so intervals of one pair never overlap)
      "past memberships",
      `INSERT INTO "MembershipInterval" (id, "directoryId", "groupId", "memberUserId", "validFrom", "validTo")
       SELECT ${id("past", "i")}, '${dir}', ${id("group", `${L.firstDepartment} + ${h("i", 4)} % ${L.departments}`)}, ${id("user", "i")}, ${userCreated("i")}, ${userCreated("i")} + interval '30 days'
       FROM generate_series(1, ${U}) i WHERE i % 3 = 0`,
    ],
    [
      // the group closure from the nesting history, as the migration builds it (the rows are
      // written directly, not through the group service that maintains it)
      "group closure",
      `DELETE FROM "GroupClosure";
       INSERT INTO "GroupClosure" (id, "descendantId", "ancestorId", depth, path, "validFrom", "validTo")
       WITH RECURSIVE ${closureFromHistoryCtes()}
       SELECT gen_random_uuid()::text, "descendantId", "ancestorId", depth, path, "validFrom", "validTo" FROM rebuilt`,
    ],
    [
      "current members",
      `INSERT INTO "GroupMember" (id, "groupId", "memberUserId", "memberGroupId", "createdAt")
       SELECT mi.id, mi."groupId", mi."memberUserId", mi."memberGroupId", mi."validFrom"
       FROM "MembershipInterval" mi WHERE mi."directoryId" = '${dir}' AND mi."validTo" IS NULL`,
    ],
    [
      "repositories",
      `INSERT INTO "Repository" (id, name, description, owner, "createdAt", "updatedAt")
       SELECT ${id("repository", "r")}, 'Scale ${seed} repository ' || lpad(r::text, 4, '0'), 'Generated', 'Legal', ${GROUPS_CREATED}, ${GROUPS_CREATED}
       FROM generate_series(1, ${R}) r`,
    ],
    [
      // attributes (repository, type, confidentiality, end date) per contract, staged once
      "contract attributes",
      `CREATE TEMP TABLE scale_contract ON COMMIT DROP AS
       SELECT c,
              1 + ${h("c", 10)} % ${R} AS repo,
              (${TYPES})[1 + ${h("c", 11)} % ${CONTRACT_TYPES.length}] AS type,
              CASE WHEN ${h("c", 12)} % 100 < 20 THEN 0 WHEN ${h("c", 12)} % 100 < 65 THEN 1 WHEN ${h("c", 12)} % 100 < 90 THEN 2 ELSE 3 END AS conf,
              -- never before the effective date (the day of creation)
              CASE WHEN ${h("c", 13)} % 100 < 35
                   THEN date_trunc('day', GREATEST(${day(`${h("c", 14)} % 1800 - 600`)}, ${day(`-30 - ${h("c", 15)} % 700`)})) END AS "endDate",
              ${day(`-30 - ${h("c", 15)} % 700`)} AS created,
              ${h("c", 16)} % 10 = 0 AS revised
       FROM generate_series(1, ${C}) c`,
    ],
    [
      // a revised contract moved 10 days after creation from the next repository, one level less confidential
      "contracts",
      `INSERT INTO "Contract" (id, "repositoryId", "externalRef", title, counterparty, "contractType", confidentiality, status,
                               "effectiveDate", "endDate", owner, version, "createdAt", "updatedAt")
       SELECT ${id("contract", "c")}, ${id("repository", "repo")}, 'SCALE${seed}-' || c, type || ' ' || lpad(c::text, 7, '0') || ' ' || left(md5(c::text), 6),
              'Counterparty ' || (c % 5000), type, conf, CASE WHEN "endDate" < ${NOW} THEN 'expired' ELSE 'active' END,
              date_trunc('day', created), "endDate", 'Legal', CASE WHEN revised THEN 2 ELSE 1 END, created,
              CASE WHEN revised THEN created + interval '10 days' ELSE created END
       FROM scale_contract`,
    ],
    [
      "contract revisions",
      `INSERT INTO "ContractRevision" (id, "contractId", "repositoryId", "contractType", confidentiality, "endDate", "validFrom", "validTo")
       SELECT ${id("revision", "c || ':2'")}, ${id("contract", "c")}, ${id("repository", "repo")}, type, conf, "endDate",
              CASE WHEN revised THEN created + interval '10 days' ELSE created END, NULL
       FROM scale_contract
       UNION ALL
       SELECT ${id("revision", "c || ':1'")}, ${id("contract", "c")}, ${id("repository", `1 + repo % ${R}`)}, type, GREATEST(conf - 1, 0),
              "endDate", created, created + interval '10 days'
       FROM scale_contract WHERE revised`,
    ],
    [
      // per rule: kind (0/1 contract-scoped, 2/3 direct user grant, else repository), principal, scope, window, history
      "rule attributes",
      `CREATE TEMP TABLE scale_rule ON COMMIT DROP AS
       SELECT k, kind, principal, scope_repo, scope_contract, level, types, ceiling, grace, "validFrom", recorded,
              CASE WHEN kind = 'user' THEN recorded + (30 + ${h("k", 27)} % 335) * interval '1 day' END AS "validUntil",
              CASE WHEN k % 50 = 1 THEN 'deleted' WHEN k % 10 = 0 THEN 'updated' END AS history
       FROM (
         SELECT k,
                CASE WHEN k % 20 IN (2, 3) THEN 'user' WHEN k % 20 IN (0, 1) THEN 'contract' ELSE 'repository' END AS kind,
                CASE WHEN k % 20 IN (2, 3) THEN 1 + ${h("k", 20)} % ${U}
                     WHEN k <= 10 AND k % 20 >= 4 THEN 1
                     WHEN ${h("k", 21)} % 1000 < 10 THEN ${L.firstDivision} + ${h("k", 22)} % ${L.divisions}
                     WHEN ${h("k", 21)} % 1000 < 200 THEN ${L.firstDepartment} + ${h("k", 22)} % ${L.departments}
                     WHEN ${h("k", 21)} % 1000 < 205 THEN 2
                     ELSE ${team(h("k", 22))} END AS principal,
                CASE WHEN k % 20 IN (0, 1) OR (k % 20 IN (2, 3) AND ${h("k", 23)} % 2 = 0) THEN NULL ELSE 1 + ${h("k", 24)} % ${R} END AS scope_repo,
                1 + ${h("k", 25)} % ${C} AS scope_contract,
                CASE WHEN k <= 10 AND k % 20 >= 4 THEN 1 ELSE 1 + ${h("k", 26)} % 5 END AS level,
                CASE WHEN k % 20 NOT IN (0, 1, 2, 3) AND ${h("k", 28)} % 4 = 0
                     THEN jsonb_build_array((${TYPES})[1 + ${h("k", 29)} % 8], (${TYPES})[1 + (${h("k", 29)} + 3) % 8]) ELSE '[]'::jsonb END AS types,
                CASE WHEN k <= 10 AND k % 20 >= 4 THEN 0 WHEN k % 20 NOT IN (0, 1, 2, 3) AND ${h("k", 30)} % 3 = 0 THEN ${h("k", 31)} % 3 END AS ceiling,
                CASE WHEN ${h("k", 32)} % 6 = 0 THEN 30 END AS grace,
                CASE WHEN k % 20 NOT IN (2, 3) AND ${h("k", 33)} % 100 < 3 THEN date_trunc('day', ${day(`10 + ${h("k", 34)} % 60`)}) END AS "validFrom",
                ${day(`-10 - ${h("k", 35)} % 400`)} AS recorded
         FROM generate_series(1, ${K}) k
       ) x`,
    ],
    [
      "rules",
      // Names are unique by k; the key is claimed only by live rules (lib/rules/service.ts claimName).
      `INSERT INTO "AccessRule" (id, "currentVersion", "deletedAt", "createdAt", "nameKey", "scopeRepositoryId")
       SELECT ${id("rule", "k")}, CASE WHEN history IS NULL THEN 1 ELSE 2 END,
              CASE WHEN history = 'deleted' THEN recorded + interval '5 days' END, recorded,
              CASE WHEN history IS DISTINCT FROM 'deleted' THEN 'generated rule ' || k END,
              CASE WHEN scope_repo IS NOT NULL THEN ${id("repository", "scope_repo")}
                   ELSE (SELECT c."repositoryId" FROM "Contract" c WHERE c.id = ${id("contract", "scope_contract")}) END
       FROM scale_rule`,
    ],
    [
      // version 1 (closed after 5 days when there is a version 2, whose level differs), version 2
      "rule versions",
      `INSERT INTO "AccessRuleVersion" (id, "ruleId", version, change, name, "principalType", "groupId", "userId", level, "repositoryId",
         "contractId", "contractTypes", "confidentialityCeiling", "validFrom", "validUntil", "graceDaysAfterEnd", justification,
         "authorType", "authorLabel", "recordedFrom", "recordedTo")
       SELECT ${id("version", "k || ':' || v")}, ${id("rule", "k")}, v, CASE WHEN v = 1 THEN 'created' ELSE history END, 'Generated rule ' || k,
              CASE WHEN kind = 'user' THEN 'user' ELSE 'group' END,
              CASE WHEN kind <> 'user' THEN ${id("group", "principal")} END,
              CASE WHEN kind = 'user' THEN ${id("user", "principal")} END,
              CASE WHEN v = 1 AND history = 'updated' THEN 1 + level % 5 ELSE level END,
              CASE WHEN scope_repo IS NOT NULL THEN ${id("repository", "scope_repo")} END,
              CASE WHEN scope_repo IS NULL THEN ${id("contract", "scope_contract")} END,
              types, ceiling, "validFrom", "validUntil", grace, 'Generated scale data (rule ' || k || ')',
              'system', 'generate-scale',
              CASE WHEN v = 1 THEN recorded ELSE recorded + interval '5 days' END,
              CASE WHEN v = 1 AND history IS NOT NULL THEN recorded + interval '5 days' END
       FROM scale_rule, generate_series(1, 2) v
       WHERE v = 1 OR history IS NOT NULL`,
    ],
  ];

  const rows: Record<string, number> = {};
  await db.withSession((session) =>
    session.transaction(async (tx) => {
      const [existing] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Directory" WHERE id = $1`, [dir]);
      if (existing.n > 0) throw new Error(`scale data of seed ${seed} already exists in this database (directory scale-${seed})`);
      for (const [name, sql] of steps) {
        const t = performance.now();
        await tx.exec(sql);
        progress(`  ${name.padEnd(22)} ${((performance.now() - t) / 1000).toFixed(1)} s`);
      }
    }),
  );
  await db.withSession(async (s) => {
    const t = performance.now();
    // VACUUM too: a database in service has been vacuumed (autovacuum), so index-only scans see an
    // up-to-date visibility map; measuring right after a bulk insert without it measures heap
    // fetches no deployed database pays.
    await s.exec("VACUUM ANALYZE");
    progress(`  ${"vacuum analyze".padEnd(22)} ${((performance.now() - t) / 1000).toFixed(1)} s`);
    for (const table of ["User", "Group", "MembershipInterval", "Repository", "Contract", "ContractRevision", "AccessRuleVersion"]) {
      const [r] = await s.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`);
      rows[table] = r.n;
    }
  });
  return { options: o, directoryId: dir, rows, seconds: (performance.now() - started) / 1000 };
}

function flag(values: Record<string, string | undefined>, name: keyof ScaleOptions): number {
  const v = values[name];
  return v === undefined ? (DEFAULT_SCALE[name] as number) : Number(v);
}

async function main() {
  const { values } = parseArgs({
    options: {
      users: { type: "string" },
      groups: { type: "string" },
      repositories: { type: "string" },
      contracts: { type: "string" },
      rules: { type: "string" },
      seed: { type: "string" },
    },
  });
  const { getConfig } = await import("@/lib/config");
  const { closeDatabase, getDatabase } = await import("@/lib/db/client");
  getConfig();
  const db = await getDatabase();
  try {
    const options = {
      users: flag(values, "users"),
      groups: flag(values, "groups"),
      repositories: flag(values, "repositories"),
      contracts: flag(values, "contracts"),
      rules: flag(values, "rules"),
      seed: flag(values, "seed"),
    };
    process.stdout.write(`Generating into ${db.kind} (${db.target}): ${JSON.stringify(options)}\n`);
    const summary = await generateScale(db, options, (line) => process.stdout.write(`${line}\n`));
    process.stdout.write(`Done in ${summary.seconds.toFixed(1)} s: ${JSON.stringify(summary.rows)}\n`);
  } finally {
    await closeDatabase();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
