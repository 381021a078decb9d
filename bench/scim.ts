// `npm run bench:scim`: an Entra/Okta-shaped provisioning cycle against the built server (run
// `npm run build` first), on PGlite and on PostgreSQL, with a baseline of the same number of raw
// parameterised INSERT/SELECT statements measured in the same run on the same kind of database.
//
//   npm run bench:scim -- [--users 1000] [--groups 20] [--concurrency 8] [--db pglite|postgres|both]
//                         [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
import { parseArgs } from "node:util";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { PGlite } from "@electric-sql/pglite";
import { runPhase, type PhaseResult } from "./load";
import { freshPostgresDatabase, startBuiltServer } from "./server";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "1000" },
    groups: { type: "string", default: "20" },
    concurrency: { type: "string", default: "8" },
    db: { type: "string", default: "both" },
    postgres: { type: "string", default: process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
  },
});
const N = Number(values.users);
const G = Number(values.groups);
const C = Number(values.concurrency);
const TOKEN = "bench-token-" + "x".repeat(40);
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

function client(baseUrl: string) {
  const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/scim+json" };
  return async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}/scim/v2${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

const userName = (i: number) => `bench.user${String(i).padStart(6, "0")}@example.com`;

async function scimPhases(baseUrl: string): Promise<PhaseResult[]> {
  const scim = client(baseUrl);
  const ids: string[] = new Array(N);
  const groupIds: string[] = new Array(G);
  const results: PhaseResult[] = [];
  const ok = (s: number, ...expected: number[]) => expected.includes(s);

  results.push(
    await runPhase("existence check + create (2 req/op)", N, C, async (i) => {
      const found = await scim("GET", `/Users?filter=${encodeURIComponent(`userName eq "${userName(i)}"`)}`);
      if (found.status !== 200 || found.body.totalResults !== 0) return false;
      const created = await scim("POST", "/Users", {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        externalId: `ext-${i}`,
        userName: userName(i),
        active: true,
        displayName: `Bench User ${i}`,
        name: { givenName: "Bench", familyName: `User ${i}` },
        emails: [{ primary: true, type: "work", value: userName(i) }],
        title: "Analyst",
        [ENTERPRISE]: { department: `Dept ${i % 10}`, employeeNumber: String(i) },
        roles: [],
      });
      ids[i] = created.body?.id;
      return created.status === 201;
    }),
  );
  results.push(
    await runPhase("group create", G, C, async (g) => {
      const res = await scim("POST", "/Groups", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: `Bench Group ${g}`, externalId: `g-${g}` });
      groupIds[g] = res.body?.id;
      return res.status === 201;
    }),
  );
  results.push(
    await runPhase("member add PATCH", N, C, async (i) =>
      ok((await scim("PATCH", `/Groups/${groupIds[i % G]}`, { schemas: [PATCH_OP], Operations: [{ op: "Add", path: "members", value: [{ value: ids[i] }] }] })).status, 204),
    ),
  );
  results.push(await runPhase("GET by id", N, C, async (i) => (await scim("GET", `/Users/${ids[i]}`)).status === 200));
  results.push(
    await runPhase("filter userName eq", N, C, async (i) => {
      const r = await scim("GET", `/Users?filter=${encodeURIComponent(`userName eq "${userName(i)}"`)}`);
      return r.status === 200 && r.body.totalResults === 1;
    }),
  );
  results.push(
    await runPhase("filter externalId eq", N, C, async (i) => {
      const r = await scim("GET", `/Users?filter=${encodeURIComponent(`externalId eq "ext-${i}"`)}`);
      return r.status === 200 && r.body.totalResults === 1;
    }),
  );
  results.push(
    await runPhase("filter co + and", N, C, async (i) => {
      const f = `userName co "user${String(i).padStart(6, "0")}" and active eq true`;
      const r = await scim("GET", `/Users?filter=${encodeURIComponent(f)}`);
      return r.status === 200 && r.body.totalResults === 1;
    }),
  );
  const pages = Math.ceil(N / 100);
  results.push(
    await runPhase("list page of 100", Math.max(50, pages), C, async (i) => {
      const r = await scim("GET", `/Users?startIndex=${(i % pages) * 100 + 1}&count=100`);
      return r.status === 200 && r.body.totalResults === N;
    }),
  );
  results.push(
    await runPhase("PATCH (Entra, path-less multi-key)", N, C, async (i) =>
      ok(
        (await scim("PATCH", `/Users/${ids[i]}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: "replace", value: { displayName: `Bench ${i} v2`, "name.givenName": "Benchy", [`${ENTERPRISE}:employeeNumber`]: `E${i}` } }],
        })).status,
        200,
      ),
    ),
  );
  results.push(
    await runPhase("PUT (Okta, full object)", N, C, async (i) =>
      ok(
        (await scim("PUT", `/Users/${ids[i]}`, {
          schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
          id: ids[i],
          userName: userName(i),
          name: { givenName: "Okta", familyName: `User ${i}` },
          emails: [{ primary: true, type: "work", value: userName(i) }],
          displayName: `Okta User ${i}`,
          active: true,
          password: "placeholder-Passw0rd!",
          groups: [],
        })).status,
        200,
      ),
    ),
  );
  results.push(
    await runPhase("member remove PATCH", N, C, async (i) =>
      ok((await scim("PATCH", `/Groups/${groupIds[i % G]}`, { schemas: [PATCH_OP], Operations: [{ op: "Remove", path: "members", value: [{ value: ids[i] }] }] })).status, 204),
    ),
  );
  results.push(
    await runPhase("deprovision (active False)", N, C, async (i) =>
      ok((await scim("PATCH", `/Users/${ids[i]}`, { schemas: [PATCH_OP], Operations: [{ op: "Replace", path: "active", value: "False" }] })).status, 200),
    ),
  );
  return results;
}

const RAW_TABLE = `CREATE TABLE IF NOT EXISTS bench_raw (id text PRIMARY KEY, user_name text NOT NULL UNIQUE, external_id text,
  display_name text, given_name text, family_name text, department text, emails jsonb, active boolean, created_at timestamptz DEFAULT now())`;
const RAW_INSERT = `INSERT INTO bench_raw (id, user_name, external_id, display_name, given_name, family_name, department, emails, active)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true)`;
const RAW_SELECT = `SELECT * FROM bench_raw WHERE user_name = $1`;
const rawParams = (i: number) => [`raw-${i}`, userName(i), `ext-${i}`, `Bench ${i}`, "Bench", `User ${i}`, `Dept ${i % 10}`, JSON.stringify([{ value: userName(i) }])];

async function rawPostgres(url: string): Promise<PhaseResult[]> {
  const pool = new pg.Pool({ connectionString: url, max: C });
  await pool.query(RAW_TABLE);
  const out = [
    await runPhase("raw INSERT (pg)", N, C, async (i) => (await pool.query(RAW_INSERT, rawParams(i))).rowCount === 1),
    await runPhase("raw SELECT (pg)", N, C, async (i) => (await pool.query(RAW_SELECT, [userName(i)])).rowCount === 1),
  ];
  await pool.query("DROP TABLE bench_raw");
  await pool.end();
  return out;
}

async function rawPglite(): Promise<PhaseResult[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "custodian-bench-raw-"));
  const db = new PGlite(path.join(dir, "db"));
  await db.exec(RAW_TABLE);
  const out = [
    await runPhase("raw INSERT (PGlite)", N, C, async (i) => (await db.query(RAW_INSERT, rawParams(i))).affectedRows === 1),
    await runPhase("raw SELECT (PGlite)", N, C, async (i) => (await db.query(RAW_SELECT, [userName(i)])).rows.length === 1),
  ];
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  return out;
}

function printTable(title: string, rows: PhaseResult[], rawInsertRps: number) {
  console.log(`\n## ${title} — ${N} users, ${G} groups, concurrency ${C}`);
  console.log("| phase | requests | errors | ops/s | p50 ms | p99 ms | ops/s ÷ raw INSERT/s |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(`| ${r.phase} | ${r.requests} | ${r.errors} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${(r.rps / rawInsertRps).toFixed(2)} |`);
  }
}

async function benchPglite() {
  const raw = await rawPglite();
  const server = await startBuiltServer({ env: { SCIM_BOOTSTRAP_TOKEN: TOKEN, SCIM_RATE_LIMIT_PER_MINUTE: "1000000" } });
  try {
    const rows = await scimPhases(server.baseUrl);
    printTable("PGlite (embedded)", [...rows, ...raw], raw[0].rps);
  } finally {
    await server.stop();
  }
}

async function benchPostgres() {
  const database = await freshPostgresDatabase(values.postgres!);
  try {
    const server = await startBuiltServer({ env: { DATABASE_URL: database.url, SCIM_BOOTSTRAP_TOKEN: TOKEN, SCIM_RATE_LIMIT_PER_MINUTE: "1000000" } });
    let rows: PhaseResult[];
    try {
      rows = await scimPhases(server.baseUrl);
    } finally {
      await server.stop();
    }
    const raw = await rawPostgres(database.url);
    printTable("PostgreSQL", [...rows, ...raw], raw[0].rps);
  } finally {
    await database.drop();
  }
}

async function main() {
  if (values.db === "pglite" || values.db === "both") await benchPglite();
  if (values.db === "postgres" || values.db === "both") await benchPostgres();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
