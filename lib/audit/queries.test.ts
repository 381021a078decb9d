import { describe, expect, it } from "vitest";
import { recordAuditEvent } from "@/lib/audit/record";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { auditExportStream, auditFilterOptions, getAuditEvent, listAuditEvents } from "./queries";

const { db } = setupTestDatabase();

/** Records `n` events by one uniquely named actor; returns the actor label. */
async function seedEvents(n: number, extra: (i: number) => Partial<Parameters<typeof recordAuditEvent>[1]> = () => ({})) {
  const actor = unique("auditor");
  const prisma = db().prisma;
  for (let i = 0; i < n; i++) {
    await prisma.$transaction((tx) =>
      recordAuditEvent(tx, {
        actor: { type: "admin", id: actor, label: `${actor}@example.com` },
        action: i % 2 ? "repository.updated" : "repository.created",
        target: { type: "Thing", id: `${actor}-${i}`, label: `Thing ${i}` },
        after: { index: i, note: i === 3 ? "needle-in-json" : "hay" },
        ...extra(i),
      }),
    );
  }
  return `${actor}@example.com`;
}

describe("audit trail list", () => {
  it("pages newest first with a keyset cursor on seq, without gaps or repeats", async () => {
    const prisma = db().prisma;
    const actor = await seedEvents(23);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listAuditEvents(prisma, { actor, limit: 10, cursor }, { scanWindow: 1_000_000 });
      seen.push(...page.items.map((i) => i.seq));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
    const numbers = seen.map(BigInt);
    expect(numbers.every((s, i) => i === 0 || s < numbers[i - 1])).toBe(true);
    expect(pages).toBe(3);
  });

  it("filters by action (exact and prefix), target, actor type and time range", async () => {
    const prisma = db().prisma;
    const actor = await seedEvents(6);
    const created = await listAuditEvents(prisma, { actor, action: "repository.created" });
    expect(created.items.map((i) => i.action)).toEqual(["repository.created", "repository.created", "repository.created"]);
    expect((await listAuditEvents(prisma, { actor, action: "repository.*" })).items).toHaveLength(6);
    const one = created.items[0];
    const byTarget = await listAuditEvents(prisma, { targetType: "Thing", targetId: one.targetId! });
    expect(byTarget.items.map((i) => i.id)).toEqual([one.id]);
    expect((await listAuditEvents(prisma, { actor, actorType: "system" })).items).toHaveLength(0);
    expect((await listAuditEvents(prisma, { actor, target: "thing 5" })).items.map((i) => i.targetLabel)).toEqual(["Thing 5"]);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await listAuditEvents(prisma, { actor, from: future })).items).toHaveLength(0);
    expect((await listAuditEvents(prisma, { actor, to: future })).items).toHaveLength(6);
  });

  it("searches free text in labels, action and the before/after JSON", async () => {
    const prisma = db().prisma;
    const needle = unique("needle");
    const actor = await seedEvents(5, (i) => (i === 2 ? { before: { nested: { value: needle } } } : {}));
    const hits = await listAuditEvents(prisma, { q: needle });
    expect(hits.items.map((i) => i.actorLabel)).toEqual([actor]);
    expect((await listAuditEvents(prisma, { q: actor.toUpperCase() })).items).toHaveLength(5);
    // LIKE wildcards in the search text match literally.
    expect((await listAuditEvents(prisma, { actor, q: "%" })).items).toHaveLength(0);
  });

  it("bounds row-reading filters to a window of seq and continues below it", async () => {
    const prisma = db().prisma;
    const actor = await seedEvents(3);
    await seedEvents(12); // newer events by someone else
    const first = await listAuditEvents(prisma, { actor, limit: 50 }, { scanWindow: 8 });
    // The newest 8 events are someone else's: nothing found yet, but a cursor to go on.
    expect(first.items).toHaveLength(0);
    expect(first.nextCursor).toBe(first.scannedDownTo);
    const found: string[] = [];
    let cursor = first.nextCursor ?? undefined;
    for (let i = 0; cursor && i < 1000 && found.length < 3; i++) {
      const page = await listAuditEvents(prisma, { actor, limit: 50, cursor }, { scanWindow: 8 });
      found.push(...page.items.map((e) => e.actorLabel!));
      cursor = page.nextCursor ?? undefined;
    }
    expect(found).toEqual([actor, actor, actor]);
  });

  it("rejects invalid filters with field paths", async () => {
    const prisma = db().prisma;
    await expect(listAuditEvents(prisma, { action: "user.created; drop" })).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ["action"] })] });
    await expect(listAuditEvents(prisma, { from: "2026-02-01", to: "2026-01-01" })).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ["to"] })] });
    await expect(listAuditEvents(prisma, { cursor: "abc" })).rejects.toThrow();
  });

  it("returns the detail with before/after, and the distinct actions for the filter", async () => {
    const prisma = db().prisma;
    const actor = await seedEvents(2, (i) => ({ before: { index: i - 1 } }));
    const [latest] = (await listAuditEvents(prisma, { actor, limit: 1 })).items;
    const detail = await getAuditEvent(prisma, latest.id);
    expect(detail).toMatchObject({ before: { index: 0 }, after: { index: 1, note: "hay" }, hasChanges: true });
    await expect(getAuditEvent(prisma, "no-such-id")).rejects.toMatchObject({ code: "not_found" });
    const options = await auditFilterOptions(prisma);
    expect(options.actions).toEqual(expect.arrayContaining(["repository.created", "repository.updated"]));
    expect(options.targetTypes).toContain("Thing");
  });
});

