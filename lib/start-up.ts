// What a server does once at start: configuration, migrations, bootstrap. Any failure stops the
// process with a message that names the cause (bad variable, edited migration, locked folder).
import { getConfig } from "@/lib/config";
import { getDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { log } from "@/lib/log";

export async function startUp(): Promise<void> {
  try {
    const config = getConfig();
    const db = await getDatabase();
    const applied = await db.withSession((s) => migrate(s));
    log.info("database ready", { database: db.kind, target: db.target, migrationsApplied: applied });
    const { runBootstrap } = await import("@/lib/bootstrap");
    await runBootstrap(config);
    const { startMaintenance } = await import("@/lib/jobs/maintenance");
    startMaintenance();
    // Event-loop delay for /api/metrics, sampled from start rather than from the first scrape.
    if (config.METRICS_TOKEN) (await import("@/lib/monitoring/metrics")).startEventLoopMonitor();
    const { startWebhookDispatcher } = await import("@/lib/webhooks/dispatcher");
    startWebhookDispatcher();
    // Notification e-mails from the outbox (only when SMTP_URL is set).
    const { startEmailDispatcher } = await import("@/lib/notifications/dispatcher");
    startEmailDispatcher();
  } catch (err) {
    log.error("start-up failed", { error: err instanceof Error ? err.message : String(err) });
    // Also as plain text: this is the line an operator reads in a terminal.
    process.stderr.write(`\nCustodian could not start: ${err instanceof Error ? err.message : String(err)}\n\n`);
    process.exit(1);
  }
}
