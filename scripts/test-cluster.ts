// `npm run test:cluster`: two production servers (`next start` of the current build) on one fresh
// PostgreSQL database, started at the same moment, driven with concurrent traffic at both:
//   1. start-up: both migrate and bootstrap at once → each migration applied once, one Default
//      directory, one admin account, one shared instance secret (a session made on A works on B);
//   2. the same users created on both at once → exactly one 201 and one 409 per userName;
//   3. 20 streams of multi-operation membership PATCHes on one group, half on each server, with
//      concurrent rule edits (last-writer and If-Match races, through /api/v1 and /api/admin);
//   4. afterwards, exact state: members, membership history, rule versions, an audit event per
//      successful request (matched by X-Request-Id) and none for refused ones, and effective
//      access of every user on every contract equal to what memberships + rules imply (computed
//      here, independently of the engine);
//   5. timed effects (a rule expiring, a rule starting) recorded exactly once while two
//      `jobs:run-once` processes race;
//   6. the audit chain verifies (`npm run audit:verify`, when the project has it).
// The database is dropped at the end. Options (env): TEST_DATABASE_URL (the PostgreSQL server),
// CLUSTER_USERS (default 200), SEED, TEST_SERVER_PORT_BASE (default: free ports), KEEP_DATABASE=1.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freshPostgresDatabase, startBuiltServer, type BenchServer } from "../bench/server";
import { readMigrations } from "@/lib/db/migrate";
import { GROUP_SCHEMA, USER_SCHEMA } from "@/lib/scim/schema";
import { LEVELS, CONFIDENTIALITIES } from "@/lib/access/levels";
import {
  Report,
  adminHttp,
  apiHttp,
  databaseEnv,
  ensureBuild,
  logLines,
  mapLimit,
  memberIds,
  prng,
  runCommand,
  scimHttp,
  signIn,
  sleep,
  sortedCounts,
  verifyAuditChain,
  root,
  type HttpResult,
} from "./system-tests/harness";

