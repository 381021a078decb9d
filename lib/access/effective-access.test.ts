import { describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db/client";
import { setupTestDatabase } from "@/lib/testing/database";
import { checkAccess, contractsOfUser, whoCanAccessContract } from "./effective-access";
import { instant, newWorld, sleep } from "@/lib/testing/access-world";

setupTestDatabase();

const DAY = 86_400_000;

async function whoCan(contractId: string, at?: Date) {
  const prisma = await getPrisma();
  const page = await whoCanAccessContract(prisma, { contractId, at, offset: 0, limit: 100 });
  return Object.fromEntries(page.items.map((i) => [i.user.id, i.level]));
}

async function opens(userId: string, at?: Date) {
  const prisma = await getPrisma();
  const page = await contractsOfUser(prisma, { userId, at, offset: 0, limit: 100 });
  return Object.fromEntries(page.items.map((i) => [i.contract.id, i.level]));
}

describe("effective access", () => {
  it("grants a group's rule on a repository within its contract types and confidentiality ceiling", async () => {
    const w = await newWorld();
    const alice = await w.user("alice");
    const legal = await w.group("legal", [alice]);
    const repo = await w.repository("sales");
    const nda = await w.contract(repo, { type: "NDA", confidentiality: "internal" });
    const ndaSecret = await w.contract(repo, { type: "NDA", confidentiality: "strictly_confidential" });
    const msa = await w.contract(repo, { type: "MSA", confidentiality: "public" });
    const ndaConfidential = await w.contract(repo, { type: "NDA", confidentiality: "confidential" });
    await w.rule({ groupId: legal, level: "edit", repositoryId: repo, contractTypes: ["NDA"], confidentialityCeiling: "confidential" });

    const check = await checkAccess(w.prisma, { userId: alice, contractId: nda });
    expect(check).toMatchObject({ allowed: true, level: "edit" });
    expect(check.reasons).toHaveLength(1);
    const [reason] = check.reasons;
    expect(reason.winning).toBe(true);
    expect(reason.via.kind).toBe("group");
    if (reason.via.kind === "group") {
      expect(reason.via.path.map((h) => h.groupId)).toEqual([legal]);
      expect(reason.via.path[0].displayName).toMatch(/^legal-/);
      expect(reason.via.path[0].memberSince).toBeInstanceOf(Date);
      const added = await w.prisma.auditEvent.findUniqueOrThrow({ where: { id: reason.via.path[0].addedEventId! } });
      expect(added.action).toBe("group.created");
    }
    expect(reason.rule).toMatchObject({
      version: 1,
      level: "edit",
      author: { type: "admin", id: "access-test", label: "access test" },
      justification: "access engine test",
      scope: { kind: "repository", repositoryId: repo, contractTypes: ["NDA"], confidentialityCeiling: "confidential" },
    });
    expect(reason.contract).toMatchObject({ id: nda, repositoryId: repo, endDate: null, grantsUntil: null });

    expect((await checkAccess(w.prisma, { userId: alice, contractId: ndaConfidential })).level).toBe("edit");
    expect(await checkAccess(w.prisma, { userId: alice, contractId: ndaSecret })).toMatchObject({ allowed: false, level: null, reasons: [] });
    expect((await checkAccess(w.prisma, { userId: alice, contractId: msa })).allowed).toBe(false);
    // The requested level is compared with the effective one.
    expect((await checkAccess(w.prisma, { userId: alice, contractId: nda, level: "edit" })).allowed).toBe(true);
    expect((await checkAccess(w.prisma, { userId: alice, contractId: nda, level: "sign" })).allowed).toBe(false);

    const mine = await contractsOfUser(w.prisma, { userId: alice, offset: 0, limit: 10 });
    expect(mine.total).toBe(2);
    expect(new Set(mine.items.map((i) => i.contract.id))).toEqual(new Set([nda, ndaConfidential]));
    expect(mine.items[0].contract).toMatchObject({ repositoryId: repo, contractType: "NDA" });
    expect(mine.items[0].reasons).toHaveLength(1);
  });

  it("grants a contract-scoped rule on that contract only", async () => {
    const w = await newWorld();
    const bob = await w.user("bob");
    const team = await w.group("deal-team", [bob]);
    const repo = await w.repository("deals");
    const deal = await w.contract(repo);
    const other = await w.contract(repo);
    await w.rule({ name: "Deal team signs", groupId: team, level: "sign", contractId: deal });
    const check = await checkAccess(w.prisma, { userId: bob, contractId: deal });
    expect(check.level).toBe("sign");
    // The reason names the rule and the contract it is on.
    const title = (await w.prisma.contract.findUniqueOrThrow({ where: { id: deal } })).title;
    expect(check.reasons[0].rule.name).toBe("Deal team signs");
    expect(check.reasons[0].rule.scope).toEqual({ kind: "contract", contractId: deal, contractTitle: title });
    expect((await checkAccess(w.prisma, { userId: bob, contractId: other })).allowed).toBe(false);
  });

  it("follows nested groups transitively and gives the path; the highest level wins, every rule is a reason", async () => {
    const w = await newWorld();
    const carol = await w.user("carol");
    const dave = await w.user("dave");
    const inner = await w.group("inner", [carol]);
    const middle = await w.group("middle", [inner]);
    const outer = await w.group("outer", [middle, dave]);
    const repo = await w.repository("nested");
    const contract = await w.contract(repo);
    await w.rule({ groupId: outer, level: "view", repositoryId: repo });
    await w.rule({ groupId: inner, level: "comment", repositoryId: repo });

    const check = await checkAccess(w.prisma, { userId: carol, contractId: contract });
    expect(check.level).toBe("comment");
    expect(check.reasons.map((r) => [r.level, r.winning])).toEqual([
      ["comment", true],
      ["view", false],
    ]);
    const viaOuter = check.reasons[1].via;
    expect(viaOuter.kind === "group" && viaOuter.path.map((h) => h.groupId)).toEqual([inner, middle, outer]);

    expect(await whoCan(contract)).toEqual({ [carol]: "comment", [dave]: "view" });
    const page = await whoCanAccessContract(w.prisma, { contractId: contract, offset: 0, limit: 1 });
    expect(page.total).toBe(2);
    expect(page.items).toHaveLength(1);
    expect(page.items[0].user.userName).toMatch(/^carol-/); // ordered by userName
    expect(page.items[0].reasons).toHaveLength(2);
    const second = await whoCanAccessContract(w.prisma, { contractId: contract, offset: 1, limit: 1 });
    expect(second.items[0].user.id).toBe(dave);
    expect((await whoCanAccessContract(w.prisma, { contractId: contract, offset: 5, limit: 1 })).total).toBe(2);
  });

  it("grants a direct, time-boxed user grant until its expiry", async () => {
    const w = await newWorld();
    const erin = await w.user("erin");
    const repo = await w.repository("direct");
    const contract = await w.contract(repo);
    const until = new Date(Date.now() + DAY);
    await w.rule({ userId: erin, level: "manage", contractId: contract, validUntil: until });
    const check = await checkAccess(w.prisma, { userId: erin, contractId: contract });
    expect(check).toMatchObject({ allowed: true, level: "manage" });
    expect(check.reasons[0].via).toEqual({ kind: "direct" });
    expect(check.reasons[0].contract.grantsUntil).toEqual(until);
    // The same question asked for an instant after the expiry: nothing.
    expect((await checkAccess(w.prisma, { userId: erin, contractId: contract, at: new Date(until.getTime() + 1) })).allowed).toBe(false);
    expect((await checkAccess(w.prisma, { userId: erin, contractId: contract, at: new Date(until.getTime() - 1) })).allowed).toBe(true);
  });

  it("gives nothing to a deactivated user, and everything back on reactivation", async () => {
    const w = await newWorld();
    const frank = await w.user("frank");
    const g = await w.group("g", [frank]);
    const repo = await w.repository("status");
    const contract = await w.contract(repo);
    await w.rule({ groupId: g, level: "view", repositoryId: repo });
    expect((await checkAccess(w.prisma, { userId: frank, contractId: contract })).allowed).toBe(true);
    await w.setActive(frank, false);
    expect((await checkAccess(w.prisma, { userId: frank, contractId: contract })).allowed).toBe(false);
    expect(await whoCan(contract)).toEqual({});
    expect((await contractsOfUser(w.prisma, { userId: frank, offset: 0, limit: 10 })).total).toBe(0);
    await w.setActive(frank, true);
    expect((await checkAccess(w.prisma, { userId: frank, contractId: contract })).level).toBe("view");
  });

  it("gives nothing after the membership is removed or the rule expires", async () => {
    const w = await newWorld();
    const gina = await w.user("gina");
    const hank = await w.user("hank");
    const g = await w.group("g", [gina, hank]);
    const repo = await w.repository("expiry");
    const contract = await w.contract(repo);
    // Wide enough for the three steps before the sleep on a loaded 2-core machine (1.5 s was
    // overrun at load 20: the rule had expired before the first assertion).
    const until = new Date(Date.now() + 5000);
    await w.rule({ groupId: g, level: "view", repositoryId: repo, validUntil: until });
    expect(await whoCan(contract)).toEqual({ [gina]: "view", [hank]: "view" });
    await w.removeMember(g, gina);
    expect(await whoCan(contract)).toEqual({ [hank]: "view" });
    await sleep(until.getTime() - Date.now() + 20);
    // No job has run: the query itself stops granting at validUntil.
    expect(await whoCan(contract)).toEqual({});
    expect((await checkAccess(w.prisma, { userId: hank, contractId: contract })).allowed).toBe(false);
  });

  it("stops granting on an ended contract, except within the rule's grace days", async () => {
    const w = await newWorld();
    const ivan = await w.user("ivan");
    const judy = await w.user("judy");
    const strict = await w.group("strict", [ivan]);
    const lenient = await w.group("lenient", [judy]);
    const repo = await w.repository("ended");
    const ended = await w.contract(repo, { endDate: new Date(Date.now() - 10 * DAY) });
    const running = await w.contract(repo, { endDate: new Date(Date.now() + 10 * DAY) });
    await w.rule({ groupId: strict, level: "view", repositoryId: repo });
    await w.rule({ groupId: lenient, level: "view", repositoryId: repo, graceDaysAfterEnd: 30 });
    expect(await whoCan(ended)).toEqual({ [judy]: "view" });
    expect(await whoCan(running)).toEqual({ [ivan]: "view", [judy]: "view" });
    const check = await checkAccess(w.prisma, { userId: judy, contractId: ended });
    expect(check.reasons[0].contract.grantsUntil!.getTime()).toBe(check.reasons[0].contract.endDate!.getTime() + 30 * DAY);
    // Beyond the grace window (asked as a future instant): nothing.
    expect(await whoCan(ended, new Date(Date.now() + 21 * DAY))).toEqual({});
    expect(await opens(ivan)).toEqual({ [running]: "view" });
  });

  it("answers for past instants from the kept history", async () => {
    const w = await newWorld();
    const kim = await w.user("kim");
    const leo = await w.user("leo");
    const team = await w.group("team");
    const repo = await w.repository("history");
    const contract = await w.contract(repo, { type: "NDA" });
    const ruleId = await w.rule({ groupId: team, level: "view", repositoryId: repo });
    const t0 = await instant(); // rule exists, team empty
    await w.addMembers(team, [kim]);
    const t1 = await instant(); // kim
    await w.addMembers(team, [leo]);
    await w.editRule(ruleId, { level: "edit" });
    const t2 = await instant(); // kim + leo, at edit
    await w.removeMember(team, kim);
    const t3 = await instant(); // leo
    await w.changeContract(contract, { contractType: "MSA" }); // the type no longer matters: all types
    await w.editRule(ruleId, { contractTypes: ["NDA"] }); // now it does: the contract is an MSA
    const t4 = await instant(); // nobody
    await w.editRule(ruleId, { contractTypes: [] });
    await w.setActive(leo, false);
    const t5 = await instant(); // nobody (leo inactive)
    await w.setActive(leo, true);
    await w.removeUser(kim);
    const t6 = await instant(); // leo again

    expect(await whoCan(contract, t0)).toEqual({});
    expect(await whoCan(contract, t1)).toEqual({ [kim]: "view" });
    expect(await whoCan(contract, t2)).toEqual({ [kim]: "edit", [leo]: "edit" });
    expect(await whoCan(contract, t3)).toEqual({ [leo]: "edit" });
    expect(await whoCan(contract, t4)).toEqual({});
    expect(await whoCan(contract, t5)).toEqual({});
    expect(await whoCan(contract, t6)).toEqual({ [leo]: "edit" });
    expect(await whoCan(contract)).toEqual({ [leo]: "edit" });

    // What could kim open then? (kim has since been deleted: the answer comes from history.)
    expect(await opens(kim, t1)).toEqual({ [contract]: "view" });
    expect(await opens(kim, t2)).toEqual({ [contract]: "edit" });
    expect(await opens(kim, t3)).toEqual({});
    const past = await checkAccess(w.prisma, { userId: kim, contractId: contract, at: t1 });
    expect(past.reasons[0].rule.version).toBe(1);
    const later = await checkAccess(w.prisma, { userId: leo, contractId: contract, at: t2 });
    expect(later.reasons[0].rule.version).toBe(2);
    // A deleted user still appears in past answers, by id (their personal data went with the row).
    const page = await whoCanAccessContract(w.prisma, { contractId: contract, at: t2, offset: 0, limit: 10 });
    const kimThen = page.items.find((i) => i.user.id === kim)!;
    expect(kimThen.user.userName).toBeNull();
    expect(kimThen.reasons).toHaveLength(1);
  });

  it("pages a person's contracts by title, the same whether it walks contracts in title order or sorts them", async () => {
    const w = await newWorld();
    const pat = await w.user("pat");
    const team = await w.group("titles", [pat]);
    const repo = await w.repository("titles-a");
    const other = await w.repository("titles-b");
    const tag = `${Date.now().toString(36)}`;
    // two contracts share a title (then id order decides), one is not granted
    const titles = ["Delta", "alpha", "Charlie", "Bravo", "Echo", "Bravo"].map((t) => `${t} ${tag}`);
    const granted: { id: string; title: string; level: string }[] = [];
    for (const [i, title] of titles.entries()) {
      const id = await w.contract(i % 2 ? other : repo, { title });
      granted.push({ id, title, level: i % 2 ? "edit" : "view" });
    }
    await w.contract(repo, { title: `Zulu ${tag}`, confidentiality: "strictly_confidential" });
    await w.rule({ groupId: team, level: "view", repositoryId: repo, confidentialityCeiling: "confidential" });
    await w.rule({ groupId: team, level: "edit", repositoryId: other });
    const sorted = await w.prisma.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id FROM "Contract" WHERE id = ANY($1::text[]) ORDER BY title, id`,
      granted.map((g) => g.id),
    );
    const expected = sorted.map((r) => r.id);
    for (const walk of [true, false, undefined]) {
      const all = await contractsOfUser(w.prisma, { userId: pat, offset: 0, limit: 100, walk });
      expect(all.total).toBe(6);
      expect(all.items.map((i) => i.contract.id)).toEqual(expected);
      expect(all.items.map((i) => i.level)).toEqual(expected.map((id) => granted.find((g) => g.id === id)!.level));
      expect(all.items.every((i) => i.reasons.length === 1 && i.contract.title !== null)).toBe(true);
      for (const limit of [1, 4]) {
        for (let offset = 0; offset <= 7; offset += limit) {
          const page = await contractsOfUser(w.prisma, { userId: pat, offset, limit, walk });
          expect(page.total).toBe(6);
          expect(page.items.map((i) => i.contract.id)).toEqual(expected.slice(offset, offset + limit));
        }
      }
      const edits = await contractsOfUser(w.prisma, { userId: pat, offset: 0, limit: 2, walk, filter: { level: "edit" } });
      expect(edits.total).toBe(3);
      expect(edits.items.map((i) => i.contract.id)).toEqual(expected.filter((id) => granted.find((g) => g.id === id)!.level === "edit").slice(0, 2));
      const inRepo = await contractsOfUser(w.prisma, { userId: pat, offset: 1, limit: 5, walk, filter: { repositoryId: repo } });
      expect(inRepo.total).toBe(3);
      const searched = await contractsOfUser(w.prisma, { userId: pat, offset: 0, limit: 5, walk, filter: { q: `bravo ${tag}` } });
      expect(searched.total).toBe(2);
    }
  });

  it("pages many readers by userName, deleted ones last by id, the same whether it walks users or sorts readers", async () => {
    const w = await newWorld();
    const names = Array.from({ length: 14 }, (_, i) => `reader${String(i).padStart(2, "0")}`);
    const ids: string[] = [];
    for (const name of names) ids.push(await w.user(name));
    const idle = await w.user("reader-idle", { active: false });
    const inner = await w.group("readers-inner", ids.slice(10));
    const outer = await w.group("readers-outer", [...ids.slice(0, 10), inner, idle]);
    const repo = await w.repository("many-readers");
    const contract = await w.contract(repo);
    await w.rule({ groupId: outer, level: "view", repositoryId: repo });
    await w.rule({ groupId: inner, level: "edit", repositoryId: repo });
    const then = await instant();
    const gone = [ids[3], ids[12]];
    for (const id of gone) await w.removeUser(id);

    const named = ids.filter((id) => !gone.includes(id)); // already in userName order
    const expected = [...named, ...[...gone].sort()];
    for (const keysetFrom of [1, 1_000_000]) {
      const all = await whoCanAccessContract(w.prisma, { contractId: contract, at: then, offset: 0, limit: 100, keysetFrom });
      expect(all.total).toBe(14);
      expect(all.items.map((i) => i.user.id)).toEqual(expected);
      expect(all.items.filter((i) => i.user.userName === null).map((i) => i.user.id)).toEqual([...gone].sort());
      expect(all.items.map((i) => i.level)).toEqual(expected.map((id) => (ids.indexOf(id) >= 10 ? "edit" : "view")));
      expect(all.items.every((i) => i.reasons.length > 0)).toBe(true);
      for (const limit of [1, 3, 5]) {
        for (let offset = 0; offset <= 15; offset += limit) {
          const page = await whoCanAccessContract(w.prisma, { contractId: contract, at: then, offset, limit, keysetFrom });
          expect(page.total).toBe(14);
          expect(page.items.map((i) => i.user.id)).toEqual(expected.slice(offset, offset + limit));
        }
      }
      // Now: the deleted readers are gone, the rest still read.
      const now = await whoCanAccessContract(w.prisma, { contractId: contract, offset: 10, limit: 5, keysetFrom });
      expect(now.total).toBe(12);
      expect(now.items.map((i) => i.user.id)).toEqual(named.slice(10));
    }
  });

  it("gives the same pages without reasons when asked (reasons: false)", async () => {
    const w = await newWorld();
    const people: string[] = [];
    for (let i = 0; i < 6; i++) people.push(await w.user(`r${i}`, { active: i !== 2 }));
    const inner = await w.group("inner", people.slice(0, 4));
    const outer = await w.group("outer", [inner, people[4]]);
    const repo = await w.repository("bare");
    const other = await w.repository("bare-other");
    const contracts: string[] = [];
    for (let i = 0; i < 5; i++) contracts.push(await w.contract(i % 2 ? repo : other, { type: i % 3 ? "NDA" : "MSA" }));
    await w.rule({ groupId: outer, level: "view", repositoryId: repo });
    await w.rule({ groupId: inner, level: "edit", repositoryId: other, contractTypes: ["NDA"] });
    await w.rule({ userId: people[5], level: "sign", contractId: contracts[1], validUntil: new Date(Date.now() + DAY) });
    const strip = <T extends { reasons: unknown[] }>(items: T[]) => items.map((i) => ({ ...i, reasons: [] }));
    for (const contractId of contracts) {
      for (const [offset, limit] of [[0, 100], [1, 2]]) {
        const full = await whoCanAccessContract(w.prisma, { contractId, offset, limit });
        const bare = await whoCanAccessContract(w.prisma, { contractId, offset, limit, reasons: false });
        expect(bare).toEqual({ total: full.total, items: strip(full.items) });
      }
    }
    let some = 0;
    for (const userId of people) {
      for (const [offset, limit] of [[0, 100], [1, 2]]) {
        const full = await contractsOfUser(w.prisma, { userId, offset, limit });
        const bare = await contractsOfUser(w.prisma, { userId, offset, limit, reasons: false });
        expect(bare).toEqual({ total: full.total, items: strip(full.items) });
        for (const i of full.items) expect(i.contract.repositoryName).toMatch(/^bare/);
        some += full.items.length;
      }
    }
    expect(some).toBeGreaterThan(0);
  });

  it("rejects invalid pagination", async () => {
    const w = await newWorld();
    await expect(whoCanAccessContract(w.prisma, { contractId: "x", offset: -1, limit: 10 })).rejects.toThrow(/offset/);
    await expect(contractsOfUser(w.prisma, { userId: "x", offset: 0, limit: 0 })).rejects.toThrow(/limit/);
  });
});
