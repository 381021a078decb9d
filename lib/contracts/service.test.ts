import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { newRepository, testActor } from "@/lib/testing/api-v1";
import { AppError } from "@/lib/errors";
import {
  bulkUpsertContracts,
  createContract,
  createRepository,
  updateContract,
  updateRepository,
  upsertContractByExternalRef,
} from "./service";
import { getContract, listContractRevisions, listContracts, listRepositories } from "./queries";
import { importContractsCsv } from "./csv-import";

const { db } = setupTestDatabase();
const prisma = () => db().prisma;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

const auditOf = (targetId: string) =>
  prisma().auditEvent.findMany({ where: { targetId }, orderBy: { seq: "asc" }, select: { action: true, before: true, after: true, actorLabel: true } });

describe("repositories", () => {
  it("creates, renames and lists with unique names and audit events", async () => {
    const name = unique("Legal");
    const repo = await createRepository(prisma(), { input: { name, description: "Legal team" }, actor: testActor });
    const dup = await rejection(createRepository(prisma(), { input: { name }, actor: testActor }));
    expect(dup).toBeInstanceOf(AppError);
    expect((dup as AppError).code).toBe("conflict");
    expect(await rejection(createRepository(prisma(), { input: { name: " " }, actor: testActor }))).toBeInstanceOf(ZodError);

    const renamed = await updateRepository(prisma(), { id: repo.id, input: { name: `${name}-2` }, actor: testActor });
    expect(renamed.name).toBe(`${name}-2`);
    const page = await listRepositories(prisma(), { q: `${name}-2`, page: { page: 1, pageSize: 10 } });
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({ id: repo.id, contracts: 0 });
    expect((await auditOf(repo.id)).map((e) => e.action)).toEqual(["repository.created", "repository.updated"]);
    expect((await rejection(updateRepository(prisma(), { id: "nope", input: { name: "x" }, actor: testActor })) as AppError).code).toBe("not_found");
  });
});

