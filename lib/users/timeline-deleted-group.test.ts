// A person's timeline names a deleted group from DeletedGroup, which audit retention does not
// touch (issue 15 leftover: it used to read the group.deleted event's label).
import { describe, expect, it } from "vitest";
import { applyAuditRetention } from "@/lib/audit/retention";
import { setupTestDatabase } from "@/lib/testing/database";
import { newWorld } from "@/lib/testing/access-world";
import { userTimeline } from "./detail-queries";

// Its own database: the test deletes the whole trail.
const { db } = setupTestDatabase({ empty: true });

describe("a person's timeline after audit retention", () => {
  it("still names a deleted group, marked deleted, once the group.deleted event is gone", async () => {
    const prisma = db().prisma;
    const w = await newWorld();
    const carol = await w.user("carol");
    const group = await w.group("Project Falcon", [carol]);
    const name = (await prisma.group.findUniqueOrThrow({ where: { id: group } })).displayName;
    await w.removeGroup(group);
    const retained = await prisma.$transaction((tx) => applyAuditRetention(tx, { retentionDays: 0, now: new Date(Date.now() + 86_400_000) }));
    expect(retained.deleted).toBeGreaterThan(0);
    expect(await prisma.auditEvent.count({ where: { action: "group.deleted", targetId: group } })).toBe(0);

    const timeline = await userTimeline(prisma, { userId: carol });
    const memberships = timeline.items.filter((i) => i.kind !== "event");
    expect(memberships.map((i) => i.kind)).toEqual(["membership.removed", "membership.added"]);
    for (const item of memberships) expect(item.group).toEqual({ id: group, displayName: name, exists: false });
  });
});
