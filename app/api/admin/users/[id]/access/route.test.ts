// A person's contract access, searchable and filterable (issue 16 item 6): the filters apply
// before paging, so the total and the pages are of the matching contracts.
import { describe, expect, it, vi } from "vitest";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { setupTestDatabase } from "@/lib/testing/database";
import { newWorld } from "@/lib/testing/access-world";
import { GET } from "./route";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

const { db } = setupTestDatabase();
const { signInAs } = setupRoleAccounts(db);

const DAY = 86_400_000;

async function access(userId: string, query: string) {
  const res = await GET(new Request(`http://localhost/api/admin/users/${userId}/access?${query}`), { params: Promise.resolve({ id: userId }) });
  expect(res.status).toBe(200);
  return (await res.json()) as { total: number; items: { contract: { title: string; repositoryId: string }; level: string }[] };
}

describe("GET /api/admin/users/:id/access", () => {
  it("searches by title or reference and filters by repository, level and contracts ending soon", async () => {
    const w = await newWorld();
    const ann = await w.user("ann");
    const g = await w.group("legal", [ann]);
    const leases = await w.repository("leases");
    const sales = await w.repository("sales");
    await w.contract(leases, { title: `Harbour lease ${w.tag}` });
    await w.contract(leases, { title: `Depot lease ${w.tag}`, endDate: new Date(Date.now() + 10 * DAY) });
    await w.contract(sales, { title: `Harbour supply ${w.tag}`, endDate: new Date(Date.now() + 200 * DAY) });
    await w.contract(sales, { title: `Acme MSA ${w.tag}` });
    await w.rule({ groupId: g, level: "view", repositoryId: sales });
    await w.rule({ groupId: g, level: "edit", repositoryId: leases });

    signInAs("compliance");
    const titles = (page: Awaited<ReturnType<typeof access>>) => page.items.map((i) => i.contract.title.replace(` ${w.tag}`, "")).sort();
    expect((await access(ann, "")).total).toBe(4);
    expect(titles(await access(ann, "q=harbour"))).toEqual(["Harbour lease", "Harbour supply"]);
    expect(titles(await access(ann, `repositoryId=${sales}`))).toEqual(["Acme MSA", "Harbour supply"]);
    expect(titles(await access(ann, "level=edit"))).toEqual(["Depot lease", "Harbour lease"]);
    expect(titles(await access(ann, "endingWithinDays=30"))).toEqual(["Depot lease"]);
    const combined = await access(ann, `q=harbour&repositoryId=${leases}&pageSize=1`);
    expect({ total: combined.total, titles: titles(combined) }).toEqual({ total: 1, titles: ["Harbour lease"] });

    const bad = await GET(new Request(`http://localhost/api/admin/users/${ann}/access?level=owner`), { params: Promise.resolve({ id: ann }) });
    expect(bad.status).toBe(400);
  });
});