describe("upsertContractByExternalRef", () => {
  it("creates, then updates with a version bump and an audit diff, and is a no-op when nothing changed", async () => {
    const repo = await newRepository();
    const ref = unique("CTR");
    const created = await upsertContractByExternalRef(prisma(), {
      externalRef: ref,
      input: { title: "Supply agreement", contractType: "MSA", repository: repo.name, confidentiality: "confidential", endDate: "2030-12-31", tags: ["a", "a", "b"] },
      actor: testActor,
    });
    expect(created.outcome).toBe("created");
    expect(created.contract).toMatchObject({
      externalRef: ref,
      version: 1,
      confidentiality: "confidential",
      status: "active",
      // A date-only end date comes back as the date; access runs through that day (UTC by default).
      endDate: "2030-12-31",
      accessEndsAt: "2031-01-01T00:00:00.000Z",
      tags: ["a", "b"],
      repository: { id: repo.id, name: repo.name },
    });

    const again = await upsertContractByExternalRef(prisma(), {
      externalRef: ref,
      input: { title: "Supply agreement", contractType: "MSA", repositoryId: repo.id, confidentiality: "confidential", endDate: "2030-12-31", tags: ["a", "b"] },
      actor: testActor,
    });
    expect(again.outcome).toBe("unchanged");
    expect(again.contract.version).toBe(1);

    const updated = await upsertContractByExternalRef(prisma(), {
      externalRef: ref,
      input: { title: "Supply agreement v2", contractType: "MSA", repository: repo.name, confidentiality: "confidential", endDate: "2030-12-31" },
      actor: testActor,
    });
    expect(updated.outcome).toBe("updated");
    expect(updated.contract.version).toBe(2);
    const events = await auditOf(created.contract.id);
    expect(events.map((e) => e.action)).toEqual(["contract.created", "contract.updated"]);
    expect(events[1].before).toEqual({ title: "Supply agreement", tags: ["a", "b"] });
    expect(events[1].after).toEqual({ title: "Supply agreement v2", tags: [] });
    // The title is never access-relevant; tags are once an ethical wall has scoped by tag or
    // counterparty (lib/contracts/service.ts wallAttributeScopes: then a tag change opens a
    // revision, so past answers follow past tags). Other files on a shared database may have made one.
    const [walls] = await prisma().$queryRawUnsafe<{ any: boolean }[]>(`SELECT EXISTS (SELECT 1 FROM "WallScope" WHERE kind IN ('counterparty', 'tag')) AS any`);
    expect(await listContractRevisions(prisma(), { contractId: created.contract.id })).toHaveLength(walls.any ? 2 : 1);
  });

  it("closes the current revision and opens the next one when an access-relevant attribute changes", async () => {
    const [a, b] = [await newRepository(), await newRepository()];
    const ref = unique("REV");
    const base = { title: "NDA", contractType: "NDA", confidentiality: "internal" };
    const { contract } = await upsertContractByExternalRef(prisma(), { externalRef: ref, input: { ...base, repository: a.name }, actor: testActor });
    await upsertContractByExternalRef(prisma(), { externalRef: ref, input: { ...base, repository: b.name }, actor: testActor });
    await upsertContractByExternalRef(prisma(), { externalRef: ref, input: { ...base, repository: b.name, confidentiality: "strictly_confidential" }, actor: testActor });
    await upsertContractByExternalRef(prisma(), { externalRef: ref, input: { ...base, repository: b.name, confidentiality: "strictly_confidential", endDate: "2031-01-01" }, actor: testActor });

    const revisions = await listContractRevisions(prisma(), { contractId: contract.id });
    expect(revisions.map((r) => [r.repositoryId, r.confidentiality, r.endDate])).toEqual([
      [a.id, "internal", null],
      [b.id, "internal", null],
      [b.id, "strictly_confidential", null],
      [b.id, "strictly_confidential", "2031-01-01"],
    ]);
    // Contiguous: each revision ends exactly where the next begins; only the last is open.
    for (let i = 0; i < revisions.length - 1; i++) expect(revisions[i].validTo).toBe(revisions[i + 1].validFrom);
    expect(revisions.at(-1)!.validTo).toBeNull();
    // Each revision points at the audit event of the change that opened it.
    const eventIds = (await prisma().auditEvent.findMany({ where: { targetId: contract.id }, orderBy: { seq: "asc" } })).map((e) => e.id);
    expect(revisions.map((r) => r.eventId)).toEqual(eventIds);
  });

  it("settles concurrent creations of one new external reference (one creates, the other updates)", async () => {
    const repo = await newRepository();
    const ref = unique("RACE");
    const results = await Promise.all(
      ["First", "Second"].map((title) =>
        upsertContractByExternalRef(prisma(), { externalRef: ref, input: { title, contractType: "NDA", repository: repo.name }, actor: testActor }),
      ),
    );
    expect(results.map((r) => r.outcome).sort()).toEqual(["created", "updated"]);
    const contract = await getContract(prisma(), { ref });
    expect(contract.version).toBe(2);
    expect(await listContractRevisions(prisma(), { contractId: contract.id })).toHaveLength(1);
  });

  it("rejects invalid input with field errors and unknown repositories", async () => {
    const repo = await newRepository();
    const err = await rejection(
      upsertContractByExternalRef(prisma(), {
        externalRef: unique("BAD"),
        input: { title: "", contractType: "NDA", repository: repo.name, confidentiality: "secret", effectiveDate: "2030-02-01", endDate: "2030-01-01", colour: "red" },
        actor: testActor,
      }),
    );
    expect(err).toBeInstanceOf(ZodError);
    const paths = (err as ZodError).issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["title", "confidentiality", ""]));

    const order = await rejection(
      upsertContractByExternalRef(prisma(), {
        externalRef: unique("BAD"),
        input: { title: "t", contractType: "NDA", repository: repo.name, effectiveDate: "2030-02-01", endDate: "2030-01-01" },
        actor: testActor,
      }),
    );
    expect((order as ZodError).issues[0]).toMatchObject({ path: ["endDate"], message: "must not be before effectiveDate" });

    const missing = await rejection(
      upsertContractByExternalRef(prisma(), { externalRef: unique("BAD"), input: { title: "t", contractType: "NDA", repository: unique("nowhere") }, actor: testActor }),
    );
    expect(missing).toBeInstanceOf(AppError);
    expect((missing as AppError).details).toEqual({ items: [{ index: 0, path: "repository", message: expect.stringContaining("no repository named") }] });
  });
});

