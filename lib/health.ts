// Readiness: the database answers and no migration is pending.
import { getDatabase } from "@/lib/db/client";
import { migrationStatus } from "@/lib/db/migrate";

export interface HealthReport {
  status: "ok" | "unavailable";
  database: { kind?: "pglite" | "postgres"; reachable: boolean; error?: string };
  migrations?: { applied: number; pending: string[] };
}

export async function checkHealth(): Promise<HealthReport> {
  try {
    const db = await getDatabase();
    const status = await db.withSession(async (s) => {
      await s.query("SELECT 1");
      return migrationStatus(s);
    });
    return {
      status: status.pending.length === 0 ? "ok" : "unavailable",
      database: { kind: db.kind, reachable: true },
      migrations: { applied: status.applied.length, pending: status.pending },
    };
  } catch (err) {
    // The reason is useful to an operator but must not leak connection strings.
    const message = err instanceof Error ? err.message.replace(/postgres(ql)?:\/\/\S+/g, "postgres://…") : "error";
    return { status: "unavailable", database: { reachable: false, error: message } };
  }
}
