import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config";

describe("parseConfig", () => {
  it("defaults to the embedded database on port 3000", () => {
    const c = parseConfig({});
    expect(c).toMatchObject({ databaseKind: "pglite", PGLITE_DATA_DIR: "./data/pglite", PORT: 3000, LOG_LEVEL: "info" });
    expect(c.DATABASE_URL).toBeUndefined();
  });

  it("treats empty values as unset and picks PostgreSQL from DATABASE_URL", () => {
    expect(parseConfig({ DATABASE_URL: "", PORT: "" }).databaseKind).toBe("pglite");
    const c = parseConfig({ DATABASE_URL: "postgresql://u@127.0.0.1:5432/x", PORT: "8080" });
    expect(c).toMatchObject({ databaseKind: "postgres", PORT: 8080 });
  });

  it("turns e-mail on with SMTP_URL, which needs SMTP_FROM", () => {
    expect(parseConfig({}).SMTP_URL).toBeUndefined();
    expect(parseConfig({ SMTP_URL: "smtps://u:p%40ss@mail.example.com:465", SMTP_FROM: "Custodian <custodian@example.com>" })).toMatchObject({
      SMTP_URL: "smtps://u:p%40ss@mail.example.com:465",
      SMTP_FROM: "Custodian <custodian@example.com>",
    });
    expect(parseConfig({ SMTP_URL: "smtp://127.0.0.1:2525", SMTP_FROM: "custodian@example.com" }).SMTP_FROM).toBe("custodian@example.com");
    expect(() => parseConfig({ SMTP_URL: "smtp://127.0.0.1:2525" })).toThrow(/SMTP_FROM/);
  });

  it("prefers AUTH_SECRET over NEXTAUTH_SECRET", () => {
    const s1 = "a".repeat(32);
    const s2 = "b".repeat(32);
    expect(parseConfig({ NEXTAUTH_SECRET: s2 }).authSecret).toBe(s2);
    expect(parseConfig({ AUTH_SECRET: s1, NEXTAUTH_SECRET: s2 }).authSecret).toBe(s1);
  });

  it.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["DATABASE_URL", "mysql://x"],
    ["SCIM_BOOTSTRAP_TOKEN", "short"],
    ["ADMIN_EMAIL", "not-an-email"],
    ["ADMIN_PASSWORD", "short"],
    ["LOG_LEVEL", "loud"],
    ["DATABASE_POOL_MAX", "0"],
    ["SMTP_URL", "http://mail.example.com"],
    ["SMTP_FROM", "not an address"],
  ])("rejects %s=%s with a message naming the variable", (name, value) => {
    try {
      parseConfig({ [name]: value });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain(name);
    }
  });
});
