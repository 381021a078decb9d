// Dev tool: EXPLAIN (ANALYZE, BUFFERS) of every statement each AuthZEN request shape sends, and
// in-process timings of each shape, against an existing scale database (DATABASE_URL).
import pg from "pg";
import { parseArgs } from "node:util";
import { getDatabase } from "@/lib/db/client";
import { DEFAULT_SCALE, scaleId } from "../scripts/generate-scale";
import { decisionSubjects } from "./decision-subjects";

const { values: args } = parseArgs({ options: { explain: { type: "string", default: "1" }, iterations: { type: "string", default: "40" }, only: { type: "string" } } });
const captured: { text: string; values: unknown[] }[] = [];
let capturing = false;
const originalQuery = pg.Client.prototype.query;
type Run = (this: pg.Client, text: string, values: unknown[]) => Promise<{ rows: Record<string, string>[] }>;
const run = originalQuery as unknown as Run;
pg.Client.prototype.query = function (this: pg.Client, ...a: unknown[]) {
  const first = a[0] as string | { text?: string; values?: unknown[] };
  if (capturing) captured.push(typeof first === "string" ? { text: first, values: (a[1] as unknown[]) ?? [] } : { text: first?.text ?? "?", values: first?.values ?? [] });
  return (originalQuery as (...x: unknown[]) => unknown).apply(this, a);
} as typeof pg.Client.prototype.query;

async function main() {
  process.env.DECISION_LOG = "0";
  const db = await getDatabase();
  const scale = DEFAULT_SCALE;
  const { person, personContracts, widest } = await decisionSubjects(db.prisma, scale);
  const { evaluate, evaluateMany, searchResources, searchSubjects } = await import("@/lib/authzen/decisions");
  const { checkAccess } = await import("@/lib/access/effective-access");
  const someone = scaleId(scale.seed, "user", scale.users);
  const ev = (subject: string, contract: string) => ({ subject: { type: "user", id: subject }, action: { name: "view" }, resource: { type: "contract", id: contract } });
  let k = 1;
  const rnd = () => scaleId(scale.seed, "contract", 1 + ((k++ * 7919) % scale.contracts));
  const shapes: [string, () => Promise<unknown>][] = [
    ["evaluation (permit)", () => evaluate(db.prisma, { body: ev(person.id, personContracts[k++ % personContracts.length]) })],
    ["evaluation (deny)", () => evaluate(db.prisma, { body: ev(someone, rnd()) })],
    ["checkAccess random (mostly denied)", () => checkAccess(db.prisma, { userId: scaleId(scale.seed, "user", 1 + ((k * 31) % scale.users)), contractId: rnd() })],
    ["evaluations 100", () => evaluateMany(db.prisma, { body: { ...ev(person.id, personContracts[0]), evaluations: personContracts.slice((k++ * 100) % 900, ((k - 1) * 100) % 900 + 100).map((id) => ({ resource: { type: "contract", id } })) } })],
    ["search/resource 100", () => searchResources(db.prisma, { body: { subject: { type: "user", id: person.id }, action: { name: "view" }, resource: { type: "contract" }, page: { limit: 100 } } })],
    ["search/subject 100 widest", () => searchSubjects(db.prisma, { body: { subject: { type: "user" }, action: { name: "view" }, resource: { type: "contract", id: widest?.id ?? "none" }, page: { limit: 100 } } })],
  ];
  const iterations = Number(args.iterations);
  for (const [name, fn] of shapes) {
    if (args.only && !name.includes(args.only)) continue;
    await fn();
    const times: number[] = [];
    const perStmt = new Map<number, number[]>();
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      await fn();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    captured.length = 0;
    capturing = true;
    const answer = JSON.stringify(await fn());
    capturing = false;
    const stmts = [...captured];
    process.stdout.write(`\n### ${name}: p50 ${times[Math.floor(iterations / 2)].toFixed(1)} p95 ${times[Math.ceil(iterations * 0.95) - 1].toFixed(1)} ms, ${stmts.length} statements, answer ${answer.length} bytes\n`);
    if (args.explain === "0") continue;
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL, options: "-c jit=off" });
    await client.connect();
    if (process.env.WORK_MEM) await client.query(`SET work_mem = '${process.env.WORK_MEM}'`);
    for (const [i, s] of stmts.entries()) {
      if (/^(BEGIN|COMMIT|ROLLBACK|SET)/i.test(s.text.trim())) {
        process.stdout.write(`  [${i}] ${s.text.trim().slice(0, 40)}\n`);
        continue;
      }
      const tt: number[] = [];
      for (let r = 0; r < 5; r++) {
        const t0 = performance.now();
        await run.call(client, s.text, s.values);
        tt.push(performance.now() - t0);
      }
      tt.sort((a, b) => a - b);
      perStmt.set(i, tt);
      const plan = await run.call(client, `EXPLAIN (ANALYZE, BUFFERS) ${s.text}`, s.values);
      const lines = plan.rows.map((r) => r["QUERY PLAN"]);
      process.stdout.write(`  [${i}] median ${tt[2].toFixed(2)} ms  ${s.text.replace(/\s+/g, " ").slice(0, 110)}\n`);
      if (args.explain === "2") process.stdout.write(lines.map((l) => `      ${l}`).join("\n") + "\n");
      else process.stdout.write(`      ${lines.slice(-2).join(" | ")}\n`);
    }
    await client.end();
  }
  process.exit(0);
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
