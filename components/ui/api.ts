// Client-side calls to the app's JSON routes (app/api/admin/**). Errors keep the server's code,
// message and field details (`{ error: { code, message, details } }`, lib/http/error-response.ts) so
// forms can show them next to their fields.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function parse<T>(res: Response): Promise<T> {
  const body = await res.json().catch(() => undefined);
  if (!res.ok) {
    const error = body?.error as { code?: string; message?: string; details?: unknown } | undefined;
    throw new ApiError(res.status, error?.code ?? "error", error?.message ?? `Request failed (${res.status})`, error?.details);
  }
  return body as T;
}

export async function getJson<T>(url: string): Promise<T> {
  return parse<T>(await fetch(url, { headers: { accept: "application/json" } }));
}

/** `ifMatch`: the version the form was loaded at; the server refuses (409) when it has changed since. */
export async function sendJson<T>(
  method: "POST" | "PUT" | "PATCH" | "DELETE",
  url: string,
  body?: unknown,
  options: { ifMatch?: number } = {},
): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: {
      accept: "application/json",
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...(options.ifMatch !== undefined ? { "if-match": `"${options.ifMatch}"` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  return parse<T>(res);
}

/**
 * Field errors from a server validation error: zod issues (`[{ path, message }]`) or item problems
 * (`{ items: [{ path, message }] }`). Keys are the first path segment after `prefix` ("" = the whole form).
 */
export function fieldErrors(error: unknown, options: { prefix?: string } = {}): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const details = error.details as unknown;
  const list: unknown = Array.isArray(details) ? details : (details as { items?: unknown } | undefined)?.items;
  const out: Record<string, string> = {};
  if (!Array.isArray(list)) return out;
  for (const entry of list) {
    if (!entry || typeof entry !== "object") continue;
    const { path, message } = entry as { path?: unknown; message?: unknown };
    if (typeof message !== "string") continue;
    let full = Array.isArray(path) ? path.map(String).join(".") : typeof path === "string" ? path : "";
    if (options.prefix && full.startsWith(`${options.prefix}.`)) full = full.slice(options.prefix.length + 1);
    const key = full.split(".")[0] ?? "";
    out[key] = out[key] ? `${out[key]}; ${message}` : message;
  }
  return out;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
