// Plan-cached statements (lib/db/client.ts PLAN_CACHED): on PostgreSQL's bounded pool a marked
// statement runs as a named (prepared) statement, so its plan is kept per connection; anything
// else runs unnamed. The answer never depends on it: a single check answers the same before and
// after PostgreSQL switches the statement to its generic plan (after five executions).
import { describe, expect, it } from "vitest";
import { getPrisma, PLAN_CACHED, statementNameOf } from "@/lib/db/client";
import { newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import { checkAccess } from "./effective-access";
import { withStatementTimeout } from "./sql";

setupTestDatabase();

describe("plan-cached statements", () => {
  it("name marked statements only, one stable name per text", () => {
    const sql = `${PLAN_CACHED}SELECT 1 WHERE $1::int = 1`;
    const name = statementNameOf(sql);
    expect(name).toMatch(/^custodian_[0-9a-f]{24}$/);
    expect(statementNameOf(sql)).toBe(name);
    expect(statementNameOf(`${PLAN_CACHED}SELECT 2 WHERE $1::int = 1`)).not.toBe(name);
    expect(statementNameOf("SELECT 1 WHERE $1::int = 1")).toBeUndefined();
  });

  it("run as named statements on PostgreSQL's bounded pool (unnamed elsewhere)", async () => {
    const prisma = await getPrisma();
    const sql = `${PLAN_CACHED}SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name = $1`;
    const [{ n }] = await withStatementTimeout(prisma, (q) => q.$queryRawUnsafe<{ n: number }[]>(sql, statementNameOf(sql)));
    // The statement sees itself prepared on PostgreSQL; PGlite runs it as any other statement.
    expect(n).toBe(process.env.TEST_DATABASE_URL ? 1 : 0);
    // Unmarked statements stay unnamed.
    const [{ n: unnamed }] = await withStatementTimeout(prisma, (q) =>
      q.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE '%unmarked-probe%'`),
    );
    expect(unnamed).toBe(0);
  });

  it("give a single check the same answer on every execution (custom plans, then the generic one)", async () => {
    const w = await newWorld();
    const ann = await w.user("ann");
    const ben = await w.user("ben", { active: false });
    const team = await w.group("team", [ann, ben]);
    const repo = await w.repository("cached");
    const open = await w.contract(repo, { type: "NDA" });
    const other = await w.contract(repo, { type: "MSA" });
    await w.rule({ groupId: team, level: "edit", repositoryId: repo, contractTypes: ["NDA"] });
    for (const [userId, contractId] of [
      [ann, open],
      [ann, other],
      [ben, open],
    ]) {
      const first = await checkAccess(w.prisma, { userId, contractId });
      for (let i = 0; i < 8; i++) {
        const again = await checkAccess(w.prisma, { userId, contractId });
        expect({ ...again, at: first.at }).toEqual(first);
      }
    }
    expect((await checkAccess(w.prisma, { userId: ann, contractId: open })).allowed).toBe(true);
    expect((await checkAccess(w.prisma, { userId: ben, contractId: open })).denial.map((d) => d.code)).toContain("user_inactive");
  });
});
