// SCIM errors from the one error table (lib/errors.ts): what a client sees for each kind (RFC 7644 §3.12).
import { describe, expect, it } from "vitest";
import { AppError, scimTypeOf } from "@/lib/errors";
import { ScimError, invalidFilter, invalidPath, invalidSyntax, invalidValue, mutability, noTarget, notFound, uniqueness } from "./errors";
import { withIndex } from "./patch";

describe("error table", () => {
  it("gives the SCIM protocol errors their RFC 7644 status and scimType", () => {
    const pairs = [invalidFilter, invalidPath, invalidValue, invalidSyntax, noTarget, mutability, uniqueness, notFound].map((make) => {
      const err = make("detail");
      return [err.status, err.scimType ?? null];
    });
    expect(pairs).toEqual([
      [400, "invalidFilter"], [400, "invalidPath"], [400, "invalidValue"], [400, "invalidSyntax"],
      [400, "noTarget"], [400, "mutability"], [409, "uniqueness"], [404, null],
    ]);
    expect([new AppError("precondition_failed").status, scimTypeOf("precondition_failed")]).toEqual([412, undefined]);
    expect([new AppError("too_large").status, new AppError("rate_limited").status, new AppError("not_implemented").status]).toEqual([413, 429, 501]);
  });

  it("keeps a SCIM error's code when a PATCH operation re-throws it with its index", () => {
    let again: unknown;
    try {
      withIndex(0, () => {
        throw noTarget("no value");
      });
    } catch (err) {
      again = err;
    }
    expect(again).toBeInstanceOf(ScimError);
    const e = again as ScimError;
    expect([e.code, e.status, e.scimType, e.message]).toEqual(["no_target", 400, "noTarget", "Operations[0]: no value"]);
    expect(e).toBeInstanceOf(AppError);
  });
});
