// A date-only end date is an inclusive calendar day in ACCESS_TIME_ZONE (README "Dates and time
// zones"): access runs through 23:59:59 of that day in the zone and ends at the next day's 00:00.
import { afterEach, describe, expect, it } from "vitest";
import { runAt } from "@/lib/clock";
import { checkAccess } from "@/lib/access/effective-access";
import { atInput } from "@/lib/access/instant";
import { windowInput } from "@/lib/evidence/window";
import { migrate, readMigrations } from "@/lib/db/migrate";
import { freshDatabase, setupTestDatabase } from "@/lib/testing/database";
import { newWorld } from "@/lib/testing/access-world";
import { withEnv } from "@/lib/testing/env";
import { getContract, listContractRevisions } from "./queries";
import { importContractsCsv } from "./csv-import";
import { updateContract } from "./service";

setupTestDatabase();

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

/** A world built in the past (writes stamped 1 March 2025) whose contract ends on `endDate`. */
async function worldEnding(endDate: string) {
  return runAt(new Date("2025-03-01T09:00:00Z"), async () => {
    const w = await newWorld();
    const ann = await w.user("ann");
    const g = await w.group("legal", [ann]);
    const repo = await w.repository("leases");
    const contract = await w.contract(repo);
    await w.changeContract(contract, { endDate });
    await w.rule({ groupId: g, level: "view", repositoryId: repo });
    return { w, ann, contract };
  });
}

const allowedAt = async (w: Awaited<ReturnType<typeof newWorld>>, userId: string, contractId: string, at: string) =>
  (await checkAccess(w.prisma, { userId, contractId, at: new Date(at) })).allowed;

describe("end dates are inclusive calendar dates", () => {
  it("UTC (default): allowed at 23:59:59 on the end date, denied at 00:00 the next day", async () => {
    const { w, ann, contract } = await worldEnding("2025-03-31");
    expect(await allowedAt(w, ann, contract, "2025-03-31T00:00:00Z")).toBe(true);
    expect(await allowedAt(w, ann, contract, "2025-03-31T23:59:59.999Z")).toBe(true);
    expect(await allowedAt(w, ann, contract, "2025-04-01T00:00:00Z")).toBe(false);
    const check = await checkAccess(w.prisma, { userId: ann, contractId: contract, at: new Date("2025-04-01T00:00:00Z") });
    expect(check.denial).toContainEqual({ code: "contract_ended", endedAt: new Date("2025-04-01T00:00:00Z") });
    // The date comes back as written, the instant access ends beside it.
    expect(await getContract(w.prisma, { ref: contract })).toMatchObject({ endDate: "2025-03-31", accessEndsAt: "2025-04-01T00:00:00.000Z" });
    expect((await listContractRevisions(w.prisma, { contractId: contract })).at(-1)).toMatchObject({ endDate: "2025-03-31" });
  });

  it("a non-UTC zone: 23:59 on 31 March in Berlin (CEST, +2) allowed, 1 April 00:00 there denied", async () => {
    restore = withEnv({ ACCESS_TIME_ZONE: "Europe/Berlin" });
    const { w, ann, contract } = await worldEnding("2025-03-31");
    expect(await allowedAt(w, ann, contract, "2025-03-31T21:59:59Z")).toBe(true); // 23:59:59 in Berlin
    expect(await allowedAt(w, ann, contract, "2025-03-31T22:00:00Z")).toBe(false); // 00:00 on 1 April in Berlin
    expect(await allowedAt(w, ann, contract, "2025-03-31T23:30:00Z")).toBe(false); // still 31 March in UTC
    expect(await getContract(w.prisma, { ref: contract })).toMatchObject({ endDate: "2025-03-31", accessEndsAt: "2025-03-31T22:00:00.000Z" });
    // A date-only `at` (and evidence window dates) is the start of that day in the zone too.
    expect(atInput.parse("2025-03-31").toISOString()).toBe("2025-03-30T22:00:00.000Z");
    expect(windowInput.parse({ from: "2025-01-01", to: "2025-04-01" })).toEqual({ from: new Date("2024-12-31T23:00:00Z"), to: new Date("2025-03-31T22:00:00Z") });
  });

  it("an instant stays an instant (exclusive), and the CSV import reads dates as days too", async () => {
    const { w, ann, contract } = await worldEnding("2025-03-31T12:00:00Z");
    expect(await allowedAt(w, ann, contract, "2025-03-31T11:59:59Z")).toBe(true);
    expect(await allowedAt(w, ann, contract, "2025-03-31T12:00:00Z")).toBe(false);
    expect(await getContract(w.prisma, { ref: contract })).toMatchObject({ endDate: "2025-03-31T12:00:00.000Z", accessEndsAt: "2025-03-31T12:00:00.000Z" });

    restore = withEnv({ ACCESS_TIME_ZONE: "America/New_York" });
    const repo = (await getContract(w.prisma, { ref: contract })).repository;
    const ref = `CSV-${w.tag}`;
    const result = await importContractsCsv(w.prisma, {
      csv: `externalRef,title,contractType,repository,effectiveDate,endDate\n${ref},Lease,Lease,${repo.name},2025-01-01,2025-12-31\n`,
      actor: { type: "admin", id: "t", label: "t" },
    });
    expect(result).toMatchObject({ created: 1 });
    expect(await getContract(w.prisma, { ref })).toMatchObject({
      effectiveDate: "2025-01-01",
      endDate: "2025-12-31",
      accessEndsAt: "2026-01-01T05:00:00.000Z",
    });
  });

  it("an edit that leaves the end date alone keeps it; an edit to a day makes it a day", async () => {
    const { w, contract } = await worldEnding("2025-03-31T12:00:00Z");
    await updateContract(w.prisma, { id: contract, input: { title: "Renamed lease" }, actor: { type: "admin", id: "t", label: "t" } });
    expect(await getContract(w.prisma, { ref: contract })).toMatchObject({ endDate: "2025-03-31T12:00:00.000Z" });
    await updateContract(w.prisma, { id: contract, input: { endDate: "2025-04-30" }, actor: { type: "admin", id: "t", label: "t" } });
    expect(await getContract(w.prisma, { ref: contract })).toMatchObject({ endDate: "2025-04-30", accessEndsAt: "2025-05-01T00:00:00.000Z" });
    const events = await w.prisma.auditEvent.findMany({ where: { targetId: contract, action: "contract.updated" }, orderBy: { seq: "asc" } });
    expect(events.at(-1)!.after).toMatchObject({ endDate: "2025-04-30" });
  });
});

