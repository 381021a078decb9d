// The e-mail outbox and its delivery against a real SMTP server on 127.0.0.1 (smtp-server, started
// here): rows written in a transaction are sent after commit and never for a rollback; nothing is
// written while SMTP_URL is unset; a refused recipient backs off and is given up after the
// attempts; credentials in the URL log in; a second pass sends nothing twice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { startSmtpReceiver, type SmtpReceiver } from "@/lib/testing/smtp-receiver";
import { runEmailDeliveriesOnce, smtpOptions } from "./dispatcher";
import { appLink, enqueueEmails, type EmailMessage } from "./outbox";

const { db } = setupTestDatabase();
const FROM = "Custodian <custodian@example.test>";
let smtp: SmtpReceiver;

function useSmtp(url: string | undefined) {
  if (url) {
    process.env.SMTP_URL = url;
    process.env.SMTP_FROM = FROM;
  } else {
    delete process.env.SMTP_URL;
    delete process.env.SMTP_FROM;
  }
  resetConfigForTests();
}

beforeAll(async () => {
  smtp = await startSmtpReceiver({ reject: (address) => address.startsWith("bounce") });
  useSmtp(smtp.url);
});

afterAll(async () => {
  useSmtp(undefined);
  await smtp.close();
});

const message = (to: string, extra: Partial<EmailMessage> = {}): EmailMessage => ({ kind: "review.reminder", to, subject: `Reminder for ${to}`, body: `Open ${appLink("/reviews")}`, ...extra });

async function enqueue(messages: EmailMessage[]) {
  const prisma = db().prisma;
  return prisma.$transaction((tx) => enqueueEmails(tx, { messages, now: new Date() }));
}

describe("e-mail outbox", () => {
  it("sends what a committed transaction queued, once, over real SMTP", async () => {
    const to = `${unique("ann")}@example.test`;
    expect(await enqueue([message(to, { subject: "Line one\r\nBcc: evil@example.test" })])).toBe(1);
    const first = await runEmailDeliveriesOnce(db().prisma);
    expect(first.sent).toBeGreaterThanOrEqual(1);
    const [mail] = smtp.to(to);
    expect(mail).toBeDefined();
    expect(mail.rcptTo).toEqual([to]);
    expect(mail.mailFrom).toBe("custodian@example.test");
    expect(mail.from).toContain("custodian@example.test");
    // a name with a line break stays one header line: no injected Bcc
    expect(mail.subject).toBe("Line one Bcc: evil@example.test");
    expect(mail.headers.get("bcc")).toBeUndefined();
    expect(mail.text).toContain(appLink("/reviews"));
    const row = await db().prisma.emailOutbox.findFirstOrThrow({ where: { toAddress: to } });
    expect(row).toMatchObject({ status: "sent", attempts: 1, lastError: null });
    expect(mail.headers.get("x-custodian-message-id")).toBe(row.id);
    // a second pass sends nothing again
    await runEmailDeliveriesOnce(db().prisma);
    expect(smtp.to(to)).toHaveLength(1);
  });

  it("sends nothing for a transaction that rolled back", async () => {
    const to = `${unique("rolled")}@example.test`;
    await expect(
      db().prisma.$transaction(async (tx) => {
        await enqueueEmails(tx, { messages: [message(to)], now: new Date() });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    await runEmailDeliveriesOnce(db().prisma);
    expect(smtp.to(to)).toHaveLength(0);
    expect(await db().prisma.emailOutbox.count({ where: { toAddress: to } })).toBe(0);
  });

  it("writes nothing while SMTP_URL is unset", async () => {
    useSmtp(undefined);
    try {
      const to = `${unique("off")}@example.test`;
      expect(await enqueue([message(to)])).toBe(0);
      expect(await db().prisma.emailOutbox.count({ where: { toAddress: to } })).toBe(0);
      expect(await runEmailDeliveriesOnce(db().prisma)).toEqual({ attempted: 0, sent: 0, failed: 0, gaveUp: 0 });
    } finally {
      useSmtp(smtp.url);
    }
  });

  it("backs off after a refused recipient and gives up after the last attempt", async () => {
    const to = `${unique("bounce")}@example.test`;
    await enqueue([message(to)]);
    const t0 = new Date();
    await runEmailDeliveriesOnce(db().prisma, { now: t0, maxAttempts: 2, backoffBaseMs: 60_000 });
    let row = await db().prisma.emailOutbox.findFirstOrThrow({ where: { toAddress: to } });
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row.lastError).toMatch(/550|No such mailbox/);
    // 30–60 s later (equal jitter), not before
    expect(row.nextAttemptAt.getTime() - t0.getTime()).toBeGreaterThanOrEqual(30_000);
    await runEmailDeliveriesOnce(db().prisma, { now: new Date(t0.getTime() + 1000), maxAttempts: 2 });
    expect((await db().prisma.emailOutbox.findFirstOrThrow({ where: { toAddress: to } })).attempts).toBe(1);
    await runEmailDeliveriesOnce(db().prisma, { now: new Date(t0.getTime() + 61_000), maxAttempts: 2 });
    row = await db().prisma.emailOutbox.findFirstOrThrow({ where: { toAddress: to } });
    expect(row).toMatchObject({ status: "failed", attempts: 2 });
    expect(smtp.to(to)).toHaveLength(0);
  });

  it("links below NEXTAUTH_URL, keeping its path", () => {
    const before = process.env.NEXTAUTH_URL;
    const port = process.env.PORT;
    try {
      process.env.NEXTAUTH_URL = "https://custodian.example.test/legal";
      resetConfigForTests();
      expect(appLink("/reviews")).toBe("https://custodian.example.test/legal/reviews");
      delete process.env.NEXTAUTH_URL;
      process.env.PORT = "3456";
      resetConfigForTests();
      expect(appLink("/dashboard/campaigns/x/report")).toBe("http://localhost:3456/dashboard/campaigns/x/report");
    } finally {
      if (before === undefined) delete process.env.NEXTAUTH_URL;
      else process.env.NEXTAUTH_URL = before;
      if (port === undefined) delete process.env.PORT;
      else process.env.PORT = port;
      resetConfigForTests();
    }
  });

  it("logs in with the credentials of SMTP_URL", async () => {
    const secured = await startSmtpReceiver({ auth: { user: "mailer", pass: "p@ss word:1" } });
    try {
      expect(smtpOptions(secured.url)).toMatchObject({ host: "127.0.0.1", port: secured.port, secure: false, auth: { user: "mailer", pass: "p@ss word:1" } });
      expect(smtpOptions("smtps://mail.example.test")).toMatchObject({ port: 465, secure: true, auth: undefined });
      useSmtp(secured.url);
      const to = `${unique("auth")}@example.test`;
      await enqueue([message(to)]);
      await runEmailDeliveriesOnce(db().prisma);
      expect(secured.logins).toContain("mailer");
      expect(secured.to(to)).toHaveLength(1);
    } finally {
      useSmtp(smtp.url);
      await secured.close();
    }
  });
});
