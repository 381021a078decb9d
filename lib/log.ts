// Structured JSON logs, one object per line, with the current request id. Values under keys that
// look like credentials are redacted so a token never reaches a log file.
import { AsyncLocalStorage } from "node:async_hooks";

type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
export const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|api[-_]?key|hash/i;

/** A URL query string with the values of credential-like parameters (`access_token=…`) redacted. */
export function redactQuery(search: string): string {
  if (!search) return search;
  const params = new URLSearchParams(search);
  let changed = false;
  for (const key of new Set(params.keys())) {
    if (SECRET_KEY.test(key) || /^(key|code|sig)$/i.test(key)) {
      params.set(key, "[redacted]");
      changed = true;
    }
  }
  return changed ? `?${params}` : search;
}

export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

function threshold(): number {
  const l = (process.env.LOG_LEVEL ?? "info") as Level;
  return order[l] ?? order.info;
}

export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object") return value;
  // Deeper than any log field we write: cut rather than risk an unredacted credential.
  if (depth > 6) return "[truncated]";
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) ? "[redacted]" : redact(v, depth + 1);
  }
  return out;
}

function write(level: Level, msg: string, fields?: Record<string, unknown>): void {
  if (order[level] < threshold()) return;
  const requestId = requestContext.getStore()?.requestId;
  const line = JSON.stringify({
    time: new Date().toISOString(),
    level,
    msg,
    ...(requestId ? { requestId } : {}),
    ...(fields ? (redact(fields) as Record<string, unknown>) : {}),
  });
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(line + "\n");
}

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write("debug", msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write("info", msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write("warn", msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write("error", msg, fields),
};
