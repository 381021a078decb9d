// `npm run jobs:run-once`: runs the periodic maintenance (request-log retention, timed access
// effects, review campaign recurrence, escalation and reminders) and one pass of webhook and
// e-mail deliveries once against the configured database and exits — for cron-style deployments and for
// checking the jobs by hand. Safe next to running servers on PostgreSQL: every job takes its own
// advisory lock and timed effects are claimed exactly once; webhook deliveries are claimed with
// SKIP LOCKED (lib/webhooks/dispatcher.ts).
import { ConfigError, getConfig } from "@/lib/config";
import { closeDatabase, getDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { runMaintenanceOnce } from "@/lib/jobs/maintenance";
import { log } from "@/lib/log";
import { runEmailDeliveriesOnce } from "@/lib/notifications/dispatcher";
import { runDeliveriesOnce } from "@/lib/webhooks/dispatcher";

async function main() {
  getConfig();
  const db = await getDatabase();
  // Like the server and the CLI: never run against a schema that is behind the code.
  await db.withSession((s) => migrate(s));
  const result = await runMaintenanceOnce(db.prisma);
  log.info("maintenance ran once", { database: db.kind, ...result });
  // After maintenance, so access events it just recorded are delivered in the same run.
  const webhooks = await runDeliveriesOnce(db.prisma);
  log.info("webhook deliveries ran once", { ...webhooks });
  // Nothing to do unless SMTP_URL is set.
  const emails = await runEmailDeliveriesOnce(db.prisma);
  log.info("e-mail deliveries ran once", { ...emails });
  await closeDatabase();
}

main().catch(async (err: unknown) => {
  log.error(err instanceof ConfigError ? err.message : "maintenance failed", {
    error: err instanceof Error ? err.message : String(err),
  });
  await closeDatabase().catch(() => undefined);
  process.exit(1);
});
