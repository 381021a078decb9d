// Contract admin routes through their real handlers: the dashboard's edit guard travels as
// If-Match (as on /api/v1), not as a body field.
import { describe, expect, it, vi } from "vitest";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { POST as createRepositoryRoute } from "../repositories/route";
import { PATCH as patchContract } from "./[id]/route";
import { POST as createContractRoute } from "./route";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

const { db } = setupTestDatabase();
const { signInAs } = setupRoleAccounts(db);

const req = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  new Request("http://localhost/api/admin/contracts", { method, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
const ctx = (id: string) => ({ params: Promise.resolve({ id }) });

describe("contract routes", () => {
  it("refuse an edit whose If-Match names an older version, accept the current one, and refuse a malformed one", async () => {
    signInAs("admin");
    const repository = await (await createRepositoryRoute(req("POST", { name: unique("repo") }), undefined)).json();
    const created = await createContractRoute(req("POST", { title: "Supply", contractType: "MSA", repositoryId: repository.id }), undefined);
    expect(created.status).toBe(201);
    const contract = await created.json();

    const first = await patchContract(req("PATCH", { title: "Supply v2" }, { "if-match": `"${contract.version}"` }), ctx(contract.id));
    expect(first.status).toBe(200);
    const edited = await first.json();
    expect(edited.version).toBeGreaterThan(contract.version);

    const stale = await patchContract(req("PATCH", { title: "Lost update" }, { "if-match": `W/"${contract.version}"` }), ctx(contract.id));
    expect(stale.status).toBe(409);
    expect((await stale.json()).error.code).toBe("conflict");

    const malformed = await patchContract(req("PATCH", { title: "x" }, { "if-match": "yesterday" }), ctx(contract.id));
    expect(malformed.status).toBe(400);

    // The version no longer rides in the body: the strict schema refuses it as an unknown field.
    const inBody = await patchContract(req("PATCH", { title: "x", expectedVersion: edited.version }), ctx(contract.id));
    expect(inBody.status).toBe(400);
  });
});
