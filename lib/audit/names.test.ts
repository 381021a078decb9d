// Names stored with audit events (issue 16 item 1) and the whole-trail search (item 9), on the real
// services, the real SCIM handlers and the real database.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { recordAuditEvent } from "@/lib/audit/record";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { newWorld } from "@/lib/testing/access-world";
import { eventNameOf, getAuditEvent, listAuditEvents, SEARCH_VECTOR_SQL } from "./queries";
import { verifyAuditChain } from "./verify";
import { DELETED_GROUP_MARK, type AuditNames } from "./names";
import { userTimeline } from "@/lib/users/detail-queries";

const { db } = setupTestDatabase();

const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

async function eventOf(prisma: PrismaClient, where: { action: string; targetId?: string }) {
  return prisma.auditEvent.findFirstOrThrow({ where, orderBy: { seq: "desc" } });
}

/** A rule.created event as an older release wrote it: no names column set. */
async function olderRuleEvent(prisma: PrismaClient, label: string, after: object): Promise<string> {
  const id = randomUUID();
  await prisma.$executeRawUnsafe(
    `INSERT INTO "AuditEvent" (id, "actorType", action, "targetType", "targetId", "targetLabel", after)
     VALUES ($1, 'admin', 'rule.created', 'AccessRule', $2, $3, $4::jsonb)`,
    id,
    randomUUID(),
    label,
    JSON.stringify(after),
  );
  return id;
}

