// The rules list searched by name (issue 16 leftover): the admin API, a real Request through the
// route wrapper, a real database; case-insensitive, on the current version's name, paged.
import { describe, expect, it, vi } from "vitest";
import { GET as listRoute } from "@/app/api/admin/rules/route";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import type { RuleView } from "./queries";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

const { db } = setupTestDatabase();
const { signInAs } = setupRoleAccounts(db);

const list = async (params: Record<string, string>) => {
  const res = await listRoute(new Request(`http://localhost/api/admin/rules?${new URLSearchParams(params)}`), undefined);
  return { status: res.status, body: (await res.json()) as { items: RuleView[]; total: number; page: number } };
};

describe("rules list search by name", () => {
  it("finds rules by part of their current name in any case, pages the matches, and takes % and _ literally", async () => {
    const w = await newWorld();
    const group = await w.group("Legal");
    const repository = await w.repository("Leases");
    const tag = unique("Osprey").toLowerCase();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await w.rule({ name: `${tag} readers ${i}`, groupId: group, level: "view", repositoryId: repository }));
    const other = await w.rule({ name: `Heron 100% ${tag.slice(0, 4)}_x`, groupId: group, level: "edit", repositoryId: repository });
    signInAs("compliance");

    const all = await list({ search: tag.toUpperCase(), pageSize: "10" });
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(3);
    expect(all.body.items.map((r) => r.id).sort()).toEqual([...ids].sort());
    // Paged in the database: two pages of two, together the three matches.
    const p1 = await list({ search: `${tag} READERS`, pageSize: "2", page: "1" });
    const p2 = await list({ search: `${tag} READERS`, pageSize: "2", page: "2" });
    expect([p1.body.total, p1.body.items.length, p2.body.items.length]).toEqual([3, 2, 1]);
    expect([...p1.body.items, ...p2.body.items].map((r) => r.id).sort()).toEqual([...ids].sort());
    // A rename is a new version: the search reads the current name only.
    await w.editRule(ids[0], { name: "Kestrel readers" });
    expect((await list({ search: tag })).body.total).toBe(2);
    expect((await list({ search: "kestrel READ" })).body.items.map((r) => r.id)).toContain(ids[0]);
    // Wildcards are characters, not patterns.
    expect((await list({ search: "100%" })).body.items.map((r) => r.id)).toEqual([other]);
    expect((await list({ search: `${tag.slice(0, 4)}_x` })).body.items.map((r) => r.id)).toEqual([other]);
    expect((await list({ search: `${tag.slice(0, 3)}_` })).body.total).toBe(0);
    expect((await list({ search: "%" })).body.items.map((r) => r.id)).toEqual([other]);
    // An empty search is no filter; a search is combined with the other filters.
    expect((await list({ search: `${tag} readers`, principalType: "user" })).body.total).toBe(0);
    expect((await list({ search: "x".repeat(201) })).status).toBe(400);

    signInAs("auditor");
    expect((await list({ search: tag })).status).toBe(403);
    signInAs(null);
    expect((await list({ search: tag })).status).toBe(401);
  });
});
