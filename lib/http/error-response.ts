// Any thrown value → the AppError it means, and the JSON routes' error envelope
// `{ error: { code, message, details? } }` with the status from the one table (lib/errors.ts).
// The SCIM router renders the same AppError as RFC 7644 error JSON (lib/scim/http.ts).
import { ZodError } from "zod";
import { isNotFound, isUniqueViolation } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";

/**
 * The AppError a thrown value stands for: zod issues become field details, Prisma's unique
 * violation (P2002) a conflict and its missing row (P2025) a not-found — mapped here once.
 * Anything else is logged with its stack and becomes an internal error that names only the
 * request id.
 */
export function toAppError(err: unknown, requestId: string, logContext: Record<string, unknown> = {}): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) {
    return new AppError("invalid_input", undefined, err.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  }
  // Services that expect these throw their own AppError; one reaching here may be a bug, so it is
  // logged with its stack even though the caller gets the 4xx it stands for.
  if (isUniqueViolation(err) || isNotFound(err)) {
    log.warn("database constraint answered as a client error", { error: err instanceof Error ? err.stack : String(err), ...logContext });
    return isUniqueViolation(err) ? new AppError("conflict", "A record with these values already exists") : new AppError("not_found");
  }
  log.error("request failed", { error: err instanceof Error ? err.stack : String(err), ...logContext });
  return new AppError("internal_error", `Internal error (request id ${requestId})`);
}

/**
 * The challenge of a bearer-token surface's 401 (RFC 9110 §11.6.1: every 401 carries one; RFC 6750
 * §3: `error="invalid_token"` when a token was presented but is not accepted).
 */
export function bearerChallenge(realm: string, authorization: string | null): string {
  return `Bearer realm="${realm}"${/^\s*Bearer\s+\S/i.test(authorization ?? "") ? ', error="invalid_token"' : ""}`;
}

export function errorResponse(err: AppError, init: { headers?: Record<string, string> } = {}): Response {
  const { code, message, details } = err;
  return Response.json({ error: { code, message, ...(details !== undefined ? { details } : {}) } }, { status: err.status, headers: init.headers });
}
