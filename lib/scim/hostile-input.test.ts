// Regressions found by `npm run test:fuzz` (scripts/fuzz-scim.ts), through the real SCIM handler
// on a real database: each used to end as a 500 from PostgreSQL.
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/lib/testing/database";
import { newDirectory, q } from "@/lib/testing/scim";
import { USER_SCHEMA } from "./schema";

const { db } = setupTestDatabase();

describe("hostile SCIM input", () => {
  it("refuses strings PostgreSQL cannot store (NUL, lone surrogates) with 400 invalidValue and stores nothing", async () => {
    const { directory, scim } = await newDirectory();
    const before = await db().prisma.user.count({ where: { directoryId: directory.id } });
    for (const body of [
      { schemas: [USER_SCHEMA], userName: "nul\u0000@example.com" },
      { schemas: [USER_SCHEMA], userName: "ok@example.com", name: { givenName: "A\u0000" } },
      { schemas: [USER_SCHEMA], userName: "lone\ud800@example.com" },
      { schemas: [USER_SCHEMA], userName: "ok2@example.com", emails: [{ value: "x\udc00@example.com" }] },
    ]) {
      const res = await scim.post("/Users", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ scimType: "invalidValue", detail: expect.stringMatching(/NUL|surrogate/) });
    }
    // A valid surrogate pair is fine.
    expect((await scim.post("/Users", { schemas: [USER_SCHEMA], userName: "emoji😀@example.com" })).status).toBe(201);
    expect(await db().prisma.user.count({ where: { directoryId: directory.id } })).toBe(before + 1);
    const user = (await scim.get<{ Resources: { id: string }[] }>(`/Users${q('userName eq "emoji😀@example.com"')}`)).body.Resources[0];
    const patched = await scim.patch(`/Users/${user.id}`, { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "replace", path: "title", value: "\u0000" }] });
    expect(patched.status).toBe(400);
  });

  it("answers filters with such literals with 400 invalidFilter", async () => {
    const { scim } = await newDirectory();
    for (const filter of ['userName eq "\\u0000"', 'displayName co "a\u0000"', 'userName sw "\\ud800"', 'emails[value eq "\\udfff"]']) {
      const res = await scim.get(`/Users${q(filter)}`);
      expect(res.status, filter).toBe(400);
      expect(res.body.scimType).toBe("invalidFilter");
    }
    const search = await scim.post("/.search", { schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], filter: 'userName eq "\\u0000"' });
    expect(search.status).toBe(400);
  });

  it("answers ids with NUL or a lone surrogate with 404", async () => {
    const { scim } = await newDirectory();
    for (const id of ["%00", "a%00b", "%ED%A0%80"]) {
      expect((await scim.get(`/Users/${id}`)).status, id).toBe(404);
      expect((await scim.delete(`/Groups/${id}`)).status, id).toBe(404);
    }
  });

  it("treats a startIndex beyond PostgreSQL's bigint as past the last page", async () => {
    const { scim } = await newDirectory();
    for (const startIndex of ["99999999999999999999", "9223372036854775807", "1e18"]) {
      const res = await scim.get(`/Users?startIndex=${startIndex}`);
      expect(res.status, startIndex).toBe(200);
      expect(res.body).toMatchObject({ Resources: [], itemsPerPage: 0 });
    }
  });
});