describe("audit export", () => {
  const read = async (stream: ReadableStream<Uint8Array>) => new Response(stream).text();

  it("streams the filtered set as CSV with formula-safe fields, and notes a cut-off at the cap", async () => {
    const prisma = db().prisma;
    const actor = await seedEvents(5, (i) => (i === 0 ? { target: { type: "Thing", id: "x", label: '=HYPERLINK("evil")' } } : {}));
    const full = await read(auditExportStream(prisma, { input: { actor }, format: "csv" }));
    const lines = full.trim().split("\r\n");
    expect(lines[0]).toBe("seq,createdAt,actorType,actorId,actorLabel,directoryId,action,targetType,targetId,targetLabel,requestId,ip,before,after");
    expect(lines).toHaveLength(6);
    expect(full).toContain(`"'=HYPERLINK(""evil"")"`);
    expect(full).not.toContain("# truncated");
    const capped = await read(auditExportStream(prisma, { input: { actor }, format: "csv", cap: 3 }));
    expect(capped.trim().split("\r\n")).toHaveLength(5);
    expect(capped).toContain("# truncated: the export stops at 3 events");
    const exact = await read(auditExportStream(prisma, { input: { actor }, format: "csv", cap: 5 }));
    expect(exact).not.toContain("# truncated");
  });

  it("streams JSON with the filters, the events (with before/after) and the truncation flag", async () => {
    const prisma = db().prisma;
    const actor = await seedEvents(4);
    const body = JSON.parse(await read(auditExportStream(prisma, { input: { actor, action: "repository.*" }, format: "json", cap: 3 })));
    expect(body).toMatchObject({ filters: { actor, action: "repository.*" }, cap: 3, count: 3, truncated: true });
    expect(body.events).toHaveLength(3);
    expect(body.events[0]).toMatchObject({ actorLabel: actor, after: { index: 3 } });
    const empty = JSON.parse(await read(auditExportStream(prisma, { input: { actor: unique("nobody") }, format: "json" })));
    expect(empty).toMatchObject({ events: [], count: 0, truncated: false });
  });

  it("validates the filters before the first byte", () => {
    expect(() => auditExportStream(db().prisma, { input: { actorType: "robot" as never }, format: "csv" })).toThrow();
  });
});
