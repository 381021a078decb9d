// One application error with a small code set, mapped to HTTP statuses in one table.
export type AppErrorCode = "invalid_input" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "rate_limited";

export const httpStatusOf: Record<AppErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
};

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    /** Machine-readable specifics for the caller (e.g. per-item validation problems). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
}
