// The dashboard's access reads (issue 15, "Answers an auditor accepts"): the single check says why
// not, and every read that takes `at` refuses a future one (400 naming `at`), sharing the v1 rule.
import { describe, expect, it, vi } from "vitest";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { setupTestDatabase } from "@/lib/testing/database";
import { newWorld } from "@/lib/testing/access-world";
import { denialSentence } from "@/lib/access/denial-text";
import { GET as review } from "./route";
import { GET as check } from "./check/route";
import { GET as exportAccess } from "./export/route";
import { GET as personAccess } from "../users/[id]/access/route";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

const { db } = setupTestDatabase();
const { signInAs } = setupRoleAccounts(db);

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
async function get(handler: Handler, path: string, params: Record<string, string> = {}) {
  const res = await handler(new Request(`http://localhost${path}`), { params: Promise.resolve(params) });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

describe("GET /api/admin/access/check", () => {
  it("says why not, in words the dashboard shows: deactivated since when, the contract ended", async () => {
    const w = await newWorld();
    const ann = await w.user("ann");
    const g = await w.group("legal", [ann]);
    const repo = await w.repository("leases");
    const lease = await w.contract(repo, { title: `Harbour lease ${w.tag}`, endDate: new Date("2026-01-31T00:00:00Z") });
    const open = await w.contract(repo, { title: `Depot lease ${w.tag}` });
    await w.rule({ groupId: g, level: "edit", repositoryId: repo });
    signInAs("compliance");

    const allowed = await get(check, `/api/admin/access/check?userId=${ann}&contractId=${open}`);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({ allowed: true, level: "edit", denial: [] });

    await w.setActive(ann, false);
    const denied = await get(check, `/api/admin/access/check?userId=${ann}&contractId=${lease}`);
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({ allowed: false, level: null, reasons: [] });
    expect(denied.body.denial.map((d: { code: string }) => d.code)).toEqual(["user_inactive", "contract_ended"]);
    const since = denied.body.denial[0].since as string;
    expect(denialSentence(denied.body.denial, { locale: "en-GB", timeZone: "UTC" })).toBe(
      `Not allowed: deactivated since ${new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(new Date(since))}; the contract ended on 31 Jan 2026`,
    );

    expect((await get(check, `/api/admin/access/check?userId=${ann}&contractId=missing`)).status).toBe(404);
    signInAs("auditor");
    expect((await get(check, `/api/admin/access/check?userId=${ann}&contractId=${open}`)).status).toBe(200);
  });
});

describe("a future `at` on the dashboard's access reads", () => {
  it("is 400 naming `at` on the review, the single check, the export and a person's access; a minute of skew passes", async () => {
    const w = await newWorld();
    const ann = await w.user("ann");
    const repo = await w.repository("leases");
    const lease = await w.contract(repo, { title: `Harbour lease ${w.tag}` });
    signInAs("admin");
    const future = encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString());
    const skewed = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    const reads: [string, (at: string) => ReturnType<typeof get>][] = [
      ["review", (at) => get(review, `/api/admin/access?subject=contract&id=${lease}&at=${at}`)],
      ["check", (at) => get(check, `/api/admin/access/check?userId=${ann}&contractId=${lease}&at=${at}`)],
      ["export", (at) => get(exportAccess, `/api/admin/access/export?subject=user&id=${ann}&format=json&at=${at}`)],
      ["person", (at) => get(personAccess, `/api/admin/users/${ann}/access?at=${at}`, { id: ann })],
    ];
    for (const [name, read] of reads) {
      const refused = await read(future);
      expect({ name, status: refused.status }).toEqual({ name, status: 400 });
      expect(refused.body.error).toMatchObject({ code: "invalid_input", message: expect.stringMatching(/^at .* is in the future/), details: [{ path: "at" }] });
      expect({ name, status: (await read(skewed)).status }).toEqual({ name, status: 200 });
    }
  });
});
