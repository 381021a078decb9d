// The window intervals must agree with the point-in-time engine at every instant: a history with
// nested groups, joins and leaves, a deactivation and reactivation, a rule edit, an expiring direct
// grant, a contract reaching its end date and a contract moved between repositories is sampled
// at every boundary (and just before it, and between boundaries) and compared with
// whoCanAccessContract (people, levels and reason chains) and snapshotAccess (per repository).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { whoCanAccessContract } from "@/lib/access/effective-access";
import { levelRank } from "@/lib/access/levels";
import { snapshotAccess } from "@/lib/access/snapshot";
import { instant, newWorld, sleep } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import { propertyOptions } from "@/lib/testing/property";
import { accessIntervals, mergeSegments, type AccessInterval, type AccessSegment } from "./intervals";

setupTestDatabase();

const at = (intervals: AccessInterval[], t: Date) => intervals.filter((i) => i.from <= t && t < i.to);

describe("access intervals over a window", () => {
  it("agree with the point-in-time answers at every sampled instant", async () => {
    const w = await newWorld();
    const from = await instant();
    const alice = await w.user("alice");
    const bob = await w.user("bob");
    const carol = await w.user("carol");
    const team = await w.group("team", [alice]);
    const dept = await w.group("dept", [team, bob]);
    const repo = await w.repository("deals");
    const other = await w.repository("other");
    const c1 = await w.contract(repo, { type: "NDA" });
    const c2 = await w.contract(repo, { type: "MSA", endDate: new Date(Date.now() + 1500) });
    const c3 = await w.contract(other, { type: "NDA" });
    const rule = await w.rule({ groupId: dept, level: "view", repositoryId: repo });
    await w.rule({ groupId: team, level: "comment", repositoryId: repo, contractTypes: ["NDA"] });
    await w.rule({ userId: carol, level: "edit", contractId: c1, validUntil: new Date(Date.now() + 1200) });
    await sleep(20);
    await w.setActive(bob, false);
    await sleep(20);
    await w.editRule(rule, { level: "sign" });
    await w.removeMember(team, alice);
    await sleep(20);
    await w.setActive(bob, true);
    await w.addMembers(team, [alice]);
    await w.changeContract(c3, { repositoryId: repo });
    await sleep(1600); // the direct grant expires, c2 ends
    await w.removeUser(bob);
    const to = await instant();

    const contracts = [c1, c2, c3];
    const intervals = await accessIntervals(w.prisma, { scope: { contractIds: contracts }, from, to });
    expect(intervals.length).toBeGreaterThan(6);

    // Every boundary, 1 ms before it, and a midpoint between consecutive boundaries.
    const bounds = [...new Set(intervals.flatMap((i) => [i.from.getTime(), i.to.getTime()]))].sort((a, b) => a - b);
    const samples = new Set<number>();
    for (let i = 0; i < bounds.length; i++) {
      samples.add(bounds[i]);
      samples.add(bounds[i] - 1);
      if (i + 1 < bounds.length) samples.add(Math.floor((bounds[i] + bounds[i + 1]) / 2));
    }
    const moments = [...samples].filter((t) => t >= from.getTime() && t < to.getTime()).map((t) => new Date(t));
    expect(moments.length).toBeGreaterThan(15);

    for (const t of moments) {
      for (const cid of contracts) {
        const page = await whoCanAccessContract(w.prisma, { contractId: cid, at: t, offset: 0, limit: 100 });
        const expected = Object.fromEntries(page.items.map((i) => [i.user.id, i.level]));
        const live = at(intervals, t).filter((i) => i.contractId === cid);
        expect(Object.fromEntries(live.map((i) => [i.userId, i.level])), `${cid} at ${t.toISOString()}`).toEqual(expected);
        // The same reason chains: rule version + group path.
        for (const item of page.items) {
          const chains = item.reasons.map((r) => `${r.rule.versionId}|${r.via.kind === "group" ? r.via.path.map((h) => h.groupId).join(">") : "direct"}`).sort();
          const mine = live.find((i) => i.userId === item.user.id)!;
          expect(mine.reasons.map((r) => `${r.ruleVersionId}|${r.groupIds?.join(">") ?? "direct"}`).sort()).toEqual(chains);
        }
      }
      // Per repository (contract counts and levels), against the summaries behind the change events.
      const snapshot = await snapshotAccess(w.prisma, { userIds: [alice, bob, carol], at: t, repositoryIds: [repo] });
      for (const uid of [alice, bob, carol]) {
        const mine = at(intervals, t).filter((i) => i.userId === uid);
        const expected = snapshot.get(uid)?.get(repo);
        expect(mine.length, `${uid} at ${t.toISOString()}`).toBe(expected?.contracts ?? 0);
        if (expected) expect(Math.max(...mine.map((i) => levelRank(i.level)))).toBe(expected.level);
      }
    }

    // The story is there: bob's view access paused while deactivated, carol's grant ended, c2 ended.
    const bobOnC1 = intervals.filter((i) => i.userId === bob && i.contractId === c1);
    expect(bobOnC1.length).toBeGreaterThanOrEqual(2);
    expect(intervals.some((i) => i.userId === carol && i.level === "edit" && !i.openAtEnd)).toBe(true);
    expect(intervals.filter((i) => i.contractId === c2).every((i) => !i.openAtEnd)).toBe(true);
    const aliceNow = intervals.filter((i) => i.userId === alice && i.contractId === c1 && i.openAtEnd);
    expect(aliceNow).toHaveLength(1);
    expect(aliceNow[0].reasons.map((r) => r.groupIds)).toEqual(expect.arrayContaining([[team, dept], [team]]));

    // One person's history (all contracts) is the same as the contracts' view of that person.
    const aliceHistory = await accessIntervals(w.prisma, { scope: { userId: alice }, from, to });
    const strip = (list: AccessInterval[]) => list.map((i) => `${i.contractId}|${i.from.toISOString()}|${i.to.toISOString()}|${i.level}`).sort();
    expect(strip(aliceHistory)).toEqual(strip(intervals.filter((i) => i.userId === alice)));
  });

  it("merges segments into maximal intervals of constant level and reasons", () => {
    const seg = (from: number, to: number, level: number, vid: string, groupIds: string[] | null = ["g"]): AccessSegment => ({
      userId: "u", contractId: "c", from: new Date(from), to: new Date(to), level, ruleId: vid, ruleVersion: 1, ruleVersionId: vid,
      groupIds, ruleRepositoryId: "r", ruleContractId: null,
    });
    const window = { from: new Date(0), to: new Date(100) };
    const merged = mergeSegments([seg(0, 50, 1, "a"), seg(50, 80, 1, "a"), seg(20, 30, 3, "b", null), seg(90, 100, 1, "a")], window);
    expect(merged.map((i) => [i.from.getTime(), i.to.getTime(), i.level, i.reasons.length, i.openAtStart, i.openAtEnd])).toEqual([
      [0, 20, "view", 1, true, false],
      [20, 30, "edit", 2, false, false],
      [30, 80, "view", 1, false, false],
      [90, 100, "view", 1, false, true],
    ]);
  });

  // The definition, instant by instant (what mergeSegments did before it became a sweep): every
  // elementary piece between boundaries, its live segments, their reasons and highest level.
  function reference(segments: AccessSegment[]) {
    const out: string[] = [];
    const pairs = [...new Set(segments.map((s) => `${s.userId}|${s.contractId}`))];
    for (const pair of pairs) {
      const list = segments.filter((s) => `${s.userId}|${s.contractId}` === pair);
      const points = [...new Set(list.flatMap((s) => [s.from.getTime(), s.to.getTime()]))].sort((a, b) => a - b);
      let open: { from: number; to: number; key: string; level: number } | null = null;
      const flush = () => {
        if (open) out.push(`${pair}|${open.from}|${open.to}|${open.level}|${open.key}`);
        open = null;
      };
      for (let i = 0; i < points.length - 1; i++) {
        const live = list.filter((s) => s.from.getTime() <= points[i] && points[i] < s.to.getTime());
        if (live.length === 0) {
          flush();
          continue;
        }
        const key = [...new Set(live.map((s) => `${s.ruleVersionId}|${s.groupIds?.join(">") ?? "direct"}`))].sort().join(",");
        const level = live.reduce((m, s) => Math.max(m, s.level), 0);
        if (open && open.key === key && open.to === points[i]) open.to = points[i + 1];
        else {
          flush();
          open = { from: points[i], to: points[i + 1], key, level };
        }
      }
      flush();
    }
    return out.sort();
  }

  it("merges like the instant-by-instant definition (property, issue 14 item 11)", () => {
    const segment = fc
      .record({
        user: fc.constantFrom("u1", "u2"),
        contract: fc.constantFrom("c1", "c2"),
        from: fc.integer({ min: 0, max: 60 }),
        length: fc.integer({ min: 0, max: 40 }),
        rule: fc.constantFrom("a", "b", "c"),
        path: fc.constantFrom<string[] | null>(["g1"], ["g1", "g2"], null),
      })
      .map(({ user, contract, from, length, rule, path }): AccessSegment => ({
        userId: user, contractId: contract, from: new Date(from), to: new Date(from + length), level: rule.charCodeAt(0) - 96,
        ruleId: rule, ruleVersion: 1, ruleVersionId: `v-${rule}`, groupIds: path, ruleRepositoryId: "r", ruleContractId: null,
      }));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 30 }), (segments) => {
        const merged = mergeSegments(segments, { from: new Date(0), to: new Date(100) });
        const levels = { view: 1, comment: 2, edit: 3 } as Record<string, number>;
        const got = merged.map((i) =>
          `${i.userId}|${i.contractId}|${i.from.getTime()}|${i.to.getTime()}|${levels[i.level]}|${i.reasons.map((r) => `${r.ruleVersionId}|${r.groupIds?.join(">") ?? "direct"}`).sort().join(",")}`,
        );
        expect(got.sort()).toEqual(reference(segments));
      }),
      propertyOptions(300),
    );
  });

  it("sweeps a long history of one person and contract in one pass (issue 14 item 11)", () => {
    // 20,000 overlapping segments of one (person, contract), each its own reason: testing every
    // segment at every boundary is 8·10⁸ steps; a sweep is a sort and a pass.
    const n = 20_000;
    const segments = Array.from({ length: n }, (_, i): AccessSegment => ({
      userId: "u", contractId: "c", from: new Date(i * 10), to: new Date(i * 10 + 25), level: 1 + (i % 3), ruleId: `r${i}`, ruleVersion: 1,
      ruleVersionId: `v${i}`, groupIds: ["g"], ruleRepositoryId: "r", ruleContractId: null,
    }));
    const started = performance.now();
    const merged = mergeSegments(segments.reverse(), { from: new Date(0), to: new Date(n * 10 + 15) });
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(merged).toHaveLength(2 * n - 1);
    expect(merged[0]).toMatchObject({ from: new Date(0), to: new Date(10), level: "view", openAtStart: true });
    expect(merged[1].reasons.map((r) => r.ruleId)).toEqual(["r1", "r0"]);
    expect(merged.at(-1)).toMatchObject({ to: new Date(n * 10 + 15), openAtEnd: true });
  }, 20_000);
});
