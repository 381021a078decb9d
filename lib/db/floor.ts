// The benchmark floor's one query (app/api/bench/floor): a session from the pool, one statement.
import { getDatabase } from "@/lib/db/client";

export async function readUserRowForFloor(id: string): Promise<Record<string, unknown> | null> {
  const db = await getDatabase();
  const rows = await db.withSession((s) => s.query<Record<string, unknown>>(`SELECT * FROM "User" WHERE id = $1`, [id]));
  return rows[0] ?? null;
}
