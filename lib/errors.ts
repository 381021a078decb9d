// One application error with a small code set, and ONE table from code to HTTP status (and the
// RFC 7644 scimType a SCIM client sees). Every surface answers from this table: the JSON routes'
// `{ error: { code, message, details? } }` (lib/http/error-response.ts), SCIM's error JSON
// (lib/scim/http.ts) and the metrics endpoint's plain text. Callers branch on `code`, never on text.

/** RFC 7644 §3.12 error types. */
export type ScimType =
  | "invalidFilter"
  | "tooMany"
  | "uniqueness"
  | "mutability"
  | "invalidSyntax"
  | "invalidPath"
  | "noTarget"
  | "invalidValue"
  | "invalidVers"
  | "sensitive";

interface ErrorEntry {
  status: number;
  /** What a SCIM client is told; absent for errors RFC 7644 gives no type. */
  scimType?: ScimType;
  /** The message when the thrower has nothing more specific to say. */
  title: string;
}

export const errorTable = {
  invalid_input: { status: 400, scimType: "invalidValue", title: "The request is invalid" },
  // The SCIM protocol's finer kinds of 400 (RFC 7644 §3.12), thrown by the SCIM filter/PATCH engine.
  invalid_filter: { status: 400, scimType: "invalidFilter", title: "The filter is invalid" },
  invalid_path: { status: 400, scimType: "invalidPath", title: "The path is invalid" },
  invalid_syntax: { status: 400, scimType: "invalidSyntax", title: "The request is not well-formed" },
  no_target: { status: 400, scimType: "noTarget", title: "The path matches nothing" },
  mutability: { status: 400, scimType: "mutability", title: "The attribute cannot be changed" },
  too_many: { status: 400, scimType: "tooMany", title: "The request would return too many results" },
  unauthorized: { status: 401, title: "Authentication is required" },
  forbidden: { status: 403, title: "Not allowed" },
  not_found: { status: 404, title: "Not found" },
  method_not_allowed: { status: 405, title: "Method not allowed" },
  conflict: { status: 409, scimType: "uniqueness", title: "The request conflicts with the current state" },
  precondition_failed: { status: 412, title: "The resource was changed since the version given in If-Match" },
  too_large: { status: 413, title: "The body is too large" },
  unsupported_media_type: { status: 415, title: "Unsupported content type" },
  rate_limited: { status: 429, title: "Too many requests" },
  // Never carries internals: the log has the stack, the caller gets the request id.
  internal_error: { status: 500, title: "Internal error" },
  not_implemented: { status: 501, title: "Not implemented" },
  // An access read ran past ACCESS_STATEMENT_TIMEOUT_MS and was cancelled (the pool stays free).
  timeout: { status: 503, title: "The query took too long and was cancelled; retry later or narrow it" },
} as const satisfies Record<string, ErrorEntry>;

export type AppErrorCode = keyof typeof errorTable;

/** code → HTTP status, read from the table (kept as a name of its own for plain-text surfaces). */
export const httpStatusOf = Object.fromEntries(Object.entries(errorTable).map(([code, e]) => [code, e.status])) as {
  [C in AppErrorCode]: (typeof errorTable)[C]["status"];
};

export function scimTypeOf(code: AppErrorCode): ScimType | undefined {
  const entry: ErrorEntry = errorTable[code];
  return entry.scimType;
}

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string = errorTable[code].title,
    /** Machine-readable specifics for the caller (e.g. per-item validation problems). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): number {
    return errorTable[this.code].status;
  }
}
