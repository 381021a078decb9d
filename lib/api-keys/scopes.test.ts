import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { hasScope, requireAnyScope, requireScope } from "./service";

describe("API key scopes", () => {
  it("admin holds every scope; others only their own", () => {
    expect(hasScope({ scopes: ["admin"] }, "rules:write")).toBe(true);
    expect(hasScope({ scopes: ["contracts:read"] }, "contracts:read")).toBe(true);
    expect(hasScope({ scopes: ["contracts:read"] }, "contracts:write")).toBe(false);
  });

  it("requireScope / requireAnyScope throw forbidden naming the missing scope", () => {
    expect(() => requireScope({ scopes: ["access:read"] }, "access:read")).not.toThrow();
    expect(() => requireAnyScope({ scopes: ["rules:read"] }, ["contracts:read", "rules:read"])).not.toThrow();
    let error: unknown;
    try {
      requireScope({ scopes: ["access:read"] }, "rules:write");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "forbidden", message: 'This API key lacks the "rules:write" scope' });
  });
});
