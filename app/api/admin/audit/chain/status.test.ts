// The integrity card's status: after an incremental run it still says when the whole chain was
// last verified (issue 16 item 8).
import { describe, expect, it, vi } from "vitest";
import { runChainVerification } from "@/lib/audit/verification-job";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { setupTestDatabase } from "@/lib/testing/database";
import { newDirectory } from "@/lib/testing/scim";
import { GET as chainStatus } from "./route";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

const { db } = setupTestDatabase();
const { signInAs } = setupRoleAccounts(db);

describe("GET /api/admin/audit/chain", () => {
  it("reports the latest run and the last full verification", async () => {
    await newDirectory("entra");
    const fullAt = new Date();
    await db().prisma.$transaction((tx) => runChainVerification(tx, { now: fullAt, forceFull: true }));
    await newDirectory("okta");
    const incremental = await db().prisma.$transaction((tx) => runChainVerification(tx, { now: new Date(fullAt.getTime() + 60_000) }));
    expect(incremental.kind).toBe("incremental");

    signInAs("auditor");
    const res = await chainStatus(new Request("http://localhost/api/admin/audit/chain"), undefined);
    expect(res.status).toBe(200);
    const status = await res.json();
    expect(status.latest).toMatchObject({ ok: true, kind: "incremental" });
    expect(status.lastFull).toMatchObject({ ok: true, kind: "full", fromPosition: expect.any(String), finishedAt: expect.any(String) });
    expect(BigInt(status.lastFull.toPosition)).toBeLessThanOrEqual(BigInt(status.latest.toPosition));
  });
});
