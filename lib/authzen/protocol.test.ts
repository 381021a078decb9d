// AuthZEN request shapes without a database: times, the batch override rule, paging tokens.
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { cursorOf, instantOf, nextToken, parseEvaluations, requireJsonContentType, searchFingerprint } from "./protocol";

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : "other";
  }
  return "none";
};

describe("context.time", () => {
  it.each([
    ["2025-06-27T18:03-07:00", "2025-06-28T01:03:00.000Z"],
    ["2025-06-27T18:03:05Z", "2025-06-27T18:03:05.000Z"],
    ["2025-06-27T18:03:05.123+0200", "2025-06-27T16:03:05.123Z"],
    ["2025-06-27 18:03Z", "2025-06-27T18:03:00.000Z"],
    ["2025-06-27", "2025-06-27T00:00:00.000Z"],
  ])("%s is %s", (time, iso) => {
    expect(instantOf({ time })?.toISOString()).toBe(iso);
  });

  it("absent is now (undefined); anything else malformed, or the future, is 400", () => {
    expect(instantOf(undefined)).toBeUndefined();
    expect(instantOf({ ip: "10.0.0.1" })).toBeUndefined();
    for (const time of ["yesterday", "2025-06-27T18:03", "2025-13-45T99:99Z", 42, "", "3000-01-01T00:00Z"]) {
      expect(code(() => instantOf({ time })), String(time)).toBe("invalid_input");
    }
  });
});

describe("evaluations", () => {
  const subject = { type: "user", id: "ann" };
  const action = { name: "view" };
  const resource = { type: "contract", id: "c1" };

  it("an item's entity replaces the default whole; omitted ones come from the top level", () => {
    const input = parseEvaluations({ subject, action, resource: { type: "contract" }, context: { time: "2025-01-01" }, evaluations: [{ resource }, { resource: { id: "c2" } }, { action: { name: "edit" }, resource, context: { x: 1 } }] });
    expect(input.kind).toBe("batch");
    if (input.kind !== "batch") return;
    expect(input.items[0]).toEqual({ ok: true, request: { subject, action, resource, context: { time: "2025-01-01" } } });
    expect(input.items[1].ok).toBe(false);
    expect(input.items[2]).toEqual({ ok: true, request: { subject, action: { name: "edit" }, resource, context: { x: 1 } } });
    expect(input.semantic).toBe("execute_all");
  });

  it("no or empty evaluations: a single evaluation, whose missing fields are a 400", () => {
    expect(parseEvaluations({ subject, action, resource })).toEqual({ kind: "single", request: { subject, action, resource } });
    expect(parseEvaluations({ subject, action, resource, evaluations: [] }).kind).toBe("single");
    expect(code(() => parseEvaluations({ subject, action }))).toBe("other");
  });

  it("a non-object item is that item's error; a non-array evaluations or an unknown semantic fails the request", () => {
    const input = parseEvaluations({ subject, action, resource, evaluations: ["x", null, {}] });
    expect(input.kind === "batch" && input.items.map((i) => i.ok)).toEqual([false, false, true]);
    expect(() => parseEvaluations({ subject, action, resource, evaluations: {} })).toThrow();
    expect(() => parseEvaluations({ subject, action, resource, evaluations: [{}], options: { evaluations_semantic: "any" } })).toThrow();
  });
});

describe("paging tokens", () => {
  it("carry offset, limit and the first page's instant, and only for their own search", () => {
    const f = searchFingerprint(["subject", "c1"]);
    const first = cursorOf({ page: { limit: 2 }, fingerprint: f, at: new Date("2025-01-01T00:00:00Z") });
    const token = nextToken({ cursor: first, fingerprint: f, more: true });
    expect(cursorOf({ page: { token }, fingerprint: f })).toEqual({ offset: 2, limit: 2, at: new Date("2025-01-01T00:00:00Z") });
    expect(nextToken({ cursor: first, fingerprint: f, more: false })).toBe("");
    expect(code(() => cursorOf({ page: { token }, fingerprint: searchFingerprint(["subject", "c2"]) }))).toBe("invalid_input");
    expect(code(() => cursorOf({ page: { token: "not-a-token" }, fingerprint: f }))).toBe("invalid_input");
  });
});

describe("content type", () => {
  it("JSON (and +json) passes; anything else is 400", () => {
    const req = (type?: string) => new Request("http://x/", { method: "POST", headers: type ? { "content-type": type } : {} });
    expect(code(() => requireJsonContentType(req("application/json; charset=utf-8")))).toBe("none");
    expect(code(() => requireJsonContentType(req("application/authzen+json")))).toBe("none");
    for (const t of ["text/plain", "application/x-www-form-urlencoded", undefined]) expect(code(() => requireJsonContentType(req(t)))).toBe("invalid_input");
  });
});