const SERVER_URL = process.env.TEST_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";
const USERS = Number(process.env.CLUSTER_USERS ?? 200);
const STREAMS = 20;
const ROUNDS = 8;
const OWN_PER_STREAM = 6;
const SHARED = 20;
const CONTENDED = 10;
const SEED = Number(process.env.SEED ?? Date.now() % 100_000);
const TOKEN = `cluster-${"x".repeat(8)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
const ADMIN = { email: "cluster-admin@example.com", password: "cluster-admin-password-1" };

type Level = (typeof LEVELS)[number];
type Confidentiality = (typeof CONFIDENTIALITIES)[number];
const rank = (l: Level | null) => (l === null ? -1 : LEVELS.indexOf(l));

const report = new Report("test:cluster");
const random = prng(SEED);

async function main() {
  const minUsers = STREAMS * OWN_PER_STREAM + SHARED + CONTENDED + 40;
  if (USERS < minUsers) throw new Error(`CLUSTER_USERS must be at least ${minUsers}`);
  report.begin("build");
  ensureBuild();
  const logDir = mkdtempSync(path.join(os.tmpdir(), "custodian-cluster-"));
  const database = await freshPostgresDatabase(SERVER_URL, "custodian_cluster");
  report.info(`database ${database.name}, logs in ${logDir}, seed ${SEED}`);
  const sql = new pg.Client({ connectionString: database.url });
  const servers: BenchServer[] = [];
  let error: unknown;
  try {
    await sql.connect();
    await run(database.url, logDir, sql, servers);
  } catch (err) {
    error = err;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await sql.end().catch(() => undefined);
    if (process.env.KEEP_DATABASE === "1") report.info(`kept database ${database.url}`);
    else await database.drop();
    // The servers' logs stay for a failed run.
    if (!error && report.failed === 0) rmSync(logDir, { recursive: true, force: true });
  }
  process.exit(report.finish(error));
}

async function run(databaseUrl: string, logDir: string, sql: pg.Client, servers: BenchServer[]) {
  const q = async <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => (await sql.query<T>(text, params)).rows;

  // ---------------------------------------------------------------------------------------------
  report.begin("two servers start at once on one empty database");
  const portBase = process.env.TEST_SERVER_PORT_BASE ? Number(process.env.TEST_SERVER_PORT_BASE) : undefined;
  const env = {
    DATABASE_URL: databaseUrl,
    SCIM_BOOTSTRAP_TOKEN: TOKEN,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    SCIM_RATE_LIMIT_PER_MINUTE: "1000000",
    LOG_LEVEL: "info",
    DATABASE_POOL_MAX: "8",
    AUTH_SECRET: "",
    NEXTAUTH_SECRET: "",
  };
  const logs = ["a", "b"].map((n) => path.join(logDir, `server-${n}.log`));
  const started = await Promise.all(
    logs.map((logFile, i) => startBuiltServer({ env, port: portBase === undefined ? undefined : portBase + i, logFile })),
  );
  servers.push(...started);
  const [A, B] = started;
  report.info(`A ${A.baseUrl} (pid ${A.pid}), B ${B.baseUrl} (pid ${B.pid})`);

  const allMigrations = readMigrations(path.join(root, "prisma", "migrations")).map((m) => m.name);
  const appliedBy = logs.map((f) => {
    const ready = logLines(f).find((l) => l.msg === "database ready");
    return (ready?.migrationsApplied as string[] | undefined) ?? null;
  });
  report.check("both servers logged 'database ready'", appliedBy.every((a) => a !== null), JSON.stringify(appliedBy));
  const appliedAll = appliedBy.flatMap((a) => a ?? []);
  report.equal("the two servers applied each migration once between them", [...appliedAll].sort(), allMigrations);
  report.info(`A applied ${appliedBy[0]?.length ?? "?"}, B applied ${appliedBy[1]?.length ?? "?"} migrations`);
  const recorded = await q<{ migration_name: string; n: number }>(
    `SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations" GROUP BY migration_name ORDER BY migration_name`,
  );
  report.equal("_prisma_migrations records each migration exactly once", recorded, allMigrations.map((m) => ({ migration_name: m, n: 1 })));
  report.equal("one Default directory", (await q(`SELECT id FROM "Directory" WHERE name = 'Default'`)).length, 1);
  report.equal("one bootstrap token", (await q(`SELECT t.id FROM "ScimToken" t JOIN "Directory" d ON d.id = t."directoryId" WHERE d.name = 'Default'`)).length, 1);
  report.equal("one administrator account", (await q(`SELECT id FROM "AdminAccount"`)).length, 1);
  const bootstrapEvents = await q<{ action: string; n: number }>(
    `SELECT action, count(*)::int AS n FROM "AuditEvent" WHERE action IN ('directory.created', 'scim_token.created', 'account.created') GROUP BY action ORDER BY action`,
  );
  report.check("bootstrap audited once per created thing", bootstrapEvents.every((e) => e.n === 1), JSON.stringify(bootstrapEvents));

  // A session signed on A is accepted by B: the signing secret is shared through the database.
  const cookie = await signIn(A.baseUrl, ADMIN.email, ADMIN.password);
  const adminA = adminHttp(A.baseUrl, cookie);
  const adminB = adminHttp(B.baseUrl, cookie);
  const crossSession = await adminB.call("GET", "/rules");
  report.equal("a dashboard session made on A is accepted by B", crossSession.status, 200);

  const created = await runCommand(path.join(root, "node_modules", ".bin", "tsx"), ["scripts/cli.ts", "api-key", "create", "--name", "cluster test", "--scope", "admin"], {
    ...databaseEnv({ databaseUrl }),
    LOG_LEVEL: "warn",
  });
  if (created.code !== 0) throw new Error(`api-key create failed: ${created.stderr}`);
  const apiKey = (JSON.parse(created.stdout) as { key: string }).key;
  const apiA = apiHttp(A.baseUrl, apiKey);
  const apiB = apiHttp(B.baseUrl, apiKey);
  const scimA = scimHttp(A.baseUrl, TOKEN);
  const scimB = scimHttp(B.baseUrl, TOKEN);
  const scim = [scimA, scimB];
  const api = [apiA, apiB];

  // ---------------------------------------------------------------------------------------------
  report.begin(`the same ${USERS} users created on both servers at once`);
  // A quarter of the second requests spell the userName in another case: userName is
  // case-insensitive (RFC 7643 §4.1.1), so those must conflict too.
  const names = Array.from({ length: USERS }, (_, i) => `cluster.user${String(i).padStart(4, "0")}@example.com`);
  const pairs = await mapLimit(names, 12, async (userName, i) => {
    const order = random.next() < 0.5 ? [0, 1] : [1, 0];
    const results = await Promise.all(
      order.map((s, k) =>
        scim[s].post<{ id: string }>("/Users", {
          schemas: [USER_SCHEMA],
          userName: k === 1 && i % 4 === 0 ? userName.toUpperCase() : userName,
          name: { givenName: "User", familyName: String(i) },
          emails: [{ value: userName, primary: true }],
          active: true,
        }),
      ),
    );
    return results;
  });
  const statusPairs = pairs.map((p) => p.map((r) => r.status).sort((a, b) => a - b).join("+"));
  report.equal("every userName: exactly one 201 and one 409", sortedCountsOf(statusPairs), { "201+409": USERS });
  const winners = pairs.map((p) => p.find((r) => r.status === 201));
  const losers = pairs.map((p) => p.find((r) => r.status !== 201)).filter((r): r is HttpResult<{ id: string }> => r !== undefined);
  const userIds = winners.map((w) => w?.body.id ?? "");
  report.equal("users stored", (await q(`SELECT id FROM "User"`)).length, USERS);
  await expectEventsPerRequest(q, "user.created", winners.filter((w): w is HttpResult<{ id: string }> => w !== undefined), 1);
  await expectNoEvents(q, "409 conflicts", losers);
  report.equal(
    "one open status interval per user",
    (await q<{ n: number }>(`SELECT count(*)::int AS n FROM "UserStatusInterval" WHERE "validTo" IS NULL`))[0].n,
    USERS,
  );

  // ---------------------------------------------------------------------------------------------
  report.begin("groups, repositories, contracts and rules, created on both servers");
  const ownOf = (s: number) => userIds.slice(s * OWN_PER_STREAM, (s + 1) * OWN_PER_STREAM);
  const shared = userIds.slice(STREAMS * OWN_PER_STREAM, STREAMS * OWN_PER_STREAM + SHARED);
  // Added and removed by every stream at random: their final membership depends on the order the
  // PATCHes were applied in, so only its consistency is checked.
  const contended = userIds.slice(STREAMS * OWN_PER_STREAM + SHARED, STREAMS * OWN_PER_STREAM + SHARED + CONTENDED);
  const hMembers = userIds.slice(USERS - 40, USERS - 5);
  const [gRes, hRes, dupA, dupB] = await Promise.all([
    scimA.post<{ id: string }>("/Groups", { schemas: [GROUP_SCHEMA], displayName: "Cluster G" }),
    scimB.post<{ id: string }>("/Groups", { schemas: [GROUP_SCHEMA], displayName: "Cluster H", members: hMembers.map((value) => ({ value })) }),
    scimA.post("/Groups", { schemas: [GROUP_SCHEMA], displayName: "Cluster duplicate" }),
    scimB.post("/Groups", { schemas: [GROUP_SCHEMA], displayName: "cluster duplicate" }),
  ]);
  report.equal("groups created", [gRes.status, hRes.status], [201, 201]);
  report.equal("the same group name on both at once: one 201, one 409", [dupA.status, dupB.status].sort(), [201, 409]);
  const G = gRes.body.id;
  const H = hRes.body.id;
  const nRes = await scimB.post<{ id: string }>("/Groups", { schemas: [GROUP_SCHEMA], displayName: "Cluster N", members: [{ value: H }] });
  report.equal("nested group N ∋ H created", nRes.status, 201);
  const N = nRes.body.id;

  const repoNames = ["R1", "R2", "R3", "R4"];
  const repoResults = await Promise.all([
    ...repoNames.map((name, i) => api[i % 2].call<{ id: string }>("POST", "/repositories", { name: `Cluster ${name}` })),
    apiA.call("POST", "/repositories", { name: "Cluster duplicate repository" }),
    apiB.call("POST", "/repositories", { name: "Cluster duplicate repository" }),
  ]);
  report.equal("repositories created", repoResults.slice(0, 4).map((r) => r.status), [201, 201, 201, 201]);
  report.equal("the same repository name on both at once: one 201, one 409", repoResults.slice(4).map((r) => r.status).sort(), [201, 409]);
  const repo = Object.fromEntries(repoNames.map((n, i) => [n, repoResults[i].body.id])) as Record<string, string>;

  const contractSpecs: { ref: string; repo: string; type: string; conf: Confidentiality }[] = [
    { ref: "c1", repo: "R1", type: "NDA", conf: "internal" },
    { ref: "c2", repo: "R1", type: "MSA", conf: "confidential" },
    { ref: "c3", repo: "R1", type: "NDA", conf: "strictly_confidential" },
    { ref: "c4", repo: "R2", type: "DPA", conf: "public" },
    { ref: "c5", repo: "R2", type: "MSA", conf: "confidential" },
    { ref: "c6", repo: "R2", type: "NDA", conf: "internal" },
    { ref: "c7", repo: "R3", type: "NDA", conf: "internal" },
    { ref: "c8", repo: "R4", type: "NDA", conf: "internal" },
  ];
  const contractBody = (c: (typeof contractSpecs)[number]) => ({
    title: `Cluster contract ${c.ref}`,
    contractType: c.type,
    confidentiality: c.conf,
    repositoryId: repo[c.repo],
  });
  const contractResults = await Promise.all(
    contractSpecs.map((c, i) => api[i % 2].call<{ id: string }>("PUT", `/contracts/cluster-${c.ref}`, contractBody(c))),
  );
  report.equal("contracts created", contractResults.map((r) => r.status), contractSpecs.map(() => 201));
  const contractId = Object.fromEntries(contractSpecs.map((c, i) => [c.ref, contractResults[i].body.id])) as Record<string, string>;
  // The same external reference upserted on both at once: one creates, the other updates.
  const upsertRace = await Promise.all(api.map((a) => a.call("PUT", "/contracts/cluster-race", { ...contractBody(contractSpecs[0]), title: `race ${a.baseUrl}` })));
  report.equal("the same contract ref PUT on both at once: one 201, one 200", upsertRace.map((r) => r.status).sort(), [200, 201]);
  report.equal("one contract with that ref", (await q(`SELECT id FROM "Contract" WHERE "externalRef" = 'cluster-race'`)).length, 1);

  const directUser = userIds[3];
  const in30Days = new Date(Date.now() + 30 * 86_400_000).toISOString();
  const ruleSpecs = [
    { key: "r1", via: apiA, body: { name: "cluster r1", groupId: G, repositoryId: repo.R1, level: "view", justification: "cluster r1" } },
    { key: "r2", via: adminB, body: { name: "cluster r2", groupId: H, repositoryId: repo.R1, level: "edit", contractTypes: ["NDA"], justification: "cluster r2" } },
    { key: "r3", via: apiB, body: { name: "cluster r3", groupId: N, repositoryId: repo.R2, level: "comment", confidentialityCeiling: "internal", justification: "cluster r3" } },
    { key: "r4", via: adminA, body: { name: "cluster r4", groupId: G, repositoryId: repo.R2, level: "sign", justification: "cluster r4" } },
    { key: "r5", via: apiA, body: { name: "cluster r5", userId: directUser, contractId: contractId.c5, level: "manage", validUntil: in30Days, justification: "cluster r5" } },
  ] as const;
  const ruleResults = await Promise.all(ruleSpecs.map((r) => r.via.call<{ id: string; version: number }>("POST", "/rules", r.body)));
  report.equal("rules created concurrently (API key and dashboard session, both servers)", ruleResults.map((r) => r.status), ruleSpecs.map(() => 201));
  const rule = Object.fromEntries(ruleSpecs.map((r, i) => [r.key, ruleResults[i].body.id])) as Record<string, string>;
  await expectEventsPerRequest(q, "rule.created", ruleResults, 1);

  // ---------------------------------------------------------------------------------------------
  report.begin(`${STREAMS} membership PATCH streams on one group (half per server) + concurrent rule edits`);
  const expectedOwn: Set<string>[] = Array.from({ length: STREAMS }, () => new Set());
  const addCount = new Map<string, number>(); // own users: how often each was added (→ its intervals)
  const sharedAdded = new Set<string>();
  const patchResults: HttpResult[] = [];
  const stream = async (s: number) => {
    const own = ownOf(s);
    const current = expectedOwn[s];
    for (let round = 0; round < ROUNDS; round++) {
      const absent = own.filter((u) => !current.has(u));
      const present = [...current];
      const toAdd = absent.filter(() => random.next() < 0.4).slice(0, 3);
      const toRemove = present.filter(() => random.next() < 0.35).slice(0, 2);
      if (toAdd.length === 0 && toRemove.length === 0) (absent.length ? toAdd : toRemove).push(absent.length ? absent[0] : present[0]);
      const sharedPick = random.pick(shared);
      const contendedAdd = random.next() < 0.5 ? [random.pick(contended)] : [];
      const contendedRemove = random.next() < 0.5 ? [random.pick(contended)].filter((u) => !contendedAdd.includes(u)) : [];
      const ops: unknown[] = [{ op: "add", path: "members", value: [...toAdd, sharedPick, ...contendedAdd].map((value) => ({ value })) }];
      const removals = [...toRemove, ...contendedRemove];
      if (removals.length) ops.push({ op: "remove", path: `members[${removals.map((u) => `value eq "${u}"`).join(" or ")}]` });
      const res = await scim[s % 2].patch(`/Groups/${G}`, ops);
      patchResults.push(res);
      if (res.status >= 200 && res.status < 300) {
        for (const u of toAdd) {
          current.add(u);
          addCount.set(u, (addCount.get(u) ?? 0) + 1);
        }
        for (const u of toRemove) current.delete(u);
        sharedAdded.add(sharedPick);
      }
    }
  };
  // r1: ten edits without a precondition (all apply, one after the other); r4: ten edits that all
  // expect version 1 (exactly one may win). Half through /api/v1, half through /api/admin.
  const r1Edits = Array.from({ length: 10 }, (_, i) =>
    i % 2 === 0
      ? apiA.call("PATCH", `/rules/${rule.r1}`, { level: "comment", justification: `cluster r1 edit ${i}` })
      : adminB.call("PATCH", `/rules/${rule.r1}`, { level: "comment", justification: `cluster r1 edit ${i}` }),
  );
  const r4Levels: Level[] = ["view", "comment", "edit", "manage", "view", "comment", "edit", "manage", "view", "edit"];
  const r4Edits = r4Levels.map((level, i) =>
    i % 2 === 0
      ? apiB.call("PATCH", `/rules/${rule.r4}`, { level, justification: `cluster r4 edit ${i}` }, { "if-match": '"1"' })
      : adminA.call("PATCH", `/rules/${rule.r4}`, { level, justification: `cluster r4 edit ${i}` }, { "if-match": '"1"' }),
  );
  const [r1Results, r4Results] = await Promise.all([
    Promise.all(r1Edits),
    Promise.all(r4Edits),
    Promise.all(Array.from({ length: STREAMS }, (_, s) => stream(s))),
  ]);

  const patchClasses = patchResults.map((r) => (r.status === 200 || r.status === 204 ? "2xx" : `HTTP ${r.status || r.error}`));
  report.equal("every membership PATCH succeeded (200/204)", sortedCountsOf(patchClasses), { "2xx": STREAMS * ROUNDS });
  const stored = (await q<{ id: string }>(`SELECT "memberUserId" AS id FROM "GroupMember" WHERE "groupId" = $1 ORDER BY 1`, [G])).map((r) => r.id);
  const contendedIn = stored.filter((u) => contended.includes(u));
  const expectedMembers = [...new Set([...expectedOwn.flatMap((s) => [...s]), ...sharedAdded, ...contendedIn])].sort();
  report.info(`${expectedMembers.length} members expected (${sharedAdded.size} shared, ${contendedIn.length} of the ${CONTENDED} contended)`);
  report.equal("GroupMember rows = the members the requests imply (none lost, none doubled)", stored, expectedMembers);
  const open = (await q<{ id: string }>(`SELECT "memberUserId" AS id FROM "MembershipInterval" WHERE "groupId" = $1 AND "validTo" IS NULL ORDER BY 1`, [G])).map((r) => r.id);
  report.equal("open membership intervals = the members, one each", open, expectedMembers);
  const intervals = await q<{ id: string; n: number }>(
    `SELECT "memberUserId" AS id, count(*)::int AS n FROM "MembershipInterval" WHERE "groupId" = $1 GROUP BY 1`,
    [G],
  );
  const expectedIntervals = new Map<string, number>([...addCount.entries(), ...[...sharedAdded].map((u) => [u, 1] as [string, number])]);
  const uncontended = intervals.filter((r) => !contended.includes(r.id));
  const wrongIntervals = uncontended.filter((r) => expectedIntervals.get(r.id) !== r.n);
  report.check(
    "membership history: one interval per add that changed something",
    wrongIntervals.length === 0 && uncontended.length === expectedIntervals.size,
    `${wrongIntervals.length} members with a wrong interval count, ${uncontended.length} vs ${expectedIntervals.size} members with history`,
  );
  const overlaps = await q(
    `SELECT a.id FROM "MembershipInterval" a JOIN "MembershipInterval" b
       ON a."groupId" = b."groupId" AND a."memberUserId" = b."memberUserId" AND a.id < b.id
      AND a."validFrom" < COALESCE(b."validTo", 'infinity') AND b."validFrom" < COALESCE(a."validTo", 'infinity')
     WHERE a."groupId" = $1`,
    [G],
  );
  report.equal("no overlapping membership intervals", overlaps.length, 0);
  for (const [name, s] of [["A", scimA], ["B", scimB]] as const) {
    const g = await s.get<{ members?: { value: string }[] }>(`/Groups/${G}`);
    report.equal(`GET /Groups/G on ${name} shows exactly those members`, memberIds(g.body), expectedMembers);
  }
  await expectEventsPerRequest(q, "group.members_changed", patchResults, 1);

  report.equal("r1: ten unconditioned edits all applied", r1Results.map((r) => r.status), r1Results.map(() => 200));
  const r1Versions = await q<{ version: number; open: boolean }>(
    `SELECT version, "recordedTo" IS NULL AS open FROM "AccessRuleVersion" WHERE "ruleId" = $1 ORDER BY version`,
    [rule.r1],
  );
  report.equal("r1: versions 1..11, only the last one current", r1Versions, Array.from({ length: 11 }, (_, i) => ({ version: i + 1, open: i === 10 })));
  await expectEventsPerRequest(q, "rule.updated", r1Results, 1);
  report.equal("r4: ten edits expecting version 1 → one 200, nine 409", sortedCounts(r4Results.map((r) => r.status)), { 200: 1, 409: 9 });
  const r4Winner = r4Results.findIndex((r) => r.status === 200);
  const r4Level = r4Levels[r4Winner] ?? "sign";
  const r4Now = await apiB.call<{ version: number; level: string }>("GET", `/rules/${rule.r4}`);
  report.equal("r4: version 2 with the winner's level", [r4Now.body.version, r4Now.body.level], [2, r4Level]);
  await expectEventsPerRequest(q, "rule.updated", r4Results.filter((r) => r.status === 200), 1);
  await expectNoEvents(q, "refused rule edits", r4Results.filter((r) => r.status !== 200));

  // ---------------------------------------------------------------------------------------------
  report.begin("effective access of every user on every contract = what memberships + rules imply");
  const groupUsers = new Map<string, Set<string>>([
    [G, new Set(expectedMembers)],
    [H, new Set(hMembers)],
    [N, new Set(hMembers)], // N's only member is H
  ]);
  const rules: { groupId?: string; userId?: string; repo?: string; contract?: string; level: Level; types?: string[]; ceiling?: Confidentiality }[] = [
    { groupId: G, repo: "R1", level: "comment" },
    { groupId: H, repo: "R1", level: "edit", types: ["NDA"] },
    { groupId: N, repo: "R2", level: "comment", ceiling: "internal" },
    { groupId: G, repo: "R2", level: r4Level },
    { userId: directUser, contract: "c5", level: "manage" },
  ];
  const expectedLevel = (userId: string, c: (typeof contractSpecs)[number]): Level | null => {
    let best: Level | null = null;
    for (const r of rules) {
      const reaches = r.userId ? r.userId === userId : groupUsers.get(r.groupId!)!.has(userId);
      const covers = r.contract
        ? r.contract === c.ref
        : r.repo === c.repo && (!r.types || r.types.includes(c.type)) && (!r.ceiling || CONFIDENTIALITIES.indexOf(c.conf) <= CONFIDENTIALITIES.indexOf(r.ceiling));
      if (reaches && covers && rank(r.level) > rank(best)) best = r.level;
    }
    return best;
  };
  const checks = userIds.flatMap((u) => contractSpecs.slice(0, 6).map((c) => ({ u, c })));
  const answers = await mapLimit(checks, 16, ({ u, c }, i) =>
    api[i % 2].call<{ allowed: boolean; level: Level | null }>("GET", `/access/check?user=${u}&contract=${contractId[c.ref]}&level=view`),
  );
  const wrong = checks
    .map((chk, i) => ({ ...chk, got: answers[i].status === 200 ? answers[i].body.level : `HTTP ${answers[i].status}`, want: expectedLevel(chk.u, chk.c) }))
    .filter((x) => x.got !== x.want);
  report.check(
    `access checks through both servers (${checks.length}) answer the expected level`,
    wrong.length === 0,
    `${wrong.length} wrong, e.g. ${JSON.stringify(wrong.slice(0, 5).map((w) => ({ user: w.u, contract: w.c.ref, got: w.got, want: w.want })))}`,
  );
  for (const c of contractSpecs.slice(0, 6)) {
    const who = await apiA.call<{ total: number }>("GET", `/contracts/${contractId[c.ref]}/access?pageSize=1`);
    const want = userIds.filter((u) => expectedLevel(u, c) !== null).length;
    report.equal(`who can open ${c.ref}: ${want} people`, who.body.total, want);
  }

  // ---------------------------------------------------------------------------------------------
  report.begin("timed effects recorded exactly once while two jobs:run-once processes race");
  // Far enough ahead that the rules are written (validUntil must be in the future) and checked
  // before the instants even on a loaded machine.
  const due = Date.now() + 10_000;
  const [r6, r7] = await Promise.all([
    apiA.call<{ id: string }>("POST", "/rules", { name: "cluster r6", groupId: G, repositoryId: repo.R4, level: "edit", validUntil: new Date(due).toISOString(), justification: "cluster r6 expires" }),
    apiB.call<{ id: string }>("POST", "/rules", { name: "cluster r7", groupId: H, repositoryId: repo.R3, level: "view", validFrom: new Date(due + 500).toISOString(), justification: "cluster r7 starts" }),
  ]);
  report.equal("an expiring and a starting rule created", [r6.status, r7.status], [201, 201]);
  const gUser = expectedMembers[0];
  const hUser = hMembers[0];
  const before = await Promise.all([
    apiA.call<{ level: Level | null }>("GET", `/access/check?user=${gUser}&contract=${contractId.c8}`),
    apiB.call<{ level: Level | null }>("GET", `/access/check?user=${hUser}&contract=${contractId.c7}`),
  ]);
  if (Date.now() < due) report.equal("before the instants: G member can edit c8, H member cannot open c7", before.map((r) => r.body.level), ["edit", null]);
  else report.info("the machine was too slow to check access before the instants");
  await sleep(Math.max(0, due + 1_500 - Date.now()));
  const after = await Promise.all([
    apiB.call<{ level: Level | null }>("GET", `/access/check?user=${gUser}&contract=${contractId.c8}`),
    apiA.call<{ level: Level | null }>("GET", `/access/check?user=${hUser}&contract=${contractId.c7}`),
  ]);
  report.equal("after the instants (before any job ran): c8 closed, c7 open at view", after.map((r) => r.body.level), [null, "view"]);
  const jobEnv = { ...databaseEnv({ databaseUrl }), LOG_LEVEL: "info" };
  const tsx = path.join(root, "node_modules", ".bin", "tsx");
  const jobRuns = await Promise.all([runCommand(tsx, ["scripts/jobs-run-once.ts"], jobEnv), runCommand(tsx, ["scripts/jobs-run-once.ts"], jobEnv)]);
  const third = await runCommand(tsx, ["scripts/jobs-run-once.ts"], jobEnv);
  report.equal("jobs:run-once exit codes", [...jobRuns, third].map((r) => r.code), [0, 0, 0]);
  const claimedBy = [...jobRuns, third].map((r) => {
    const line = r.stdout.split("\n").find((l) => l.includes('"maintenance ran once"'));
    const parsed = line ? (JSON.parse(line) as { timedEffects?: { claimed: number } }) : undefined;
    return parsed?.timedEffects?.claimed ?? null;
  });
  report.info(`claims per run (two racing, then a third): ${JSON.stringify(claimedBy)}`);
  const effects = await q<{ kind: string; subjectId: string; eventCount: number }>(
    `SELECT kind, "subjectId", "eventCount" FROM "TimedEffect" WHERE "subjectId" = ANY($1::text[]) ORDER BY kind`,
    [[r6.body.id, r7.body.id]],
  );
  report.equal(
    "one TimedEffect per due item",
    effects.map((e) => [e.kind, e.subjectId]),
    [["rule.expiry", r6.body.id], ["rule.start", r7.body.id]],
  );
  const timedEvents = async (action: string, repositoryId: string) =>
    (
      await q<{ id: string }>(
        `SELECT "targetId" AS id FROM "AuditEvent" WHERE action = $1 AND "actorType" = 'system' AND after->>'repositoryId' = $2 ORDER BY 1`,
        [action, repositoryId],
      )
    ).map((r) => r.id);
  report.equal("access.revoked on R4 once for each member of G", await timedEvents("access.revoked", repo.R4), expectedMembers);
  report.equal("access.granted on R3 once for each member of H", await timedEvents("access.granted", repo.R3), [...hMembers].sort());
  report.equal("TimedEffect.eventCount matches", effects.map((e) => e.eventCount), [expectedMembers.length, hMembers.length]);

  // ---------------------------------------------------------------------------------------------
  report.begin("audit trail");
  const unmatched = await q<{ n: number }>(
    `SELECT count(*)::int AS n FROM "AuditEvent" WHERE "requestId" IS NOT NULL AND action NOT LIKE 'access.%'`,
  );
  report.info(`${unmatched[0].n} audit events carry a request id`);
  await verifyAuditChain(report, { databaseUrl });
  report.check("servers still running", servers.every((s) => s.child.exitCode === null && s.child.signalCode === null));
}

