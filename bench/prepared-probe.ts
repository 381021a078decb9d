// Dev probe: the engine's statements for a few request shapes, timed unnamed vs as named
// (prepared) statements on one connection — what plan caching would save.
import pg from "pg";
import { getDatabase } from "@/lib/db/client";
import { DEFAULT_SCALE, scaleId } from "../scripts/generate-scale";

const captured: { text: string; values: unknown[] }[] = [];
let capturing = false;
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...a: unknown[]) {
  const first = a[0] as { text?: string; values?: unknown[] };
  if (capturing && typeof first === "object") captured.push({ text: first.text ?? "?", values: first.values ?? [] });
  return (originalQuery as (...x: unknown[]) => unknown).apply(this, a);
} as typeof pg.Client.prototype.query;

async function main() {
  process.env.DECISION_LOG = "0";
  const db = await getDatabase();
  const { checkAccess } = await import("@/lib/access/effective-access");
  const scale = DEFAULT_SCALE;
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL, options: "-c jit=off" });
  await client.connect();
  const q = (cfg: pg.QueryConfig) => (originalQuery as unknown as (c: pg.QueryConfig) => Promise<pg.QueryResult>).call(client, cfg);
  const stmts: { text: string; values: unknown[] }[][] = [];
  for (let k = 1; k <= 30; k++) {
    captured.length = 0;
    capturing = true;
    await checkAccess(db.prisma, { userId: scaleId(scale.seed, "user", 1 + ((k * 7919) % scale.users)), contractId: scaleId(scale.seed, "contract", 1 + ((k * 104729) % scale.contracts)) });
    capturing = false;
    stmts.push([...captured]);
  }
  for (const mode of ["unnamed", "named"]) {
    const per: number[][] = [[], []];
    for (const [k, list] of stmts.entries()) {
      for (const [i, s] of list.entries()) {
        const t0 = performance.now();
        await q({ text: s.text, values: s.values as unknown[], ...(mode === "named" ? { name: `probe_${i}` } : {}) });
        if (k >= 10) per[i]?.push(performance.now() - t0);
      }
    }
    for (const [i, t] of per.entries()) {
      t.sort((a, b) => a - b);
      if (t.length) process.stdout.write(`${mode} statement ${i}: median ${t[Math.floor(t.length / 2)].toFixed(2)} ms, p90 ${t[Math.floor(t.length * 0.9)].toFixed(2)} ms\n`);
    }
  }
  const plan = await q({ text: "SELECT name, generic_plans, custom_plans FROM pg_prepared_statements" });
  console.log(plan.rows);
  process.exit(0);
}
main();
