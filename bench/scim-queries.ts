// `npm run bench:scim-queries`: how many database statements each SCIM request shape of the
// benchmark costs (BEGIN/COMMIT included), by calling the real route handler in process against a
// fresh PostgreSQL database and counting what node-postgres sends. `--sql` also prints them.
//
//   npm run bench:scim-queries -- [--sql] [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
import { recordPgStatements } from "./pg-statements";
import { parseArgs } from "node:util";
import { freshPostgresDatabase } from "./server";

const { values } = parseArgs({
  options: {
    sql: { type: "boolean", default: false },
    postgres: { type: "string", default: process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
  },
});

const statements = recordPgStatements();

async function main() {
  const database = await freshPostgresDatabase(values.postgres!);
  process.env.DATABASE_URL = database.url;
  process.env.LOG_LEVEL = "warn";
  process.env.SCIM_RATE_LIMIT_PER_MINUTE = "1000000";
  const { getDatabase, closeDatabase } = await import("@/lib/db/client");
  const { migrate } = await import("@/lib/db/migrate");
  const { handleScimRequest } = await import("@/lib/scim/router");
  const { createDirectory, createScimToken } = await import("@/lib/directories/service");
  const { flushRequestLog } = await import("@/lib/scim/request-log");
  try {
    const db = await getDatabase();
    await db.withSession((s) => migrate(s));
    const actor = { type: "system" as const, label: "bench" };
    const directory = await createDirectory(db.prisma, { input: { name: "bench", kind: "generic" }, actor });
    const { token } = await createScimToken(db.prisma, { directoryId: directory.id, actor });
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await handleScimRequest(
        new Request(`http://localhost/scim/v2${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    const scim = {
      get: (p: string) => call("GET", p),
      post: (p: string, b: unknown) => call("POST", p, b),
      put: (p: string, b: unknown) => call("PUT", p, b),
      patch: (p: string, b: unknown) => call("PATCH", p, b),
      delete: (p: string) => call("DELETE", p),
    };
    const q = (filter: string) => `?filter=${encodeURIComponent(filter)}`;
    const patchBody = (...Operations: unknown[]) => ({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations });
    const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    const user = (i: number) => ({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
      externalId: `ext-${i}`,
      userName: `bench.user${i}@example.com`,
      active: true,
      displayName: `Bench User ${i}`,
      name: { givenName: "Bench", familyName: `User ${i}` },
      emails: [{ primary: true, type: "work", value: `bench.user${i}@example.com` }],
      [ENTERPRISE]: { department: "Dept", employeeNumber: String(i) },
    });
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) ids.push(((await scim.post("/Users", user(i))).body as { id: string }).id);
    const group = ((await scim.post("/Groups", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: "G" })).body as { id: string }).id;
    await flushRequestLog();
    let n = 200;
    const shapes: [string, () => Promise<unknown>][] = [
      ["ServiceProviderConfig", () => scim.get("/ServiceProviderConfig")],
      ["existence check (0 found)", () => scim.get(`/Users${q(`userName eq "nobody${n}@example.com"`)}`)],
      ["create user", () => scim.post("/Users", user(n++))],
      ["GET by id", () => scim.get(`/Users/${ids[1]}`)],
      ["filter userName eq (1 found)", () => scim.get(`/Users${q(`userName eq "bench.user2@example.com"`)}`)],
      ["filter co and eq", () => scim.get(`/Users${q(`userName co "user3@" and active eq true`)}`)],
      ["filter eq or eq", () => scim.get(`/Users${q(`userName eq "bench.user4@example.com" or externalId eq "x"`)}`)],
      ["list page of 100", () => scim.get(`/Users?startIndex=1&count=100`)],
      ["PATCH Entra multi-key", () => scim.patch(`/Users/${ids[5]}`, patchBody({ op: "replace", value: { displayName: `v${n++}`, "name.givenName": "B" } }))],
      ["PUT Okta", () => scim.put(`/Users/${ids[6]}`, { ...user(6), displayName: `Okta ${n++}` })],
      ["PATCH deactivate", () => scim.patch(`/Users/${ids[7 + (n++ % 50)]}`, patchBody({ op: "replace", value: { active: false } }))],
      ["group member add", () => scim.patch(`/Groups/${group}`, patchBody({ op: "add", path: "members", value: [{ value: ids[60 + (n++ % 50)] }] }))],
      ["group member remove", () => scim.patch(`/Groups/${group}`, patchBody({ op: "remove", path: "members", value: [{ value: ids[60 + (n++ % 50)] }] }))],
      ["PATCH Entra e-mail value path", () => scim.patch(`/Users/${ids[8]}`, patchBody({ op: "Replace", path: 'emails[type eq "work"].value', value: `w${n++}@example.com` }))],
      ["DELETE (with erasure)", () => scim.delete(`/Users/${ids[110 + (n++ % 10)]}`)],
    ];
    console.log("| request | statements | of which BEGIN/COMMIT |\n|---|---:|---:|");
    for (const [name, call] of shapes) {
      await call(); // warm-up (and a first touch of lastUsedAt etc.)
      statements.length = 0;
      await call();
      const tx = statements.filter((s) => /^(BEGIN|COMMIT|ROLLBACK)/i.test(s.trim())).length;
      console.log(`| ${name} | ${statements.length} | ${tx} |`);
      if (values.sql) for (const s of statements) console.log(`    ${s.replace(/\s+/g, " ").slice(0, 220)}`);
    }
  } finally {
    await closeDatabase();
    await database.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
