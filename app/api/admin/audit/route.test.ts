// The audit routes through their real handlers and permission checks (only next-auth's session
// lookup, which needs a Next.js request scope, is replaced by the test's choice of account).
import { describe, expect, it, vi } from "vitest";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { newDirectory } from "@/lib/testing/scim";
import { GET as getEvent } from "./[id]/route";
import { GET as exportEvents } from "./export/route";
import { GET as filterOptions } from "./options/route";
import { GET as listEvents } from "./route";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

const { db } = setupTestDatabase();
const { signInAs } = setupRoleAccounts(db);

const get = (path: string) => new Request(`http://localhost${path}`);

describe("audit routes", () => {
  it("find a SCIM user's creation by free text and show its detail; auditors may read and export", async () => {
    const { directory, scim } = await newDirectory("entra");
    const userName = `${unique("jane")}@contoso.example`;
    const created = await scim.post<{ id: string }>("/Users", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName,
      name: { givenName: "Jane", familyName: "Doe" },
    });
    expect(created.status).toBe(201);

    signInAs("auditor");
    const res = await listEvents(get(`/api/admin/audit?q=${encodeURIComponent(userName)}&actorType=directory`), undefined);
    expect(res.status).toBe(200);
    const page = await res.json();
    expect(page.items).toMatchObject([{ action: "user.created", targetType: "User", targetId: created.body.id, targetLabel: userName, directoryId: directory.id }]);

    const detail = await (await getEvent(get("/x"), { params: Promise.resolve({ id: page.items[0].id }) })).json();
    expect(detail).toMatchObject({ action: "user.created", directoryName: directory.name, before: null });
    expect(JSON.stringify(detail.after)).toContain(userName);

    const csv = await exportEvents(get(`/api/admin/audit/export?format=csv&targetId=${created.body.id}`), undefined);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.headers.get("content-disposition")).toMatch(/attachment; filename="custodian-audit-.*\.csv"/);
    const text = await csv.text();
    expect(text.trim().split("\r\n")).toHaveLength(2);
    expect(text).toContain("user.created");

    const jsonExport = await exportEvents(get(`/api/admin/audit/export?format=json&targetId=${created.body.id}`), undefined);
    expect(await jsonExport.json()).toMatchObject({ count: 1, truncated: false, filters: { targetId: created.body.id } });

    const options = await (await filterOptions(get("/x"), undefined)).json();
    expect(options.actions).toContain("user.created");
  });

  it("page with a cursor", async () => {
    signInAs("compliance");
    const first = await (await listEvents(get("/api/admin/audit?limit=2"), undefined)).json();
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBe(first.items[1].seq);
    const second = await (await listEvents(get(`/api/admin/audit?limit=2&cursor=${first.nextCursor}`), undefined)).json();
    expect(BigInt(second.items[0].seq)).toBeLessThan(BigInt(first.items[1].seq));
  });

  it("refuse without sign-in, and answer invalid filters and formats with 400 and the field", async () => {
    signInAs(null);
    expect((await listEvents(get("/api/admin/audit"), undefined)).status).toBe(401);
    expect((await exportEvents(get("/api/admin/audit/export"), undefined)).status).toBe(401);
    signInAs("admin");
    const bad = await listEvents(get("/api/admin/audit?from=yesterday"), undefined);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details[0].path).toBe("from");
    expect((await exportEvents(get("/api/admin/audit/export?format=xml"), undefined)).status).toBe(400);
    expect((await getEvent(get("/x"), { params: Promise.resolve({ id: "missing" }) })).status).toBe(404);
  });
});