describe("the migration", () => {
  it("keeps every past answer: ended end dates keep their instant; running ones become inclusive days", async () => {
    const { db, dispose } = await freshDatabase();
    try {
      const all = readMigrations();
      const at = all.findIndex((m) => m.name === "20261207110000_inclusive_end_dates");
      expect(at).toBeGreaterThan(0);
      await db.withSession((s) => migrate(s, all.slice(0, at)));
      const q = db.prisma;
      const DAY = 86_400_000;
      const midnight = (days: number) => new Date(Math.floor(Date.now() / DAY) * DAY + days * DAY);
      await q.$executeRawUnsafe(`INSERT INTO "Repository" (id, name) VALUES ('r', 'migrated')`);
      // Old data: date-only inputs were stored as 00:00 UTC; instants as given.
      const contracts: [string, Date | null, Date | null][] = [
        ["ended", midnight(-30), midnight(-400)],
        ["endedInstant", new Date(midnight(-10).getTime() + 3_600_000), null],
        ["running", midnight(30), midnight(-100)],
        ["runningInstant", new Date(midnight(30).getTime() + 3_600_000), null],
        ["open", null, null],
      ];
      for (const [id, end, effective] of contracts) {
        await q.$executeRawUnsafe(`INSERT INTO "Contract" (id, "repositoryId", title, "contractType", "endDate", "effectiveDate") VALUES ($1, 'r', $1, 'NDA', $2, $3)`, id, end, effective);
        // A closed revision (a year ago, no end date) and the current one.
        await q.$executeRawUnsafe(
          `INSERT INTO "ContractRevision" (id, "contractId", "repositoryId", "contractType", confidentiality, "endDate", "validFrom", "validTo")
           VALUES ($1 || '-0', $1, 'r', 'NDA', 1, NULL, $2, $3), ($1 || '-1', $1, 'r', 'NDA', 1, $4, $3, NULL)`,
          id, midnight(-800), midnight(-365), end,
        );
      }
      // "Had the contract ended at T?" as the engine asks it: the revision valid at T, T < endDate.
      const instants = [-800, -500, -365, -100, -31, -30.5, -30, -29.9, -11, -10, -9.9, -1, -0.01].map((d) => new Date(Date.now() + d * DAY));
      const ended = async () => {
        const out: string[] = [];
        for (const t of instants) {
          const rows = await q.$queryRawUnsafe<{ id: string }[]>(
            `SELECT "contractId" AS id FROM "ContractRevision"
              WHERE "validFrom" <= $1 AND ("validTo" IS NULL OR "validTo" > $1) AND "endDate" IS NOT NULL AND "endDate" <= $1
              ORDER BY 1`,
            t,
          );
          out.push(`${t.toISOString()}: ${rows.map((r) => r.id).join(",")}`);
        }
        return out;
      };
      const before = await ended();
      expect(before.some((line) => line.includes("ended"))).toBe(true);
      await db.withSession((s) => migrate(s, all));
      expect(await ended()).toEqual(before);

      const after = await q.contract.findMany({ select: { id: true, endDate: true, endDay: true, effectiveDay: true }, orderBy: { id: "asc" } });
      const byId = new Map(after.map((c) => [c.id, c]));
      // Past: the instant stays, no day (answered as the instant it ended).
      expect(byId.get("ended")).toMatchObject({ endDate: midnight(-30), endDay: null, effectiveDay: midnight(-400) });
      expect(byId.get("endedInstant")).toMatchObject({ endDay: null });
      // Running, date-only: through that day (UTC), the day recorded — on the current revision too.
      expect(byId.get("running")).toMatchObject({ endDate: midnight(31), endDay: midnight(30) });
      expect(await q.contractRevision.findUnique({ where: { id: "running-1" } })).toMatchObject({ endDate: midnight(31), endDay: midnight(30) });
      expect(byId.get("runningInstant")).toMatchObject({ endDate: new Date(midnight(30).getTime() + 3_600_000), endDay: null });
      expect(byId.get("open")).toMatchObject({ endDate: null, endDay: null });
    } finally {
      await dispose();
    }
  }, 300_000);
});
