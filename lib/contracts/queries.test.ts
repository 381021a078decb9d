import { describe, expect, it } from "vitest";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { createContract, createRepository, updateContract } from "@/lib/contracts/service";
import { contractTypes, getContractDetail, getRepositoryDetail, listContractsForAdmin } from "./queries";

const { db } = setupTestDatabase();
const actor = { type: "admin" as const, id: "a1", label: "admin@example.com" };

describe("contract read models", () => {
  it("filters, sorts and paginates contracts; details a repository and a contract", async () => {
    const prisma = db().prisma;
    const repo = await createRepository(prisma, { input: { name: unique("Sortable") }, actor });
    const make = (title: string, confidentiality: string, endDate: string | null, contractType = "NDA") =>
      createContract(prisma, { input: { title, contractType, confidentiality, endDate, repositoryId: repo.id } as never, actor });
    const b = await make("Bravo", "strictly_confidential", "2030-01-01");
    await make("Alpha", "public", null, "MSA");
    await make("Charlie", "internal", "2020-06-30");

    const byTitle = await listContractsForAdmin(prisma, { repositoryId: repo.id });
    expect(byTitle.items.map((c) => c.title)).toEqual(["Alpha", "Bravo", "Charlie"]);
    const byEnd = await listContractsForAdmin(prisma, { repositoryId: repo.id, sort: "endDate", order: "asc" });
    expect(byEnd.items.map((c) => c.title)).toEqual(["Charlie", "Bravo", "Alpha"]); // no end date last
    const conf = await listContractsForAdmin(prisma, { repositoryId: repo.id, sort: "confidentiality", order: "desc", confidentiality: "" });
    expect(conf.items.map((c) => c.confidentiality)).toEqual(["strictly_confidential", "internal", "public"]);
    const filtered = await listContractsForAdmin(prisma, { repositoryId: repo.id, contractType: "NDA", q: "bra" });
    expect(filtered.items.map((c) => c.id)).toEqual([b.id]);
    const paged = await listContractsForAdmin(prisma, { repositoryId: repo.id, page: "2", pageSize: "2" });
    expect(paged).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(paged.items).toHaveLength(1);
    await expect(listContractsForAdmin(prisma, { sort: "hacked" })).rejects.toThrow();

    expect(await contractTypes(prisma, { repositoryId: repo.id })).toEqual(["MSA", "NDA"]);
    const detail = await getRepositoryDetail(prisma, { id: repo.id });
    expect(detail.byConfidentiality).toEqual({ public: 1, internal: 1, confidential: 0, strictly_confidential: 1 });
    expect(detail).toMatchObject({ ended: 1, byStatus: { active: 3 }, repository: { contracts: 3 } });
    await expect(getRepositoryDetail(prisma, { id: "00000000-0000-0000-0000-000000000000" })).rejects.toMatchObject({ code: "not_found" });

    await updateContract(prisma, { id: b.id, input: { confidentiality: "internal" }, actor });
    const contract = await getContractDetail(prisma, { id: b.id });
    expect(contract.ended).toBe(false);
    expect(contract.revisions.map((r) => r.confidentiality)).toEqual(["strictly_confidential", "internal"]);
  });
});
