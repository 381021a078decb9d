// OpenID AuthZEN Authorization API 1.0 as data: the request shapes of the five endpoints, the batch
// defaults-and-override rule, paging tokens and the instant a request asks about. Pure (no
// database); lib/authzen/decisions.ts gives the shapes Custodian's meaning.
//
// Section numbers cite the 1.0 text (api/authorization-api-1_0.md); "scenario §" the certification
// scenario (certification/authorization-api-1_0-scenario.md).
import { createHash } from "node:crypto";
import { z } from "zod";
import { pastInstant } from "@/lib/access/instant";
import { AppError } from "@/lib/errors";

/** Longest id accepted: ids longer than any Custodian id, userName or external reference are a client error. */
const MAX_ID = 1024;
/** Most items one evaluations request may carry. */
export const MAX_EVALUATIONS = 1000;
/** Default and largest search page. */
export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

const name = z.string().min(1).max(MAX_ID);
const properties = z.record(z.string(), z.unknown()).optional();
// z.object drops fields it does not know: unknown fields are ignored, never an error (§ "Extensibility").
export const subjectSchema = z.object({ type: name, id: name, properties });
export const resourceSchema = z.object({ type: name, id: name, properties });
export const actionSchema = z.object({ name, properties });
export const contextSchema = z.record(z.string(), z.unknown());
const typeOnly = z.object({ type: name, properties });
const pageSchema = z.object({ token: z.string().max(2048).optional(), limit: z.number().int().min(1).max(MAX_PAGE).optional() });

export const evaluationRequest = z.object({ subject: subjectSchema, action: actionSchema, resource: resourceSchema, context: contextSchema.optional() });
export type EvaluationRequest = z.infer<typeof evaluationRequest>;

export const EVALUATIONS_SEMANTICS = ["execute_all", "deny_on_first_deny", "permit_on_first_permit"] as const;
export type EvaluationsSemantic = (typeof EVALUATIONS_SEMANTICS)[number];

// Defaults are checked as objects here and as complete entities per item, after the override.
const entityDefault = z.record(z.string(), z.unknown()).optional();
const evaluationsRequest = z.object({
  subject: entityDefault,
  action: entityDefault,
  resource: entityDefault,
  context: contextSchema.optional(),
  evaluations: z.array(z.unknown()).max(MAX_EVALUATIONS).optional(),
  options: z.object({ evaluations_semantic: z.enum(EVALUATIONS_SEMANTICS).optional() }).optional(),
});

/** One batch item after the override: a valid evaluation, or the problem that makes it `decision: false`. */
export type BatchItem = { ok: true; request: EvaluationRequest } | { ok: false; error: { code: "invalid_input"; message: string; details: unknown } };

export type EvaluationsInput =
  | { kind: "single"; request: EvaluationRequest }
  | { kind: "batch"; items: BatchItem[]; semantic: EvaluationsSemantic };

/**
 * §7.1: an entity (or the context) an item gives replaces the top-level default as a whole object —
 * no merging of sub-fields; one it omits comes from the top level. No or an empty `evaluations`
 * array: the request is a single evaluation (scenario §3.4.2–3). A malformed item is that item's
 * `decision: false`, not a failed request (scenario §3.4.1).
 */
