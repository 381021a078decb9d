// Test fixtures for the access engine: a world built only through the real services — users,
// groups and memberships over SCIM (real route handler), repositories and contracts through the
// contract service, rules through the rule service — with uniquely named data, so tests can share
// one PostgreSQL database.
import { expect } from "vitest";
import type { Actor } from "@/lib/audit/record";
import { createContract, createRepository, updateContract } from "@/lib/contracts/service";
import { getPrisma } from "@/lib/db/client";
import { createRule, deleteRule, updateRule } from "@/lib/rules/service";
import { unique } from "@/lib/testing/database";
import { newDirectory } from "@/lib/testing/scim";

const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The current instant, strictly after every write so far and before any later one. */
export async function instant(): Promise<Date> {
  await sleep(5);
  const t = new Date();
  await sleep(5);
  return t;
}

export const admin: Actor = { type: "admin", id: "access-test", label: "access test" };

export async function newWorld() {
  const prisma = await getPrisma();
  const { directory, scim } = await newDirectory();
  const tag = unique("w");

  async function user(name: string, options: { active?: boolean } = {}): Promise<string> {
    const res = await scim.post("/Users", { schemas: [USER_SCHEMA], userName: `${name}-${tag}@example.com`, active: options.active ?? true });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function group(name: string, members: string[] = []): Promise<string> {
    const res = await scim.post("/Groups", {
      schemas: [GROUP_SCHEMA],
      displayName: `${name}-${tag}`,
      members: members.map((value) => ({ value })),
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function addMembers(groupId: string, ids: string[]) {
    const res = await scim.patch(`/Groups/${groupId}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: "add", path: "members", value: ids.map((value) => ({ value })) }],
    });
    expect(res.status).toBeLessThan(300);
  }

  async function removeMember(groupId: string, id: string) {
    const res = await scim.patch(`/Groups/${groupId}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: "remove", path: `members[value eq "${id}"]` }],
    });
    expect(res.status).toBeLessThan(300);
  }

  async function setActive(userId: string, active: boolean) {
    const res = await scim.patch(`/Users/${userId}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: "replace", path: "active", value: active }],
    });
    expect(res.status).toBe(200);
  }

  async function removeUser(userId: string) {
    expect((await scim.delete(`/Users/${userId}`)).status).toBe(204);
  }

  async function removeGroup(groupId: string) {
    expect((await scim.delete(`/Groups/${groupId}`)).status).toBe(204);
  }

  async function repository(name: string): Promise<string> {
    return (await createRepository(prisma, { input: { name: `${name}-${tag}` }, actor: admin })).id;
  }

  async function contract(
    repositoryId: string,
    options: {
      title?: string;
      type?: string;
      confidentiality?: "public" | "internal" | "confidential" | "strictly_confidential";
      endDate?: Date | null;
      counterparty?: string;
      tags?: string[];
    } = {},
  ): Promise<string> {
    const created = await createContract(prisma, {
      input: {
        ...(options.counterparty ? { counterparty: options.counterparty } : {}),
        ...(options.tags ? { tags: options.tags } : {}),
        title: options.title ?? unique("contract"),
        contractType: options.type ?? "NDA",
        confidentiality: options.confidentiality ?? "internal",
        endDate: options.endDate ? options.endDate.toISOString() : null,
        ...(options.counterparty ? { counterparty: options.counterparty } : {}),
        repositoryId,
      },
      actor: admin,
    });
    return created.id;
  }

  async function changeContract(id: string, input: Parameters<typeof updateContract>[1]["input"]) {
    await updateContract(prisma, { id, input, actor: admin });
  }

  type RuleInput = {
    /** Default: a unique name. */
    name?: string;
    groupId?: string;
    userId?: string;
    level: "view" | "comment" | "edit" | "sign" | "manage";
    repositoryId?: string;
    contractId?: string;
    contractTypes?: string[];
    confidentialityCeiling?: "public" | "internal" | "confidential" | "strictly_confidential";
    validFrom?: Date;
    validUntil?: Date;
    graceDaysAfterEnd?: number;
  };

  const iso = (d?: Date) => d?.toISOString();

  async function rule(input: RuleInput): Promise<string> {
    const view = await createRule(prisma, {
      input: { name: unique("rule"), ...input, validFrom: iso(input.validFrom), validUntil: iso(input.validUntil), justification: "access engine test" },
      actor: admin,
    });
    return view.id;
  }

  async function editRule(id: string, patch: Partial<RuleInput>) {
    await updateRule(prisma, {
      id,
      input: { ...patch, validFrom: iso(patch.validFrom), validUntil: iso(patch.validUntil) },
      actor: admin,
    });
  }

  async function dropRule(id: string) {
    await deleteRule(prisma, { id, input: { justification: "no longer needed" }, actor: admin });
  }

  return {
    prisma,
    directory,
    scim,
    tag,
    user,
    group,
    addMembers,
    removeMember,
    setActive,
    removeUser,
    removeGroup,
    repository,
    contract,
    changeContract,
    rule,
    editRule,
    dropRule,
  };
}

export type World = Awaited<ReturnType<typeof newWorld>>;

/** A directory person of the world with a primary e-mail (where review notifications go). */
export async function person(w: World, name: string): Promise<{ id: string; email: string }> {
  const email = `${name}-${w.tag}@example.test`;
  const res = await w.scim.post("/Users", {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
    userName: email,
    emails: [{ value: email, primary: true, type: "work" }],
    active: true,
  });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, email };
}
