// The access review's person picker about the past (identity across time): a userName deleted and
// given to someone new lists, for an instant before, the person who held it then (by id, deleted
// since) first and marks the new holder as not holding it then.
import { describe, expect, it, vi } from "vitest";
import { runAt } from "@/lib/clock";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { setupTestDatabase } from "@/lib/testing/database";
import { newWorld } from "@/lib/testing/access-world";
import { GET as subjects } from "./route";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

const { db } = setupTestDatabase();
const { signInAs } = setupRoleAccounts(db);

const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

async function search(query: string) {
  const res = await subjects(new Request(`http://localhost/api/admin/access/subjects?${query}`), { params: Promise.resolve({}) });
  return { status: res.status, body: await res.json() };
}

describe("GET /api/admin/access/subjects?kind=user&at=…", () => {
  it("lists the person who held the userName at that instant first, by id, and marks the new holder", async () => {
    const { w, oldAlice } = await runAt(daysAgo(10), async () => {
      const w = await newWorld();
      return { w, oldAlice: await w.user("alice") };
    });
    await runAt(daysAgo(5), () => w.removeUser(oldAlice));
    const newAlice = await runAt(daysAgo(2), () => w.user("alice"));
    const userName = `alice-${w.tag}@example.com`;
    signInAs("compliance");

    const past = await search(`kind=user&q=${encodeURIComponent(userName)}&at=${daysAgo(8).toISOString()}`);
    expect(past.status).toBe(200);
    expect(past.body.items.map((i: { id: string }) => i.id)).toEqual([oldAlice, newAlice]);
    expect(past.body.items[0].secondary).toMatch(/held .* at the chosen instant; deleted since/);
    expect(past.body.items[1].secondary).toMatch(/did not hold .* at the chosen instant/);

    const now = await search(`kind=user&q=${encodeURIComponent(userName)}`);
    expect(now.body.items.map((i: { id: string }) => i.id)).toEqual([newAlice]);
    expect((await search(`kind=user&q=x&at=${new Date(Date.now() + DAY).toISOString()}`)).status).toBe(400);
  });
});
