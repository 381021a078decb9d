// A check at a past instant names groups as they were then (issue 15/16 leftover): renames are in
// the audit trail (group.updated, the old name in `before`); after audit retention deleted events
// newer than T the name at T is unknowable and the answer keeps today's name.
import { describe, expect, it } from "vitest";
import { applyAuditRetention } from "@/lib/audit/retention";
import { setupTestDatabase } from "@/lib/testing/database";
import { newWorld } from "@/lib/testing/access-world";
import { checkAccessMany } from "./check-many";
import { checkAccess, type Reason } from "./effective-access";

// Its own database: the last step deletes the whole trail.
const { db } = setupTestDatabase({ empty: true });

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const tick = () => new Promise((r) => setTimeout(r, 15));
const pathNames = (reasons: Reason[]) => reasons.flatMap((r) => (r.via.kind === "group" ? r.via.path.map((h) => h.displayName) : []));

describe("group names in a check at a past instant", () => {
  it("are the names at T, through renames, nesting and deletion; today's after retention removed the renames", async () => {
    const prisma = db().prisma;
    const w = await newWorld();
    const dana = await w.user("dana");
    const inner = await w.group("Disputes", [dana]);
    const outer = await w.group("Legal", [inner]);
    const repository = await w.repository("Leases");
    const contract = await w.contract(repository);
    await w.rule({ groupId: outer, level: "view", repositoryId: repository });
    const name = async (id: string) => (await prisma.group.findUniqueOrThrow({ where: { id } })).displayName;
    const [inner0, outer0] = [await name(inner), await name(outer)];
    const rename = async (id: string, to: string) =>
      expect((await w.scim.patch(`/Groups/${id}`, { schemas: [PATCH], Operations: [{ op: "replace", path: "displayName", value: to }] })).status).toBeLessThan(300);

    await tick();
    const t1 = new Date();
    await tick();
    await rename(inner, `${inner0} & Litigation`);
    await rename(outer, `${outer0} Department`);
    await tick();
    const t2 = new Date();
    await tick();
    await rename(inner, `${inner0} (old)`);

    const check = (at?: Date) => checkAccess(prisma, { userId: dana, contractId: contract, at });
    expect((await check(t1)).allowed).toBe(true);
    expect(pathNames((await check(t1)).reasons)).toEqual([inner0, outer0]);
    expect(pathNames((await check(t2)).reasons)).toEqual([`${inner0} & Litigation`, `${outer0} Department`]);
    expect(pathNames((await check()).reasons)).toEqual([`${inner0} (old)`, `${outer0} Department`]);
    // A batch answers what single checks do.
    const batch = await checkAccessMany(prisma, { pairs: [{ userId: dana, contractId: contract }], at: t1 });
    expect(pathNames(batch.get(`${dana}|${contract}`)!.reasons)).toEqual([inner0, outer0]);

    // Deleted since: the name at T, marked deleted.
    await w.removeGroup(inner);
    const deleted = (await check(t1)).reasons[0];
    expect(deleted.via).toMatchObject({ kind: "group", path: [{ groupId: inner, displayName: inner0, deleted: true }, { groupId: outer, displayName: outer0 }] });

    // Retention deleted the renames after t1: the name at t1 cannot be told; today's (kept) names.
    await prisma.$transaction((tx) => applyAuditRetention(tx, { retentionDays: 0, now: new Date(Date.now() + 86_400_000) }));
    expect(pathNames((await check(t1)).reasons)).toEqual([`${inner0} (old)`, `${outer0} Department`]);
  });
});