describe("bulkUpsertContracts", () => {
  it("writes all items in one go, and nothing when any item is invalid (problems by index)", async () => {
    const repo = await newRepository();
    const refs = [unique("B1"), unique("B2"), unique("B3")];
    const good = refs.map((externalRef, i) => ({ externalRef, title: `Contract ${i}`, contractType: "NDA", repository: repo.name }));
    const first = await bulkUpsertContracts(prisma(), { input: { items: good.slice(0, 2) }, actor: testActor });
    expect(first).toMatchObject({ created: 2, updated: 0, unchanged: 0 });

    const bad = await rejection(
      bulkUpsertContracts(prisma(), {
        input: {
          items: [
            { ...good[0], title: "changed" },
            good[2],
            { ...good[2] },
            { externalRef: unique("B4"), title: "x", contractType: "NDA", repository: unique("none") },
            { externalRef: unique("B5"), contractType: "NDA", repository: repo.name },
          ],
        },
        actor: testActor,
      }),
    );
    expect(bad).toBeInstanceOf(AppError);
    expect((bad as AppError).details).toEqual({
      items: [
        { index: 2, path: "externalRef", message: "duplicate of item 1 in this request" },
        { index: 3, path: "repository", message: expect.stringContaining("no repository named") },
        { index: 4, path: "title", message: expect.any(String) },
      ],
    });
    // All or nothing: the valid items of the failed request were not written.
    expect(await prisma().contract.findUnique({ where: { externalRef: refs[2] } })).toBeNull();
    expect((await getContract(prisma(), { ref: refs[0] })).title).toBe("Contract 0");

    const second = await bulkUpsertContracts(prisma(), { input: { items: [{ ...good[0], title: "changed" }, good[1], good[2]] }, actor: testActor });
    expect(second).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
    expect(second.results.map((r) => r.outcome)).toEqual(["updated", "unchanged", "created"]);

    const tooMany = await rejection(bulkUpsertContracts(prisma(), { input: { items: Array.from({ length: 1001 }, () => good[0]) }, actor: testActor }));
    expect(tooMany).toBeInstanceOf(ZodError);
  });
});

describe("admin create / update / list", () => {
  it("creates without an external reference, edits by id with a version guard, lists paginated", async () => {
    const repo = await newRepository();
    const created = await createContract(prisma(), {
      input: { title: "Hand-made", contractType: "Lease", repositoryId: repo.id, confidentiality: "public" },
      actor: testActor,
    });
    expect(created).toMatchObject({ externalRef: null, version: 1, confidentiality: "public" });
    const edited = await updateContract(prisma(), {
      id: created.id,
      input: { confidentiality: "confidential", owner: "Jane" },
      expectedVersion: 1,
      actor: testActor,
    });
    expect(edited).toMatchObject({ version: 2, confidentiality: "confidential", owner: "Jane", title: "Hand-made" });
    const stale = await rejection(updateContract(prisma(), { id: created.id, input: { owner: "Joe" }, expectedVersion: 1, actor: testActor }));
    expect((stale as AppError).code).toBe("conflict");
    expect(await listContractRevisions(prisma(), { contractId: created.id })).toHaveLength(2);

    const ref = unique("DUP");
    await createContract(prisma(), { input: { externalRef: ref, title: "a", contractType: "Lease", repositoryId: repo.id }, actor: testActor });
    const dup = await rejection(createContract(prisma(), { input: { externalRef: ref, title: "b", contractType: "Lease", repositoryId: repo.id }, actor: testActor }));
    expect((dup as AppError).code).toBe("conflict");

    const page1 = await listContracts(prisma(), { filter: { repositoryId: repo.id }, page: { page: 1, pageSize: 1 } });
    const page2 = await listContracts(prisma(), { filter: { repositoryId: repo.id }, page: { page: 2, pageSize: 1 } });
    expect(page1.total).toBe(2);
    expect(page1.items[0].id).not.toBe(page2.items[0].id);
    expect((await listContracts(prisma(), { filter: { repositoryId: repo.id, confidentiality: "confidential" } })).items.map((c) => c.id)).toEqual([created.id]);
  });
});

