// JSON routes (/api/admin, /api/v1): one error shape `{ error: { code, message, details? } }`,
// statuses from lib/errors.ts, zod issues as field details, bodies limited in size.
import { ZodError } from "zod";
import { AppError, httpStatusOf } from "@/lib/errors";
import { log } from "@/lib/log";
import { withRequestContext } from "./request-context";

export const MAX_JSON_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {}

export function jsonError(status: number, code: string, message: string, details?: unknown): Response {
  return Response.json({ error: { code, message, ...(details !== undefined ? { details } : {}) } }, { status });
}

export function errorToResponse(err: unknown, requestId: string): Response {
  if (err instanceof AppError) return jsonError(httpStatusOf[err.code], err.code, err.message, err.details);
  if (err instanceof ZodError) {
    return jsonError(400, "invalid_input", "The request is invalid", err.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  }
  if (err instanceof BodyTooLargeError) return jsonError(413, "too_large", `The body exceeds ${MAX_JSON_BODY_BYTES} bytes`);
  log.error("request failed", { error: err instanceof Error ? err.stack : String(err) });
  return jsonError(500, "internal_error", `Internal error (request id ${requestId})`);
}

export async function readJsonBody(request: Request, maxBytes = MAX_JSON_BODY_BYTES): Promise<unknown> {
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) throw new BodyTooLargeError();
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes) throw new BodyTooLargeError();
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid_input", "The body is not valid JSON");
  }
}

/** Wraps a handler: request id, logging, and every thrown error mapped to the JSON error shape. */
export function jsonRoute<C>(handler: (request: Request, context: C, requestId: string) => Promise<Response>) {
  return withRequestContext<C>(async (request, context, requestId) => {
    try {
      return await handler(request, context, requestId);
    } catch (err) {
      return errorToResponse(err, requestId);
    }
  });
}
