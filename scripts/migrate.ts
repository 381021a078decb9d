// `npm run db:migrate`: applies pending migrations to the configured database and exits.
import { getConfig, ConfigError } from "@/lib/config";
import { getDatabase, closeDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { log } from "@/lib/log";

async function main() {
  getConfig();
  const db = await getDatabase();
  const applied = await db.withSession((s) => migrate(s));
  log.info("migrations applied", { database: db.kind, applied });
  await closeDatabase();
}

main().catch((err: unknown) => {
  log.error(err instanceof ConfigError ? err.message : "migration failed", {
    error: err instanceof Error ? err.message : String(err),
  });
  process.exit(1);
});