describe("importContractsCsv", () => {
  it("imports nothing when any row is invalid, and reports every problem by row and column", async () => {
    const repo = await newRepository();
    const [r1, r2, r3] = [unique("C1"), unique("C2"), unique("C3")];
    const csv = [
      "\uFEFFexternalRef,title,counterparty,contractType,confidentiality,status,effectiveDate,endDate,owner,repository,tags",
      `${r1},"Supply, with comma",ACME,MSA,Confidential,active,2026-01-01,2027-01-01,Jane,${repo.name},a;b`,
      `${r2},"Multi-line\ntitle ""quoted""",,NDA,secret,active,,,,"${repo.name}",`,
      `${r3},Ok,,NDA,internal,sleeping,2026-13-01,,,${repo.name},`,
      `${r1},Duplicate,,NDA,,,,,,${repo.name},`,
      `${unique("C5")},No repo,,NDA,,,,,,${unique("nowhere")},`,
      `${unique("C6")},Short row`,
    ].join("\r\n");
    const result = await importContractsCsv(prisma(), { csv, actor: testActor });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    // Row 3 spans two lines (a quoted line break) and still counts as one row.
    expect(result.problems).toEqual([
      { row: 3, column: "title", problem: "must not contain control characters" },
      { row: 3, column: "confidentiality", problem: expect.any(String) },
      { row: 4, column: "status", problem: expect.any(String) },
      { row: 4, column: "effectiveDate", problem: expect.any(String) },
      { row: 5, column: "externalRef", problem: "the same externalRef as row 2" },
      { row: 7, column: null, problem: "has 2 fields; the header has 11" },
      { row: 6, column: "repository", problem: expect.stringContaining("no repository named") },
    ].sort((a, b) => a.row - b.row));
    expect(await prisma().contract.count({ where: { externalRef: { in: [r1, r2, r3] } } })).toBe(0);
  });

  it("imports every row in one transaction through the service when the file is valid", async () => {
    const repo = await newRepository();
    const [r1, r2] = [unique("I1"), unique("I2")];
    const csv = `title,externalRef,contractType,repository,tags,confidentiality\n"Supply, with comma",${r1},MSA,${repo.name},x;y,Strictly Confidential\n"The ""quoted"" one",${r2},NDA,${repo.name},,\n`;
    const result = await importContractsCsv(prisma(), { csv, actor: testActor });
    expect(result).toEqual({ ok: true, rows: 2, created: 2, updated: 0, unchanged: 0 });
    const c1 = await getContract(prisma(), { ref: r1 });
    expect(c1).toMatchObject({ title: "Supply, with comma", tags: ["x", "y"], confidentiality: "strictly_confidential" });
    expect((await getContract(prisma(), { ref: r2 })).title).toBe('The "quoted" one');
    expect(await listContractRevisions(prisma(), { contractId: c1.id })).toHaveLength(1);
    expect((await auditOf(c1.id)).map((e) => e.action)).toEqual(["contract.created"]);

    const again = await importContractsCsv(prisma(), { csv: csv.replace("Supply, with comma", "Supply v2"), actor: testActor });
    expect(again).toEqual({ ok: true, rows: 2, created: 0, updated: 1, unchanged: 1 });
  });

  it("reports header problems on row 1", async () => {
    const result = await importContractsCsv(prisma(), { csv: "externalRef,title,colour\nx,y,z\n", actor: testActor });
    expect(result).toEqual({
      ok: false,
      totalProblems: 3,
      problems: [
        { row: 1, column: "colour", problem: expect.stringContaining("unknown column") },
        { row: 1, column: "contractType", problem: "required column is missing" },
        { row: 1, column: "repository", problem: "required column is missing" },
      ],
    });
  });
});
