// E-mail delivery from the outbox (./outbox.ts), the webhook dispatcher's way (lib/webhooks/dispatcher.ts):
// due rows are leased in one statement (FOR UPDATE SKIP LOCKED; nextAttemptAt moves past the
// lease), so any number of instances may run it and no two send the same message at once; a crash
// during the send lets the lease lapse and the message is sent again (at least once). A refused or
// failed send backs off with the webhooks' backoff (exponential, jitter) and gives up after their
// number of attempts. Runs in every server (startEmailDispatcher, every 5 s, when SMTP_URL is set)
// and from `npm run jobs:run-once`.
import nodemailer from "nodemailer";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { now as clockNow } from "@/lib/clock";
import { getConfig } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";
import { log } from "@/lib/log";
import { backoffMs, DISPATCH_DEFAULTS } from "@/lib/webhooks/dispatcher";
import { everyInterval } from "@/lib/interval-loop";

export interface EmailDispatchOptions {
  now?: Date;
  /** SMTP_URL and SMTP_FROM of the configuration unless given. */
  smtpUrl?: string;
  from?: string;
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  leaseMs?: number;
  batchSize?: number;
  /** Connection, greeting and socket timeouts of one send. */
  timeoutMs?: number;
}

export interface EmailDispatchResult {
  attempted: number;
  sent: number;
  failed: number;
  gaveUp: number;
}

const BATCH_SIZE = 50;
const SENT_RETENTION_DAYS = 30;

/** nodemailer's SMTP options from an smtp:// or smtps:// URL (credentials percent-decoded). */
export function smtpOptions(url: string, timeoutMs = 10_000) {
  const u = new URL(url);
  const secure = u.protocol === "smtps:";
  return {
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  };
}

interface Claimed {
  id: string;
  toAddress: string;
  subject: string;
  body: string;
  attempts: number;
}

async function claimDue(prisma: PrismaClient, now: Date, leaseMs: number, limit: number): Promise<Claimed[]> {
  return prisma.$queryRawUnsafe<Claimed[]>(
    `UPDATE "EmailOutbox" m SET attempts = m.attempts + 1, "nextAttemptAt" = $2::timestamp(3), "lastAttemptAt" = $1::timestamp(3)
     WHERE m.id IN (
       SELECT q.id FROM "EmailOutbox" q WHERE q.status = 'pending' AND q."nextAttemptAt" <= $1::timestamp(3)
       ORDER BY q."nextAttemptAt", q."createdAt" LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING m.id, m."toAddress", m.subject, m.body, m.attempts`,
    now,
    new Date(now.getTime() + leaseMs),
    limit,
  );
}

/** One pass: send what is due (one batch) over one SMTP connection, record each attempt. */
export async function runEmailDeliveriesOnce(prisma: PrismaClient, options: EmailDispatchOptions = {}): Promise<EmailDispatchResult> {
  const config = getConfig();
  const smtpUrl = options.smtpUrl ?? config.SMTP_URL;
  const from = options.from ?? config.SMTP_FROM;
  const result: EmailDispatchResult = { attempted: 0, sent: 0, failed: 0, gaveUp: 0 };
  if (!smtpUrl || !from) return result;
  const now = options.now ?? clockNow();
  const o = {
    maxAttempts: options.maxAttempts ?? DISPATCH_DEFAULTS.maxAttempts,
    backoffBaseMs: options.backoffBaseMs ?? DISPATCH_DEFAULTS.backoffBaseMs,
    backoffMaxMs: options.backoffMaxMs ?? DISPATCH_DEFAULTS.backoffMaxMs,
  };
  const claimed = await claimDue(prisma, now, options.leaseMs ?? DISPATCH_DEFAULTS.leaseMs, options.batchSize ?? BATCH_SIZE);
  if (claimed.length > 0) {
    const transport = nodemailer.createTransport(smtpOptions(smtpUrl, options.timeoutMs));
    try {
      for (const m of claimed) {
        result.attempted++;
        let error: string | null = null;
        try {
          await transport.sendMail({ from, to: m.toAddress, subject: m.subject, text: m.body, headers: { "X-Custodian-Message-Id": m.id } });
        } catch (err) {
          error = (err instanceof Error ? err.message : String(err)).slice(0, 500);
        }
        const gaveUp = error !== null && m.attempts >= o.maxAttempts;
        // Only the holder of this attempt's lease records it (attempts still equals the claim's).
        await prisma.emailOutbox.updateMany({
          where: { id: m.id, status: "pending", attempts: m.attempts },
          data: {
            status: error === null ? "sent" : gaveUp ? "failed" : "pending",
            sentAt: error === null ? clockNow() : undefined,
            nextAttemptAt: error === null || gaveUp ? undefined : new Date(now.getTime() + backoffMs(m.attempts, o.backoffBaseMs, o.backoffMaxMs)),
            lastError: error,
          },
        });
        if (error === null) result.sent++;
        else {
          result.failed++;
          if (gaveUp) result.gaveUp++;
        }
      }
    } finally {
      transport.close();
    }
  }
  // Sent messages are kept a while for support questions ("did the reminder go out?"), then dropped.
  await prisma.emailOutbox.deleteMany({ where: { status: "sent", sentAt: { lt: new Date(now.getTime() - SENT_RETENTION_DAYS * 86_400_000) } } });
  return result;
}

const INTERVAL_MS = 5000;
let started = false;

/** The in-process loop of a server (only when SMTP_URL is set): one pass every 5 s. */
export function startEmailDispatcher(): void {
  if (started || !getConfig().SMTP_URL) return;
  started = true;
  everyInterval("e-mail dispatcher", INTERVAL_MS, async () => {
    const result = await runEmailDeliveriesOnce(await getPrisma());
    if (result.failed > 0) log.warn("notification e-mails failed", { ...result });
  });
}
