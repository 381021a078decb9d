// The one route wrapper and the one error table, through handlers that need no database.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, errorTable, httpStatusOf, type AppErrorCode } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { MAX_JSON_BODY_BYTES } from "./body";
import { parseIfMatch } from "./if-match";
import { jsonBody, route } from "./route";

const call = (handler: (request: Request) => Promise<Response>, init: RequestInit & { path?: string } = {}) =>
  handler(new Request(`http://localhost${init.path ?? "/x"}`, init));

describe("route", () => {
  it("answers every error code with its table status in the JSON envelope", async () => {
    for (const code of Object.keys(errorTable) as AppErrorCode[]) {
      const res = await call(route({ auth: "none" }, () => { throw new AppError(code, "said"); }));
      expect(res.status).toBe(httpStatusOf[code]);
      expect(await res.json()).toEqual({ error: { code, message: "said" } });
      expect(res.headers.get("x-request-id")).toBeTruthy();
    }
  });

  it("maps zod issues to field details, Prisma's unique violation to conflict and its missing row to not found", async () => {
    const invalid = await call(route({ auth: "none", query: z.object({ n: z.coerce.number().int() }) }, () => new Response()), { path: "/x?n=many" });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error.details).toEqual([{ path: "n", message: expect.any(String) }]);
    const known = (code: string) => new Prisma.PrismaClientKnownRequestError("internal text", { code, clientVersion: "test" });
    expect((await call(route({ auth: "none" }, () => { throw known("P2002"); }))).status).toBe(409);
    expect((await call(route({ auth: "none" }, () => { throw known("P2025"); }))).status).toBe(404);
  });

  it("answers anything else with 500 naming only the request id", async () => {
    const res = await call(route({ auth: "none" }, () => { throw new Error("password=hunter2 at db.internal"); }), { headers: { "x-request-id": "req-1" } });
    expect(res.status).toBe(500);
    // The server's own id (issue 14 item 20), never the caller's X-Request-Id.
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({ error: { code: "internal_error", message: `Internal error (request id ${id})` } });
  });

  it("parses If-Match: \"3\" and W/\"3\" to 3, absent to undefined, anything else is 400", async () => {
    const echo = route({ auth: "none" }, ({ ifMatch }) => Response.json({ ifMatch: ifMatch ?? null }));
    expect(await (await call(echo, { headers: { "if-match": '"3"' } })).json()).toEqual({ ifMatch: 3 });
    expect(await (await call(echo, { headers: { "if-match": 'W/"3"' } })).json()).toEqual({ ifMatch: 3 });
    expect(await (await call(echo)).json()).toEqual({ ifMatch: null });
    expect((await call(echo, { headers: { "if-match": "*" } })).status).toBe(400);
    // As /api/v1 answered before the one wrapper: a list, an empty header or an unbalanced quote.
    for (const header of ['"3", "4"', "", '"3']) expect((await call(echo, { headers: { "if-match": header } })).status).toBe(400);
  });

  it("requires a JSON body unless the schema allows none, and refuses one over the limit with 413", async () => {
    const required = route({ auth: "none", body: jsonBody }, ({ body }) => Response.json({ body }));
    const optional = route({ auth: "none", body: jsonBody.optional() }, ({ body }) => Response.json({ got: body === undefined ? "nothing" : body }));
    expect((await call(required, { method: "POST" })).status).toBe(400);
    expect((await call(required, { method: "POST", body: "{not json" })).status).toBe(400);
    expect(await (await call(required, { method: "POST", body: '{"a":1}' })).json()).toEqual({ body: { a: 1 } });
    expect(await (await call(optional, { method: "DELETE" })).json()).toEqual({ got: "nothing" });
    const huge = await call(required, { method: "POST", body: JSON.stringify({ a: "x".repeat(MAX_JSON_BODY_BYTES) }) });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe("too_large");
  });
});

describe("parseIfMatch", () => {
  it("reads the same grammar for every surface; of a list the first entry counts", () => {
    expect(parseIfMatch(null)).toEqual({ kind: "absent" });
    expect(parseIfMatch(" * ")).toEqual({ kind: "any" });
    expect(parseIfMatch('W/"12"')).toEqual({ kind: "version", version: 12, quoted: true, list: false });
    expect(parseIfMatch('"4", "5"')).toEqual({ kind: "version", version: 4, quoted: true, list: true });
    expect(parseIfMatch("7")).toEqual({ kind: "version", version: 7, quoted: false, list: false });
    expect(parseIfMatch('"v4"')).toEqual({ kind: "malformed" });
    expect(parseIfMatch('"3')).toEqual({ kind: "malformed" });
    expect(parseIfMatch("")).toEqual({ kind: "malformed" });
  });
});
