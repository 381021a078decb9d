// Issue 14 item 10: "Verify now" on the audit page through the real route. A full verification is
// a pass over the whole trail that records a row, so one asked for while the last full run is
// fresh (at most 5 minutes old, nothing recorded since) answers that run; otherwise an account
// that started one less than 5 minutes ago is refused 429 with Retry-After; one asked for while a
// run holds the job lock answers 202 with the latest result. The state is in the database (every
// instance sees the same runs) and the check happens under the job's advisory lock.
import { describe, expect, it, vi } from "vitest";
import { runAt } from "@/lib/clock";
import { JOB_LOCK_KEYS } from "@/lib/jobs/maintenance";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { setupTestDatabase } from "@/lib/testing/database";
import { newDirectory } from "@/lib/testing/scim";
import { POST as verifyNow } from "./route";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

// Its own database on PostgreSQL: other test files record events and run verifications too.
const { db } = setupTestDatabase({ empty: true });
const { signInAs } = setupRoleAccounts(db);

const post = () => verifyNow(new Request("http://localhost/api/admin/audit/chain", { method: "POST" }));
const runs = () => db().prisma.auditVerification.count();
const minutes = (n: number) => n * 60_000;

describe("POST /api/admin/audit/chain (verify now)", () => {
  it("answers a fresh full run instead of running again, rate-limits the same account once events were recorded, and runs again after 5 minutes", async () => {
    signInAs("auditor");
    const t0 = new Date(Date.now() + minutes(60));
    await runAt(t0, async () => {
      const first = await post();
      expect(first.status).toBe(200);
      expect(await first.json()).toMatchObject({ outcome: "ran", ok: true, kind: "full" });
    });
    const afterFirst = await runs();

    // Nothing recorded since: the same result, no new pass, no new row.
    await runAt(new Date(t0.getTime() + minutes(2)), async () => {
      for (let i = 0; i < 5; i++) {
        const again = await post();
        expect(again.status).toBe(200);
        expect(await again.json()).toMatchObject({ outcome: "recent", ok: true, kind: "full" });
      }
    });
    expect(await runs()).toBe(afterFirst);

    // New events: the result is stale, but this account's next full pass waits for the interval.
    await runAt(new Date(t0.getTime() + minutes(3)), async () => {
      await newDirectory();
      for (let i = 0; i < 5; i++) {
        const limited = await post();
        expect(limited.status).toBe(429);
        expect((await limited.json()).error.code).toBe("rate_limited");
        const retryAfter = Number(limited.headers.get("retry-after"));
        expect(retryAfter).toBeGreaterThan(60);
        expect(retryAfter).toBeLessThanOrEqual(125);
      }
    });
    expect(await runs()).toBe(afterFirst);

    // Another account is not held back by the first one's runs.
    signInAs("compliance");
    await runAt(new Date(t0.getTime() + minutes(3) + 30_000), async () => {
      const other = await post();
      expect(other.status).toBe(200);
      expect(await other.json()).toMatchObject({ outcome: "ran" });
    });
    expect(await runs()).toBe(afterFirst + 1);
    await runAt(new Date(t0.getTime() + minutes(4)), async () => {
      await newDirectory();
      expect((await post()).status).toBe(429);
    });

    signInAs("auditor");

    await runAt(new Date(t0.getTime() + minutes(5) + 1_000), async () => {
      const later = await post();
      expect(later.status).toBe(200);
      expect(await later.json()).toMatchObject({ outcome: "ran", ok: true });
    });
    expect(await runs()).toBe(afterFirst + 2);
  });

  it("answers 202 with the latest result while another instance holds the verification lock", async () => {
    signInAs("auditor");
    const prisma = db().prisma;
    if (db().kind === "pglite") return; // one connection: nothing can hold the lock meanwhile
    const answer = await prisma.$transaction(async (tx) => {
      await tx.$queryRawUnsafe("SELECT 1 AS ok FROM pg_advisory_xact_lock($1)", JOB_LOCK_KEYS.auditVerification);
      return runAt(new Date(Date.now() + minutes(120)), post);
    });
    expect(answer.status).toBe(202);
    expect(await answer.json()).toMatchObject({ outcome: "running", kind: "full" });
  });
});
