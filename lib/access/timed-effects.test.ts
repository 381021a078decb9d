import { describe, expect, it } from "vitest";
import { runAt } from "@/lib/clock";
import { getPrisma } from "@/lib/db/client";
import { runMaintenanceOnce } from "@/lib/jobs/maintenance";
import { setupTestDatabase } from "@/lib/testing/database";
import { checkAccess } from "./effective-access";
import { processTimedEffects, processTimedEffectsInTx } from "./timed-effects";
import { admin, newWorld, sleep } from "@/lib/testing/access-world";
import { createExclusion, liftExclusion } from "@/lib/exclusions/service";

const { db } = setupTestDatabase();

async function timedEvents(userId: string) {
  const prisma = await getPrisma();
  const rows = await prisma.auditEvent.findMany({
    where: { action: { in: ["access.granted", "access.revoked"] }, targetId: userId },
    orderBy: { seq: "asc" },
  });
  return rows
    .map((r) => ({
      action: r.action,
      before: r.before,
      after: r.after as Record<string, unknown> & { cause: { kind: string; eventId?: string } },
    }))
    .filter((e) => ["rule.expiry", "contract.end", "rule.start", "exclusion.end", "timed"].includes(e.after.cause.kind));
}

describe("timed effects", () => {
  it("records rule expiry, contract end and rule start exactly once, even when two runs race", async () => {
    // The world is built on a clock set 5 minutes back, with the due times a minute after that:
    // they are in the future while it is built (however slow the machine) and past afterwards.
    const base = Date.now() - 300_000;
    const until = new Date(base + 60_000);
    const startAt = new Date(base + 61_000);
    const endAt = new Date(base + 62_000);
    const { w, zoe, expiringRule, endingContract, expiring, starting, ending } = await runAt(
      new Date(base),
      async () => {
        const w = await newWorld();
        const zoe = await w.user("zoe");
        const g = await w.group("g", [zoe]);

        const expiring = await w.repository("expiring");
        await w.contract(expiring);
        await w.contract(expiring);
        const expiringRule = await w.rule({
          groupId: g,
          level: "view",
          repositoryId: expiring,
          validUntil: until,
        });

        const ending = await w.repository("ending");
        const endingContract = await w.contract(ending, { endDate: endAt });
        await w.contract(ending);
        await w.rule({ groupId: g, level: "edit", repositoryId: ending });

        const starting = await w.repository("starting");
        await w.contract(starting);
        await w.rule({ groupId: g, level: "comment", repositoryId: starting, validFrom: startAt });

        expect(await timedEvents(zoe)).toEqual([]);
        return { w, zoe, expiringRule, endingContract, expiring, starting, ending };
      },
    );
    // Access already follows the clock, before any job ran.
    expect((await checkAccess(w.prisma, { userId: zoe, contractId: endingContract })).allowed).toBe(false);

    const now = new Date();
    // Two instances at once, each in its own transaction (on PGlite they take turns).
    await Promise.all([processTimedEffects(w.prisma, { now }), processTimedEffects(w.prisma, { now })]);
    await processTimedEffects(w.prisma, { now: new Date() });

    const events = await timedEvents(zoe);
    const ruleEvent = await w.prisma.auditEvent.findFirstOrThrow({
      where: { action: "rule.created", targetId: expiringRule },
    });
    const contractEvent = await w.prisma.auditEvent.findFirstOrThrow({
      where: { action: "contract.created", targetId: endingContract },
    });
    expect(events).toEqual([
      {
        action: "access.revoked",
        before: { contracts: 2, level: "view" },
        after: expect.objectContaining({
          repositoryId: expiring,
          contracts: 0,
          level: null,
          effectiveAt: until.toISOString(),
          cause: expect.objectContaining({ kind: "rule.expiry", eventId: ruleEvent.id }),
        }),
      },
      {
        action: "access.granted",
        before: { contracts: 0, level: null },
        after: expect.objectContaining({
          repositoryId: starting,
          contracts: 1,
          level: "comment",
          effectiveAt: startAt.toISOString(),
        }),
      },
      {
        action: "access.revoked",
        before: { contracts: 2, level: "edit" },
        after: expect.objectContaining({
          repositoryId: ending,
          contracts: 1,
          level: "edit",
          effectiveAt: endAt.toISOString(),
          cause: expect.objectContaining({ kind: "contract.end", eventId: contractEvent.id }),
        }),
      },
    ]);
    const claims = await w.prisma.timedEffect.findMany({
      where: { subjectId: { in: [expiringRule, endingContract] } },
    });
    expect(claims.map((c) => [c.kind, c.dueAt.toISOString(), c.eventCount]).sort()).toEqual([
      ["contract.end", endAt.toISOString(), 1],
      ["rule.expiry", until.toISOString(), 1],
    ]);
  });

  it("records access.granted when a time-limited exclusion reaches its end, once; a lifted one is not (issue 19 item 4)", async () => {
    const base = Date.now() - 300_000;
    const until = new Date(base + 60_000);
    const { w, ida, repo, c2, timed, lifted } = await runAt(new Date(base), async () => {
      const w = await newWorld();
      const [ida, joe] = [await w.user("ida"), await w.user("joe")];
      const g = await w.group("g", [ida, joe]);
      const repo = await w.repository("excluded-for-a-while");
      await w.contract(repo);
      const c2 = await w.contract(repo);
      await w.rule({ groupId: g, level: "view", repositoryId: repo });
      const timed = await createExclusion(w.prisma, { input: { userId: ida, repositoryId: repo, reason: "Ethical wall until the deal closes", validUntil: until.toISOString() }, actor: admin });
      const lifted = await createExclusion(w.prisma, { input: { userId: joe, contractId: c2, reason: "Ethical wall on one contract", validUntil: until.toISOString() }, actor: admin });
      await liftExclusion(w.prisma, { id: lifted.id, input: { justification: "Deal closed early" }, actor: admin });
      return { w, ida, joe, repo, c2, timed, lifted };
    });
    expect((await checkAccess(w.prisma, { userId: ida, contractId: c2 })).allowed).toBe(true);
    const now = new Date();
    await Promise.all([processTimedEffects(w.prisma, { now }), processTimedEffects(w.prisma, { now })]);
    await processTimedEffects(w.prisma, { now: new Date() });
    const created = await w.prisma.auditEvent.findFirstOrThrow({ where: { action: "exclusion.created", targetId: timed.id } });
    expect(await timedEvents(ida)).toEqual([
      {
        action: "access.granted",
        before: { contracts: 0, level: null },
        after: expect.objectContaining({
          repositoryId: repo,
          contracts: 2,
          level: "view",
          effectiveAt: until.toISOString(),
          cause: expect.objectContaining({ kind: "exclusion.end", eventId: created.id }),
        }),
      },
    ]);
    expect(await w.prisma.timedEffect.count({ where: { subjectId: timed.id } })).toBe(1);
    // The lift recorded its own change when it happened: nothing timed for it.
    expect(await w.prisma.timedEffect.count({ where: { subjectId: lifted.id } })).toBe(0);
  });

  it("runs from the maintenance job, once across concurrent instances", async () => {
    // Built on a clock 5 minutes back with the rule expiring a minute later: past once built.
    const base = Date.now() - 300_000;
    const until = new Date(base + 60_000);
    const { w, amy, ruleId } = await runAt(new Date(base), async () => {
      const w = await newWorld();
      const amy = await w.user("amy");
      const g = await w.group("g", [amy]);
      const repo = await w.repository("maintained");
      await w.contract(repo);
      const ruleId = await w.rule({ groupId: g, level: "view", repositoryId: repo, validUntil: until });
      return { w, amy, ruleId };
    });
    const prisma = db().prisma;
    await Promise.all([runMaintenanceOnce(prisma), runMaintenanceOnce(prisma)]);
    await runMaintenanceOnce(prisma);
    const events = await timedEvents(amy);
    expect(events.map((e) => [e.action, e.after.cause.kind])).toEqual([["access.revoked", "rule.expiry"]]);
    expect(await w.prisma.timedEffect.count({ where: { subjectId: ruleId } })).toBe(1);
  });

  it("does not record a change that was already recorded synchronously", async () => {
    const w = await newWorld();
    const bea = await w.user("bea");
    const g = await w.group("g", [bea]);
    const repo = await w.repository("retro");
    const contract = await w.contract(repo);
    await w.rule({ groupId: g, level: "view", repositoryId: repo });
    // The contract system reports an end date in the past: the change itself is the cause.
    await w.changeContract(contract, { endDate: new Date(Date.now() - 60_000).toISOString() });
    await processTimedEffects(w.prisma, { now: new Date() });
    expect(await timedEvents(bea)).toEqual([]);
    expect(await w.prisma.timedEffect.count({ where: { subjectId: contract } })).toBe(0);
  });

  it("a run racing another waits for its claim and then records nothing (PostgreSQL)", async () => {
    if (db().kind !== "postgres") return; // PGlite is one connection: transactions cannot overlap
    const base = Date.now() - 300_000;
    const until = new Date(base + 60_000);
    const { cy, ruleId } = await runAt(new Date(base), async () => {
      const w = await newWorld();
      const cy = await w.user("cy");
      const g = await w.group("g", [cy]);
      const repo = await w.repository("race");
      await w.contract(repo);
      return { cy, ruleId: await w.rule({ groupId: g, level: "view", repositoryId: repo, validUntil: until }) };
    });
    const now = new Date();
    const prisma = db().prisma;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstClaimed = false;
    const first = prisma.$transaction(
      async (tx) => {
        const result = await processTimedEffectsInTx(tx, { now });
        firstClaimed = true;
        await held; // keep the claims uncommitted while the second run starts
        return result;
      },
      { timeout: 60_000 },
    );
    while (!firstClaimed) await sleep(10);
    let secondDone = false;
    const second = processTimedEffects(prisma, { now }).then((r) => {
      secondDone = true;
      return r;
    });
    await sleep(300);
    expect(secondDone).toBe(false); // blocked on the first run's uncommitted claim
    release();
    await first;
    await second;
    expect((await timedEvents(cy)).map((e) => e.action)).toEqual(["access.revoked"]);
    expect(await prisma.timedEffect.count({ where: { subjectId: ruleId } })).toBe(1);
  });
});
