// RFC 7644 §3.12 errors of the SCIM protocol code: AppErrors whose status and scimType come from the
// one table in lib/errors.ts. Mapped to the error JSON once, in the SCIM router.
import { AppError, scimTypeOf, type AppErrorCode, type ScimType } from "@/lib/errors";

export type { ScimType };

export class ScimError extends AppError {
  constructor(code: AppErrorCode, detail: string) {
    super(code, detail);
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
