// The benchmark floor's one query (app/api/bench/floor): a session from the pool, one statement.
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
