// RFC 7644 §3.12 errors of the SCIM protocol code: AppErrors whose status and scimType come from the
// one table in lib/errors.ts. Mapped to the error JSON once, in the SCIM router.
import { AppError, errorTable, scimTypeOf, type AppErrorCode, type ScimType } from "@/lib/errors";

export type { ScimType };

/** The codes whose table entry pairs `status` with `scimType` (undefined: no type). */
function codeOf(status: number, scimType: ScimType | undefined): AppErrorCode {
  const codes = Object.keys(errorTable) as AppErrorCode[];
  const found = codes.find((c) => errorTable[c].status === status && scimTypeOf(c) === scimType) ?? codes.find((c) => errorTable[c].status === status);
  if (!found) throw new Error(`No error code for status ${status}`);
  return found;
}

export class ScimError extends AppError {
  /**
   * `new ScimError(code, detail)`; the (status, scimType, detail) form finds the table entry for the
   * pair (lib/scim/patch.ts re-throws an error with its operation index that way).
   */
  constructor(code: AppErrorCode, detail: string);
  constructor(status: number, scimType: ScimType | undefined, detail: string);
  constructor(codeOrStatus: AppErrorCode | number, second: string | undefined, detail?: string) {
    if (typeof codeOrStatus === "number") super(codeOf(codeOrStatus, second as ScimType | undefined), detail);
    else super(codeOrStatus, second);
    this.name = "ScimError";
  }

  get scimType(): ScimType | undefined {
    return scimTypeOf(this.code);
  }
}

export const invalidFilter = (detail: string) => new ScimError("invalid_filter", detail);
export const invalidPath = (detail: string) => new ScimError("invalid_path", detail);
export const invalidValue = (detail: string) => new ScimError("invalid_input", detail);
export const invalidSyntax = (detail: string) => new ScimError("invalid_syntax", detail);
export const noTarget = (detail: string) => new ScimError("no_target", detail);
export const mutability = (detail: string) => new ScimError("mutability", detail);
export const uniqueness = (detail: string) => new ScimError("conflict", detail);
export const notFound = (detail: string) => new ScimError("not_found", detail);
