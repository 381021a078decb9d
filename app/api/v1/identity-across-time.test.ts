// Identity across time (issue 15): a userName deleted and later given to a new person. A question
// about the past by userName answers for whoever held the name then — never the new person's answer
// for the old person's instant — or, when several held it then, says so and lists them by id.
// Real SCIM and /api/v1 route handlers against a real database; history written on a back-dated clock.
import { describe, expect, it } from "vitest";
import { runAt } from "@/lib/clock";
import { migrate, readMigrations } from "@/lib/db/migrate";
import { freshDatabase, setupTestDatabase } from "@/lib/testing/database";
import { callRoute, newApiKey } from "@/lib/testing/api-v1";
import { newWorld } from "@/lib/testing/access-world";
import { daysAgo, reusedUserName } from "@/lib/testing/reused-user-name";
import { holdersOfUserNameAt } from "@/lib/users/name-history";
import * as checkRoute from "./access/check/route";
import * as userContractsRoute from "./users/[ref]/contracts/route";

setupTestDatabase();


describe("a question about the past by userName", () => {
  it("answers for the person who held the userName then, not the new person who holds it now", async () => {
    const { key } = await newApiKey(["access:read"]);
    const { oldAlice, newAlice, contract, userName } = await reusedUserName();
    expect(newAlice).not.toBe(oldAlice);
    const check = (query: string) => callRoute(checkRoute.GET, { path: `/api/v1/access/check?${query}`, key });
    const past = await check(`user=${encodeURIComponent(userName.toUpperCase())}&contract=${contract}&at=${daysAgo(8).toISOString()}`);
    expect(past.status).toBe(200);
    expect(past.body).toMatchObject({ allowed: true, level: "edit", user: { id: oldAlice, userName: null } });

    const now = await check(`user=${encodeURIComponent(userName)}&contract=${contract}`);
    expect(now.body).toMatchObject({ allowed: false, user: { id: newAlice, userName } });
    // Between the two holders nobody held it: the current holder is meant, who did not exist yet.
    const between = await check(`user=${encodeURIComponent(userName)}&contract=${contract}&at=${daysAgo(3).toISOString()}`);
    expect(between.body).toMatchObject({ allowed: false, user: { id: newAlice } });
    expect(between.body.denial).toContainEqual(expect.objectContaining({ code: "user_not_yet_provisioned" }));

    const contracts = (at?: Date) =>
      callRoute(userContractsRoute.GET, {
        path: `/api/v1/users/${encodeURIComponent(userName)}/contracts${at ? `?at=${at.toISOString()}` : ""}`,
        params: { ref: userName },
        key,
      });
    expect((await contracts(daysAgo(8))).body).toMatchObject({ user: { id: oldAlice }, total: 1, items: [expect.objectContaining({ contract: expect.objectContaining({ id: contract }) })] });
    expect((await contracts()).body).toMatchObject({ user: { id: newAlice }, total: 0 });
  });

  it("a rename moves the name with its holder; two directories' holders at once are listed by id (409)", async () => {
    const { key } = await newApiKey(["access:read"]);
    const [a, b] = await runAt(daysAgo(6), async () => [await newWorld(), await newWorld()]);
    const shared = `shared-${a.tag}@example.com`;
    const inA = await runAt(daysAgo(6), async () => {
      const res = await a.scim.post("/Users", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: shared });
      return res.body.id as string;
    });
    const inB = await runAt(daysAgo(6), async () => {
      const res = await b.scim.post("/Users", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: shared });
      return res.body.id as string;
    });
    // 3 days ago the holder in directory B is renamed: from then on only A's holder has the name.
    await runAt(daysAgo(3), async () => {
      const res = await b.scim.patch(`/Users/${inB}`, {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        Operations: [{ op: "replace", path: "userName", value: `renamed-${b.tag}@example.com` }],
      });
      expect(res.status).toBe(200);
    });
    expect((await holdersOfUserNameAt(a.prisma, { userName: shared, at: daysAgo(4) })).map((h) => h.id).sort()).toEqual([inA, inB].sort());
    expect((await holdersOfUserNameAt(a.prisma, { userName: shared, at: daysAgo(1) })).map((h) => h.id)).toEqual([inA]);
    expect(await holdersOfUserNameAt(a.prisma, { userName: `renamed-${b.tag}@example.com`, at: daysAgo(4) })).toEqual([]);

    const repo = await a.repository("r");
    const contract = await a.contract(repo);
    const ambiguous = await callRoute(checkRoute.GET, { path: `/api/v1/access/check?user=${encodeURIComponent(shared)}&contract=${contract}&at=${daysAgo(4).toISOString()}`, key });
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.error.details.candidates.map((c: { id: string }) => c.id).sort()).toEqual([inA, inB].sort());
    const picked = await callRoute(checkRoute.GET, {
      path: `/api/v1/access/check?user=${encodeURIComponent(shared)}&contract=${contract}&at=${daysAgo(4).toISOString()}&directory=${encodeURIComponent(b.directory.name)}`,
      key,
    });
    expect(picked.body).toMatchObject({ user: { id: inB, userName: `renamed-${b.tag}@example.com` } });
  });
});

describe("the migration", () => {
  it("gives the people who exist one interval each, from when they were created", async () => {
    const { db, dispose } = await freshDatabase();
    try {
      const all = readMigrations();
      const at = all.findIndex((m) => m.name === "20261207110100_user_name_history");
      await db.withSession((s) => migrate(s, all.slice(0, at)));
      const q = db.prisma;
      await q.$executeRawUnsafe(`INSERT INTO "Directory" (id, name, "updatedAt") VALUES ('d', 'd', now())`);
      await q.$executeRawUnsafe(`INSERT INTO "User" (id, "directoryId", "userName", "userNameKey", "createdAt") VALUES ('u', 'd', 'Bob', 'bob', $1)`, daysAgo(9));
      await q.$executeRawUnsafe(`INSERT INTO "UserStatusInterval" (id, "directoryId", "userId", active, "validFrom") VALUES ('s', 'd', 'u', true, $1)`, daysAgo(10));
      await db.withSession((s) => migrate(s, all));
      expect(await holdersOfUserNameAt(q, { userName: "BOB", at: daysAgo(11) })).toEqual([]);
      expect(await holdersOfUserNameAt(q, { userName: "BOB", at: daysAgo(10) })).toMatchObject([{ id: "u", userName: "Bob", deleted: false }]);
      // The digest is keyed by a secret of this instance, not the bare name's hash.
      const [row] = await q.userNameInterval.findMany();
      expect(row.nameDigest).toMatch(/^[0-9a-f]{64}$/);
      expect(row.nameDigest).not.toBe((await import("node:crypto")).createHash("sha256").update("bob").digest("hex"));
    } finally {
      await dispose();
    }
  }, 300_000);
});
