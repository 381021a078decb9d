import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/lib/testing/database";
import { eventTypesOf } from "@/lib/webhooks/events";
import { AUDIT_ACTIONS, WEBHOOK_SOURCE_ACTIONS, type AuditAction } from "./actions";

const { db } = setupTestDatabase();

/** The actions the outbox trigger enqueues, read from the migrated database's function. */
async function triggerActions(): Promise<string[]> {
  const [row] = await db().prisma.$queryRawUnsafe<{ def: string }[]>(
    `SELECT pg_get_functiondef('"webhook_outbox_enqueue"'::regproc) AS def`,
  );
  const list = /"action"\s+IN\s*\(([^)]*)\)/i.exec(row.def);
  expect(list, "the trigger function filters on action IN (...)").not.toBeNull();
  return [...list![1].matchAll(/'([^']+)'/g)].map((m) => m[1]);
}

describe("audit action catalog", () => {
  it("the outbox trigger enqueues exactly the catalog's webhook actions", async () => {
    expect([...(await triggerActions())].sort()).toEqual([...WEBHOOK_SOURCE_ACTIONS].sort());
  });

  it("names every action as domain.verb in lower case", () => {
    for (const action of Object.keys(AUDIT_ACTIONS)) expect(action).toMatch(/^[a-z_]+\.[a-z_]+$/);
  });

  it("routes each webhook action to its catalog type, and no other action", () => {
    for (const action of Object.keys(AUDIT_ACTIONS) as AuditAction[]) {
      const spec: { webhook?: string } = AUDIT_ACTIONS[action];
      const after = action === "group.updated" ? { membersAdded: 1 } : {};
      expect(eventTypesOf({ action, after })).toEqual(spec.webhook ? [spec.webhook] : []);
    }
  });
});
