// A real SMTP server on the loopback interface for notification tests (smtp-server speaks the
// protocol; mailparser decodes what arrived — headers, quoted-printable bodies): no mock of the
// sender. Each message is recorded with its envelope. `reject` refuses recipients with 550;
// `auth` requires these credentials (AUTH PLAIN/LOGIN over the plain connection).
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  /** Envelope sender and recipients (MAIL FROM / RCPT TO). */
  mailFrom: string | null;
  rcptTo: string[];
  from: string;
  to: string;
  subject: string;
  text: string;
  headers: Map<string, unknown>;
}

export async function startSmtpReceiver(options: { reject?: (address: string) => boolean; auth?: { user: string; pass: string } } = {}) {
  const messages: ReceivedMail[] = [];
  const logins: string[] = [];
  const server = new SMTPServer({
    // The tests' transport talks plain SMTP on 127.0.0.1 (no certificate to trust).
    disabledCommands: options.auth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        logins.push(auth.username);
        return callback(null, { user: auth.username });
      }
      return callback(new Error("Invalid username or password"));
    },
    onRcptTo(address, _session, callback) {
      if (options.reject?.(address.address)) {
        const err = new Error("No such mailbox") as Error & { responseCode: number };
        err.responseCode = 550;
        return callback(err);
      }
      return callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        simpleParser(Buffer.concat(chunks))
          .then((parsed) => {
            messages.push({
              mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
              rcptTo: session.envelope.rcptTo.map((r) => r.address),
              from: parsed.from?.text ?? "",
              to: Array.isArray(parsed.to) ? parsed.to.map((t) => t.text).join(", ") : (parsed.to?.text ?? ""),
              subject: parsed.subject ?? "",
              text: parsed.text ?? "",
              headers: parsed.headers as Map<string, unknown>,
            });
            callback();
          })
          .catch((err: Error) => callback(err));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: options.auth ? `smtp://${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@127.0.0.1:${port}` : `smtp://127.0.0.1:${port}`,
    port,
    messages,
    logins,
    /** Messages whose envelope names this recipient. */
    to: (address: string) => messages.filter((m) => m.rcptTo.includes(address.toLowerCase()) || m.rcptTo.includes(address)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type SmtpReceiver = Awaited<ReturnType<typeof startSmtpReceiver>>;

/**
 * A receiver for the whole test file, configured as the app's SMTP server (SMTP_URL, SMTP_FROM
 * `from`) before its tests and removed after them. Call at the top level of the file.
 */
export function smtpReceiverForFile(from: string): () => SmtpReceiver {
  let smtp: SmtpReceiver | undefined;
  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    process.env.SMTP_URL = smtp.url;
    process.env.SMTP_FROM = from;
    resetConfigForTests();
  });
  afterAll(async () => {
    delete process.env.SMTP_URL;
    delete process.env.SMTP_FROM;
    resetConfigForTests();
    await smtp?.close();
  });
  return () => {
    if (!smtp) throw new Error("SMTP receiver not started (use inside tests)");
    return smtp;
  };
}