export function parseEvaluations(body: unknown): EvaluationsInput {
  const top = evaluationsRequest.parse(body);
  if (!top.evaluations || top.evaluations.length === 0) return { kind: "single", request: evaluationRequest.parse(body) };
  const items = top.evaluations.map((raw): BatchItem => {
    const item = (raw !== null && typeof raw === "object" && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
    if (item !== raw) return { ok: false, error: { code: "invalid_input", message: "An evaluation must be a JSON object", details: [] } };
    const merged = {
      subject: item.subject ?? top.subject,
      action: item.action ?? top.action,
      resource: item.resource ?? top.resource,
      context: item.context ?? top.context,
    };
    const parsed = evaluationRequest.safeParse(merged);
    if (parsed.success) return { ok: true, request: parsed.data };
    const details = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    return { ok: false, error: { code: "invalid_input", message: "This evaluation is incomplete or malformed", details } };
  });
  return { kind: "batch", items, semantic: top.options?.evaluations_semantic ?? "execute_all" };
}

/** §8.4 subject search: the subject's type (its id, if sent, is ignored), an action and a resource. */
export const subjectSearchRequest = z.object({ subject: typeOnly, action: actionSchema, resource: resourceSchema, context: contextSchema.optional(), page: pageSchema.optional() });
/** §8.5 resource search: a subject, an action and the resource's type. */
export const resourceSearchRequest = z.object({ subject: subjectSchema, action: actionSchema, resource: typeOnly, context: contextSchema.optional(), page: pageSchema.optional() });
/** §8.6 action search: a subject and a resource; no action. */
export const actionSearchRequest = z.object({ subject: subjectSchema, resource: resourceSchema, context: contextSchema.optional(), page: pageSchema.optional() });

/**
 * The body of an AuthZEN POST as a JSON value. Scenario §2.4.3: a Content-Type other than JSON is
 * 400 (not 415) — the same status as an empty or malformed body.
 */
export function requireJsonContentType(request: Request): void {
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json" && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) {
    throw new AppError("invalid_input", "Content-Type must be application/json");
  }
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The instant a request asks about: `context.time` (RFC 3339 / ISO 8601 with an offset — seconds
 * may be left out, as in the spec's own `2025-06-27T18:03-07:00` — or a date at 00:00 UTC), else
 * undefined (now). Never the future (lib/access/instant.ts). Any other context field is ignored.
 */
export function instantOf(context: Record<string, unknown> | undefined): Date | undefined {
  const time = context?.time;
  if (time === undefined || time === null) return undefined;
  const invalid = () => new AppError("invalid_input", "context.time must be an RFC 3339 date-time with an offset, or a date", [{ path: "context.time", message: "invalid date-time" }]);
  if (typeof time !== "string") throw invalid();
  const value = DATE.test(time) ? `${time}T00:00:00Z` : DATE_TIME.test(time) ? time.replace(/([+-]\d{2})(\d{2})$/, "$1:$2").replace(/^(.{10}) /, "$1T").replace(/T(\d{2}:\d{2})(?=[Zz+-])/, "T$1:00") : null;
  const at = value === null ? NaN : Date.parse(value);
  if (Number.isNaN(at)) throw invalid();
  return pastInstant(new Date(at));
}

/** What a paging token carries: where the next page starts, its size, and the instant of the first page. */
export interface PageCursor {
  offset: number;
  limit: number;
  /** Every page of one search answers for the instant of its first page, so pages never mix states. */
  at: Date;
}

/** The fingerprint of a search: a token is only good for the search that issued it. */
export function searchFingerprint(parts: unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 16);
}

/** §8.2: `page.token` continues a search (its limit and instant come with it); else `page.limit` (default 100) from the start. */
export function cursorOf(options: { page?: { token?: string; limit?: number }; fingerprint: string; at?: Date }): PageCursor {
  const token = options.page?.token;
  if (!token) return { offset: 0, limit: options.page?.limit ?? DEFAULT_PAGE, at: options.at ?? new Date() };
  const bad = () => new AppError("invalid_input", "page.token is not a token this search issued", [{ path: "page.token", message: "unknown token" }]);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  const parsed = z
    .object({ o: z.number().int().min(0), l: z.number().int().min(1).max(MAX_PAGE), t: z.number().int(), f: z.string() })
    .safeParse(decoded);
  if (!parsed.success || parsed.data.f !== options.fingerprint) throw bad();
  return { offset: parsed.data.o, limit: options.page?.limit ?? parsed.data.l, at: new Date(parsed.data.t) };
}

/** The token of the page after this one; "" when this was the last (§8.2). */
export function nextToken(options: { cursor: PageCursor; fingerprint: string; more: boolean }): string {
  if (!options.more) return "";
  const { cursor } = options;
  return Buffer.from(JSON.stringify({ o: cursor.offset + cursor.limit, l: cursor.limit, t: cursor.at.getTime(), f: options.fingerprint })).toString("base64url");
}
