// The review population is computed as sets (classes of people by the rule versions that reach
// them per repository, denies grant by grant): it must equal, item for item, what the engine's
// per-person answer (contractsOfUser, with its reasons) gives for every person of the world —
// levels, contract counts, top confidentiality, each reason's rule version and group path — with
// nested groups, direct grants, rules narrowed by type and confidentiality, overlapping rules on
// one repository, per-contract items, a deactivated person, exclusions and ethical walls of each
// kind (walled and excluded people are no item for what is denied).
import { describe, expect, it } from "vitest";
import { admin, newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import { createExclusion } from "@/lib/exclusions/service";
import { activateWall, createWall } from "@/lib/walls/service";
import { contractsOfUser } from "./effective-access";
import { confidentialityRank, levelRank } from "./levels";
import { reviewPopulation, type PopulationRow } from "./population";

setupTestDatabase();

type Item = { userId: string; repositoryId: string; contractId: string | null; level: number; contracts: number; confidentiality: number; reasons: string[] };

const reasonKey = (versionId: string, gids: string[] | null) => `${versionId}:${gids ? gids.join(">") : "direct"}`;

/** The items the engine's per-person answers imply (per contract from `floor` on). */
async function expectedItems(prisma: Parameters<typeof contractsOfUser>[0], options: { people: string[]; repositories: string[]; at: Date; floor: number | null }) {
  const items = new Map<string, Item & { cids: Set<string>; why: Set<string> }>();
  for (const userId of options.people) {
    const page = await contractsOfUser(prisma, { userId, at: options.at, offset: 0, limit: 200 });
    for (const { contract, level, reasons } of page.items) {
      if (!options.repositories.includes(contract.repositoryId)) continue;
      const conf = confidentialityRank(contract.confidentiality);
      const contractId = options.floor !== null && conf >= options.floor ? contract.id : null;
      const key = `${userId}|${contract.repositoryId}|${contractId ?? ""}`;
      const item = items.get(key) ?? { userId, repositoryId: contract.repositoryId, contractId, level: 0, contracts: 0, confidentiality: 0, reasons: [], cids: new Set(), why: new Set() };
      item.cids.add(contract.id);
      item.level = Math.max(item.level, levelRank(level));
      item.confidentiality = Math.max(item.confidentiality, conf);
      for (const r of reasons) item.why.add(reasonKey(r.rule.versionId, r.via.kind === "group" ? r.via.path.map((h) => h.groupId) : null));
      items.set(key, item);
    }
  }
  return [...items.values()]
    .map(({ cids, why, ...i }) => ({ ...i, contracts: cids.size, reasons: [...why].sort() }))
    .sort((a, b) => (`${a.userId}|${a.repositoryId}|${a.contractId ?? ""}` < `${b.userId}|${b.repositoryId}|${b.contractId ?? ""}` ? -1 : 1));
}

const asItems = (rows: PopulationRow[]): Item[] =>
  rows
    .map((r) => ({
      userId: r.userId,
      repositoryId: r.repositoryId,
      contractId: r.contractId,
      level: r.level,
      contracts: r.contracts,
      confidentiality: r.confidentiality,
      reasons: r.reasons.map((x) => reasonKey(x.versionId, x.gids)).sort(),
    }))
    .sort((a, b) => (`${a.userId}|${a.repositoryId}|${a.contractId ?? ""}` < `${b.userId}|${b.repositoryId}|${b.contractId ?? ""}` ? -1 : 1));

describe("review population as sets", () => {
  it("equals the engine's per-person answers, with exclusions and walls of every kind beating grants", async () => {
    const w = await newWorld();
    const people = await Promise.all(["ann", "ben", "cy", "dee", "eve", "fay", "gus", "hal", "ivy"].map((n) => w.user(n)));
    const [ann, ben, cy, dee, eve, fay, gus, hal, ivy] = people;
    const inner = await w.group("inner", [ann, ben]);
    const middle = await w.group("middle", [inner, cy, ivy]);
    const outer = await w.group("outer", [middle, dee, eve]);
    const side = await w.group("side", [ann, eve, fay]);
    const [deal, ops, lab, vault] = [await w.repository("deal"), await w.repository("ops"), await w.repository("lab"), await w.repository("vault")];
    const d = [
      await w.contract(deal, { type: "NDA", confidentiality: "public" }),
      await w.contract(deal, { type: "MSA", confidentiality: "internal" }),
      await w.contract(deal, { type: "NDA", confidentiality: "confidential" }),
      await w.contract(deal, { type: "DPA", confidentiality: "strictly_confidential" }),
    ];
    const o = [await w.contract(ops, { type: "SOW" }), await w.contract(ops, { type: "NDA", confidentiality: "confidential" }), await w.contract(ops, { type: "NDA", counterparty: "Acme" })];
    await w.contract(lab, { type: "NDA", tags: ["secret"] });
    await w.contract(lab, { type: "MSA", confidentiality: "public" });
    const v = [await w.contract(vault, { type: "NDA", confidentiality: "strictly_confidential" }), await w.contract(vault, { type: "MSA", confidentiality: "confidential" })];
    // overlapping, narrowed rules: classes of several versions whose union is not any one of them
    await w.rule({ groupId: outer, level: "view", repositoryId: deal, confidentialityCeiling: "internal" });
    await w.rule({ groupId: middle, level: "comment", repositoryId: deal, contractTypes: ["NDA"] });
    await w.rule({ groupId: inner, level: "edit", repositoryId: deal, contractTypes: ["DPA", "MSA"] });
    await w.rule({ groupId: side, level: "view", repositoryId: ops });
    await w.rule({ groupId: outer, level: "sign", repositoryId: ops, contractTypes: ["NDA"] });
    await w.rule({ groupId: middle, level: "view", repositoryId: lab });
    await w.rule({ groupId: side, level: "view", contractId: v[1] });
    const later = new Date(Date.now() + 30 * 86_400_000);
    await w.rule({ userId: fay, level: "manage", repositoryId: vault, validUntil: later });
    await w.rule({ userId: gus, level: "edit", repositoryId: deal, contractTypes: ["NDA", "MSA"], validUntil: later });
    await w.rule({ userId: hal, level: "view", repositoryId: lab, validUntil: later });
    await w.rule({ userId: ann, level: "view", contractId: d[3], validUntil: later });
    // hal is deactivated: no item
    await w.setActive(hal, false);
    // exclusions: cy from deal (whole repository), ben from one ops contract, eve from deal narrowed to NDAs
    await createExclusion(w.prisma, { input: { userId: cy, repositoryId: deal, reason: "left the deal team" }, actor: admin });
    await createExclusion(w.prisma, { input: { userId: ann, contractId: o[0], reason: "conflict of interest" }, actor: admin });
    await createExclusion(w.prisma, { input: { userId: eve, repositoryId: deal, contractTypes: ["NDA"], reason: "NDA screen for eve" }, actor: admin });
    // walls: dee screened from Acme (exclusionary); an inclusionary wall on lab's tagged contract, ben its only insider
    const walls = [
      await createWall(w.prisma, { input: { name: `Acme screen ${w.tag}`, kind: "exclusionary", members: [{ userId: dee }], scope: [{ kind: "counterparty", value: "acme" }] }, actor: admin }),
      await createWall(w.prisma, { input: { name: `Lab secret ${w.tag}`, kind: "inclusionary", members: [{ userId: ben }], scope: [{ kind: "tag", value: "secret" }] }, actor: admin }),
    ];
    for (const wall of walls) await activateWall(w.prisma, { id: wall.id, input: { reason: "population test" }, actor: admin });

    const repositories = [deal, ops, lab, vault];
    for (const floor of [null, 2]) {
      const at = new Date();
      const rows = await reviewPopulation(w.prisma, { at, closeAt: new Date(at.getTime() + 86_400_000), scope: { repositoryIds: repositories }, contractFloor: floor });
      const expected = await expectedItems(w.prisma, { people, repositories, at, floor });
      expect(asItems(rows.filter((r) => people.includes(r.userId)))).toEqual(expected);
      // the denies are in force: no item for hal, none of cy's in deal, ann's o[0] and cy/ann/eve's lab secret left out
      expect(rows.some((r) => r.userId === hal)).toBe(false);
      expect(rows.some((r) => r.userId === cy && r.repositoryId === deal)).toBe(false);
      expect(expected.length).toBeGreaterThan(10);
    }
    // walled people: dee has ops items without the Acme contract; only ben sees lab's secret contract
    const at = new Date();
    const rows = await reviewPopulation(w.prisma, { at, closeAt: new Date(at.getTime() + 86_400_000), scope: { repositoryIds: [ops, lab] } });
    const item = (userId: string, repositoryId: string) => rows.find((r) => r.userId === userId && r.repositoryId === repositoryId);
    expect(item(dee, ops)?.contracts).toBe(1); // o[1] (NDA, sign through outer), not the Acme NDA
    expect(item(ben, lab)?.contracts).toBe(2);
    expect(item(ann, lab)?.contracts).toBe(1);
    expect(item(cy, lab)?.contracts).toBe(1);
    // a class of two narrowed versions (outer's ceiling, middle's NDAs) counts their union, not the repository's
    const ivys = await reviewPopulation(w.prisma, { at, closeAt: new Date(at.getTime() + 86_400_000), scope: { repositoryIds: [deal] } });
    expect(ivys.find((r) => r.userId === ivy)).toMatchObject({ contracts: 3, level: levelRank("comment") });
  });
});
