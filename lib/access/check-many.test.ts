// checkAccessMany answers exactly what checkAccess answers for each pair, whether it reads all
// pairs in one statement (one person's page of contracts) or one per person (many people, each
// asking about other contracts).
import { describe, expect, it } from "vitest";
import { newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import { checkAccessMany } from "./check-many";
import { checkAccess } from "./effective-access";

setupTestDatabase();

describe("checkAccessMany", () => {
  it("equals single checks, for one person × many contracts and for many people × other contracts", async () => {
    const w = await newWorld();
    const people: string[] = [];
    for (let i = 0; i < 15; i++) people.push(await w.user(`p${i}`, { active: i !== 3 }));
    const editors = await w.group("editors", people.slice(0, 8));
    const readers = await w.group("readers", people.slice(5, 12));
    const a = await w.repository("a");
    const b = await w.repository("b");
    const contracts: string[] = [];
    for (let i = 0; i < 15; i++) contracts.push(await w.contract(i % 2 ? a : b, { type: i % 3 ? "NDA" : "MSA" }));
    await w.rule({ groupId: editors, level: "edit", repositoryId: a });
    await w.rule({ groupId: readers, level: "view", repositoryId: b, contractTypes: ["MSA"] });
    await w.rule({ userId: people[14], level: "sign", contractId: contracts[4], validUntil: new Date(Date.now() + 86_400_000) });

    const onePerson = contracts.map((contractId) => ({ userId: people[6], contractId }));
    const diagonal = people.map((userId, i) => ({ userId, contractId: contracts[(i * 7) % 15] }));
    for (const pairs of [onePerson, diagonal]) {
      const many = await checkAccessMany(w.prisma, { pairs });
      for (const p of pairs) {
        const single = await checkAccess(w.prisma, { userId: p.userId, contractId: p.contractId });
        const got = many.get(`${p.userId}|${p.contractId}`)!;
        expect(got.level, `${p.userId} ${p.contractId}`).toBe(single.level);
        expect(got.reasons.map((r) => r.rule.versionId)).toEqual(single.reasons.map((r) => r.rule.versionId));
      }
    }
    // Not vacuous: the diagonal holds grants and non-grants.
    const levels = [...(await checkAccessMany(w.prisma, { pairs: diagonal })).values()].map((c) => c.level);
    expect(levels).toContain(null);
    expect(levels.some((l) => l !== null)).toBe(true);
  });
});