function sortedCountsOf(values: string[]) {
  const m: Record<string, number> = {};
  for (const v of values) m[v] = (m[v] ?? 0) + 1;
  return m;
}

type Query = <T extends Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

/** Each successful request left exactly `n` audit events of this action, carrying its (client) request id. */
async function expectEventsPerRequest(q: Query, action: string, results: HttpResult<unknown>[], n: number) {
  const ids = results.map((r) => r.requestId);
  const rows = await q<{ requestId: string; n: number }>(
    `SELECT "clientRequestId" AS "requestId", count(*)::int AS n FROM "AuditEvent" WHERE action = $1 AND "clientRequestId" = ANY($2::text[]) GROUP BY 1`,
    [action, ids],
  );
  const counts = new Map(rows.map((r) => [r.requestId, r.n]));
  const wrong = ids.filter((id) => (counts.get(id) ?? 0) !== n);
  report.check(`${action}: ${n} event per successful request (${ids.length}), matched by X-Request-Id`, wrong.length === 0, `${wrong.length} requests without exactly ${n}: ${wrong.slice(0, 3).join(", ")}`);
}

/** Refused requests left no audit event at all (nothing half-done). */
async function expectNoEvents(q: Query, label: string, results: HttpResult<unknown>[]) {
  const rows = await q<{ requestId: string }>(`SELECT "clientRequestId" FROM "AuditEvent" WHERE "clientRequestId" = ANY($1::text[])`, [results.map((r) => r.requestId)]);
  report.equal(`no audit event for the ${results.length} ${label}`, rows.length, 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(report.finish(err));
});