describe("names stored with audit events", () => {
  it("keep the names as they were: a later rename does not change history", async () => {
    const prisma = db().prisma;
    const w = await newWorld();
    const alice = await w.user("alice");
    const group = await w.group("Legal – Commercial", [alice]);
    const repository = await w.repository("Employment");
    const contract = await w.contract(repository, { title: unique("Harbour lease") });
    const rule = await w.rule({ groupId: group, level: "edit", repositoryId: repository });
    const groupName = (await prisma.group.findUniqueOrThrow({ where: { id: group } })).displayName;
    const repositoryName = (await prisma.repository.findUniqueOrThrow({ where: { id: repository } })).name;
    const userName = (await prisma.user.findUniqueOrThrow({ where: { id: alice } })).userName;

    const created = await eventOf(prisma, { action: "rule.created", targetId: rule });
    expect(created.names).toMatchObject({ Group: { [group]: groupName }, Repository: { [repository]: repositoryName } });
    // The access it granted names the person, the repository and the cause's group.
    const granted = await eventOf(prisma, { action: "access.granted", targetId: alice });
    expect(granted.names).toMatchObject({ User: { [alice]: userName }, Repository: { [repository]: repositoryName } });
    const membership = await eventOf(prisma, { action: "group.created", targetId: group });
    expect(membership.names).toMatchObject({ Group: { [group]: groupName }, User: { [alice]: userName }, Directory: { [w.directory.id]: w.directory.name } });
    const contractEvent = await eventOf(prisma, { action: "contract.created", targetId: contract });
    expect(Object.values((contractEvent.names as AuditNames).Contract ?? {})[0]).toMatch(/^Harbour lease/);

    // Renamed over SCIM: the old events keep the old name, the rename's event the new one.
    const renamed = unique("Legal – Commercial & Disputes");
    const res = await w.scim.patch(`/Groups/${group}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: "replace", path: "displayName", value: renamed }] });
    expect(res.status).toBeLessThan(300);
    expect((await eventOf(prisma, { action: "rule.created", targetId: rule })).names).toMatchObject({ Group: { [group]: groupName } });
    const detail = await getAuditEvent(prisma, created.id);
    expect(detail.names?.Group?.[group]).toBe(groupName);
    const update = await eventOf(prisma, { action: "group.updated", targetId: group });
    expect(update.names).toMatchObject({ Group: { [group]: renamed } });

    // Names other than people's are hashed: the chain verifies, and no one may edit them.
    expect((await verifyAuditChain(prisma)).ok).toBe(true);
    await expect(
      prisma.$executeRawUnsafe(`UPDATE "AuditEvent" SET names = jsonb_set(names, '{Group}', '{}'::jsonb) WHERE id = $1`, created.id),
    ).rejects.toThrow(/append-only/);
    // Not even inside an erasure: it may only take people's names away.
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SELECT set_config('custodian.audit_erasure', $1, true)`, randomUUID());
        await tx.$executeRawUnsafe(`UPDATE "AuditEvent" SET names = jsonb_set(names, '{Group}', '{}'::jsonb) WHERE id = $1`, membership.id);
      }),
    ).rejects.toThrow(/append-only/);
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SELECT set_config('custodian.audit_erasure', $1, true)`, randomUUID());
        await tx.$executeRawUnsafe(`UPDATE "AuditEvent" SET names = jsonb_set(names, '{User}', '{"x": "Mallory"}'::jsonb) WHERE id = $1`, membership.id);
      }),
    ).rejects.toThrow(/append-only/);
  });

  it("events written before names were stored fall back to today's name, or none for a record that is gone", async () => {
    const prisma = db().prisma;
    const w = await newWorld();
    const group = await w.group("Facilities");
    const gone = randomUUID();
    const id = await olderRuleEvent(prisma, `view for group ${group} on repository ${gone}`, { groupId: group, repositoryId: gone });
    const detail = await getAuditEvent(prisma, id);
    expect(detail.names).toBeNull();
    const name = (await prisma.group.findUniqueOrThrow({ where: { id: group } })).displayName;
    expect(detail.currentNames).toEqual({ Group: { [group]: name } });
    const page = await listAuditEvents(prisma, { targetId: detail.targetId! });
    expect(page.items).toHaveLength(1);
    expect(page.currentNames).toEqual({ Group: { [group]: name } });
  });
});

describe("events older than stored names that name a group since deleted (issue 15/16 leftover)", () => {
  it("show the group's kept name (DeletedGroup), marked deleted, not (unknown)", async () => {
    const prisma = db().prisma;
    const w = await newWorld();
    const group = await w.group("Harbour Disputes");
    const name = (await prisma.group.findUniqueOrThrow({ where: { id: group } })).displayName;
    const id = await olderRuleEvent(prisma, `view for group ${group}`, { groupId: group });
    await w.removeGroup(group);
    const detail = await getAuditEvent(prisma, id);
    expect(detail.names).toBeNull();
    expect(detail.currentNames).toEqual({ Group: { [group]: `${name}${DELETED_GROUP_MARK}` } });
    expect(eventNameOf(detail.names, detail.currentNames, group)).toBe(`${name} (deleted group)`);
    const page = await listAuditEvents(prisma, { targetId: detail.targetId! });
    expect(page.currentNames).toEqual({ Group: { [group]: `${name}${DELETED_GROUP_MARK}` } });
  });
});

describe("a person's timeline names the causes of access changes (issue 16 item 2)", () => {
  it("membership of a group, and a rule, by name", async () => {
    const prisma = db().prisma;
    const w = await newWorld();
    const bob = await w.user("bob");
    const legal = await w.group("Legal – Commercial");
    const repository = await w.repository("Employment");
    await w.contract(repository);
    await w.rule({ groupId: legal, level: "edit", repositoryId: repository });
    await w.addMembers(legal, [bob]);
    const facilities = await w.group("Facilities", [bob]);
    const leases = await w.repository("Leases");
    await w.contract(leases);
    await w.rule({ groupId: facilities, level: "view", repositoryId: leases });
    const [legalName, facilitiesName, employment, leasesName] = await Promise.all([
      prisma.group.findUniqueOrThrow({ where: { id: legal } }).then((g) => g.displayName),
      prisma.group.findUniqueOrThrow({ where: { id: facilities } }).then((g) => g.displayName),
      prisma.repository.findUniqueOrThrow({ where: { id: repository } }).then((r) => r.name),
      prisma.repository.findUniqueOrThrow({ where: { id: leases } }).then((r) => r.name),
    ]);
    const timeline = await userTimeline(prisma, { userId: bob });
    const granted = timeline.items.filter((i) => i.action === "access.granted");
    expect(granted).toHaveLength(2);
    const byMembership = granted.find((i) => (i.after as { cause: { kind: string } }).cause.kind === "membership.added")!;
    expect((byMembership.after as { cause: { groupId: string } }).cause.groupId).toBe(legal);
    expect(byMembership.names).toMatchObject({ Group: { [legal]: legalName } });
    const byRule = granted.find((i) => (i.after as { cause: { kind: string } }).cause.kind === "rule.created")!;
    const ruleId = (byRule.after as { cause: { subjects: { id: string }[] } }).cause.subjects[0].id;
    const ruleName = (await prisma.accessRuleVersion.findFirstOrThrow({ where: { ruleId }, orderBy: { version: "desc" } })).name;
    expect(byRule.names?.AccessRule?.[ruleId]).toBe(ruleName);
    // The rule event itself names the rule, its group and its repository.
    const ruleEvent = await eventOf(prisma, { action: "rule.created", targetId: ruleId });
    expect(ruleEvent.names).toMatchObject({ AccessRule: { [ruleId]: ruleName }, Group: { [facilities]: facilitiesName }, Repository: { [leases]: leasesName } });
    expect(employment).toBeTruthy();
  });
});

describe("whole-trail search", () => {
  it("finds events beyond the first page and the scan window, pages the matches in the database, and says how long it took", async () => {
    const prisma = db().prisma;
    const needle = unique("Pelican");
    const actor = unique("searcher");
    const record = (i: number, after: object) =>
      prisma.$transaction((tx) =>
        recordAuditEvent(tx, {
          actor: { type: "admin", id: actor, label: `${actor}@example.com` },
          action: "repository.updated",
          target: { type: "Thing", id: `${actor}-${i}`, label: `Thing ${i}` },
          after,
        }),
      );
    // 25 matches among the oldest, then 120 newer events that do not match.
    for (let i = 0; i < 25; i++) await record(i, { note: `${needle} Holdings Ltd`, i });
    for (let i = 25; i < 145; i++) await record(i, { note: "hay", i });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      // A scan window smaller than the newer events: the search does not use it.
      const page = await listAuditEvents(prisma, { q: needle.toUpperCase(), limit: 10, cursor }, { scanWindow: 5 });
      expect(page.tookMs).toBeGreaterThanOrEqual(0);
      expect(page.scannedDownTo).toBeNull();
      seen.push(...page.items.map((e) => e.targetLabel!));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(25);
    expect(seen[0]).toBe("Thing 24");
    // Words in order, each a prefix; punctuation separates words ("example.com", an e-mail's parts).
    expect((await listAuditEvents(prisma, { q: `${needle} hold` })).items.length).toBeGreaterThan(0);
    expect((await listAuditEvents(prisma, { q: `hold ${needle}` })).items).toHaveLength(0);
    expect((await listAuditEvents(prisma, { q: `${actor}@example.com`, limit: 200 })).items).toHaveLength(145);
    expect((await listAuditEvents(prisma, { q: "%" })).items).toHaveLength(0);
  });

  it("finds an event by a name stored with it (a group's name the event otherwise holds only by id)", async () => {
    const prisma = db().prisma;
    const w = await newWorld();
    const group = await w.group(unique("Quokka"));
    const repository = await w.repository("Leases");
    const rule = await w.rule({ groupId: group, level: "view", repositoryId: repository });
    const name = (await prisma.group.findUniqueOrThrow({ where: { id: group } })).displayName;
    const hits = await listAuditEvents(prisma, { q: name, action: "rule.created" });
    expect(hits.items.map((e) => e.targetId)).toEqual([rule]);
  });

  it("the search condition is answered from the full-text index (EXPLAIN)", async () => {
    const prisma = db().prisma;
    const plan = await prisma.$transaction(async (tx) => {
      // Small test tables favour a sequential scan; with it off, the plan shows the index is usable
      // for the query's exact expression (a mismatch would fall back to a filter on every row).
      await tx.$executeRawUnsafe(`SET LOCAL enable_seqscan = off`);
      const rows = await tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
        `EXPLAIN SELECT id FROM "AuditEvent" WHERE ${SEARCH_VECTOR_SQL} @@ "audit_search_query"($1) ORDER BY "seq" DESC LIMIT 51`,
        "pelican holdings",
      );
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    expect(plan).toContain("AuditEvent_search_idx");
  });
});
