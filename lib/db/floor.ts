// The benchmark floors' queries (app/api/bench/floor/**): a session from the pool, one statement
// each — the cheapest database work of each kind a SCIM phase is measured against (bench/scim.ts).
import { getDatabase } from "@/lib/db/client";

/**
 * Reads the whole "User" row by primary key, as a SCIM GET does, but hands back only its id and
 * version: the route is unauthenticated when turned on, so it must not disclose personal data.
 */
export async function readUserRowForFloor(id: string): Promise<{ id: string; version: number } | null> {
  const db = await getDatabase();
  const rows = await db.withSession((s) => s.query<{ id: string; version: number }>(`SELECT * FROM "User" WHERE id = $1`, [id]));
  return rows[0] ? { id: rows[0].id, version: rows[0].version } : null;
}

export const BENCH_FLOOR_ROWS = 1024;

/** The write floor: one single-row UPDATE … RETURNING of the bench-only table (no personal data). */
export async function writeBenchRowForFloor(key: number): Promise<{ id: number; n: number }> {
  const db = await getDatabase();
  const [row] = await db.withSession((s) =>
    s.query<{ id: number; n: string }>(`UPDATE "BenchFloor" SET n = n + 1 WHERE id = $1 RETURNING id, n`, [((key % BENCH_FLOOR_ROWS) + BENCH_FLOOR_ROWS) % BENCH_FLOOR_ROWS]),
  );
  return { id: row.id, n: Number(row.n) };
}

/**
 * The list floor: one statement reading 100 whole "User" rows (in the SCIM list's order) with the
 * total. Answers ids and versions only, for the same reason as the read floor.
 */
export async function listUserRowsForFloor(offset: number): Promise<{ total: number; rows: { id: string; version: number }[] }> {
  const db = await getDatabase();
  const rows = await db.withSession((s) =>
    s.query<{ id: string; version: number; __total: string }>(
      `SELECT u.*, (SELECT count(*) FROM "User") AS "__total" FROM "User" u ORDER BY u."createdAt", u.id LIMIT 100 OFFSET $1`,
      [Math.max(0, offset)],
    ),
  );
  return { total: rows[0] ? Number(rows[0].__total) : 0, rows: rows.map((r) => ({ id: r.id, version: r.version })) };
}
