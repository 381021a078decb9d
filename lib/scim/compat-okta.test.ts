// Okta (and OneLogin) replayed against the real route handler and database: catalogue-mode
// GET-then-PUT, custom-wizard PUT, path-less deactivation, imports by pages of 100, group pushes
// (developer.okta.com …/guides/scim-20/, /work/shared/scim-compat.md).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db/client";
import { flushRequestLog } from "@/lib/scim/request-log";
import { userDataFromDoc } from "@/lib/scim/mapping";
import { derivedUserColumns } from "@/lib/scim/user-data";
import { normalizeResource } from "@/lib/scim/normalize-resource";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { newDirectory, patchBody, q, type ScimClient } from "@/lib/testing/scim";
import { ERROR, GROUP_SCHEMA as GROUP, LIST_RESPONSE as LIST, PATCH_OP, USER_SCHEMA as CORE } from "@/lib/scim/schema";

setupTestDatabase();

const OKTA_UA = { "user-agent": "Okta SCIM Client 1.0.0" };

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any


/** Okta's create body (documented example), with a placeholder password and unique values. */
function oktaUser(overrides: Doc = {}): Doc {
  const tag = unique("okta");
  return {
    schemas: [CORE],
    userName: `${tag}@okta.example`,
    name: { givenName: "Test", familyName: "User" },
    emails: [{ primary: true, value: `${tag}@okta.example`, type: "work" }],
    displayName: "Test User",
    locale: "en-US",
    externalId: `00u${tag.replace(/[^a-z0-9]/gi, "")}`,
    groups: [],
    password: `pw-${randomUUID()}`,
    active: true,
    ...overrides,
  };
}

async function createUser(scim: ScimClient, overrides: Doc = {}): Promise<Doc> {
  const res = await scim.post<Doc>("/Users", oktaUser(overrides), OKTA_UA);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function createGroup(scim: ScimClient, members: string[] = [], displayName = unique("Okta Group")): Promise<Doc> {
  const res = await scim.post<Doc>("/Groups", { schemas: [GROUP], displayName, members: members.map((value) => ({ value })) }, OKTA_UA);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function memberIds(scim: ScimClient, groupId: string): Promise<string[]> {
  const res = await scim.get<Doc>(`/Groups/${groupId}`);
  expect(res.status).toBe(200);
  return ((res.body.members ?? []) as Doc[]).map((m) => m.value as string).sort();
}

describe("Okta: users", () => {
  it("checks existence with startIndex=1&count=100, creates, and gets 409 on a duplicate", async () => {
    const { scim } = await newDirectory("okta");
    const body = oktaUser();
    const lookup = `/Users${q(`userName eq "${body.userName}"`, "&startIndex=1&count=100")}`;
    const before = await scim.get<Doc>(lookup, OKTA_UA);
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ schemas: [LIST], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });

    const created = await scim.post<Doc>("/Users", body, OKTA_UA);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      userName: body.userName,
      name: body.name,
      emails: body.emails,
      displayName: "Test User",
      locale: "en-US",
      externalId: body.externalId,
      active: true,
    });
    expect(created.body.password).toBeUndefined();
    expect(created.body.groups).toBeUndefined();

    const after = await scim.get<Doc>(lookup, OKTA_UA);
    expect(after.body.totalResults).toBe(1);
    expect(after.body.startIndex).toBe(1);
    expect(after.body.itemsPerPage).toBe(1);
    expect(after.body.Resources[0].id).toBe(created.body.id);
    expect(after.body.Resources[0].password).toBeUndefined();

    for (const userName of [body.userName, (body.userName as string).toUpperCase()]) {
      const dup = await scim.post<Doc>("/Users", oktaUser({ userName }), OKTA_UA);
      expect(dup.status).toBe(409);
      expect(dup.body).toEqual({ schemas: [ERROR], status: "409", scimType: "uniqueness", detail: expect.any(String) });
    }
  });

  it("catalogue mode: GET then PUT the full object (id, meta, groups, password) replaces the user", async () => {
    const { directory, scim } = await newDirectory("okta");
    const body = oktaUser({ title: "Analyst", nickName: "Tess" });
    const created = await createUser(scim, body);
    const group = await createGroup(scim, [created.id]);

    const got = await scim.get<Doc>(`/Users/${created.id}`, OKTA_UA);
    expect(got.body.groups).toHaveLength(1);
    const password = `placeholder-${randomUUID()}`;
    // Okta sends back what it read, with its changes: title changed, nickName dropped.
    const { nickName: _dropped, ...rest } = got.body; // eslint-disable-line @typescript-eslint/no-unused-vars
    const put = await scim.put<Doc>(
      `/Users/${created.id}`,
      { ...rest, title: "Senior Analyst", name: { givenName: "Tess", familyName: "User" }, password },
      OKTA_UA,
    );
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.id).toBe(created.id);
    expect(put.body.title).toBe("Senior Analyst");
    expect(put.body.nickName).toBeUndefined(); // PUT replaces: omitted attributes are cleared
    expect(put.body.name).toEqual({ givenName: "Tess", familyName: "User" });
    expect(put.body.password).toBeUndefined();
    expect(put.body.meta.created).toBe(got.body.meta.created);
    expect(put.body.meta.version).not.toBe(got.body.meta.version);
    // `groups` is read-only on a user: the PUT did not change membership.
    expect(put.body.groups).toEqual(got.body.groups);
    expect(await memberIds(scim, group.id)).toEqual([created.id]);

    // The password exists nowhere: not in the row, not in the audit trail, not in the request log.
    await flushRequestLog();
    const prisma = await getPrisma();
    const row = await prisma.user.findUniqueOrThrow({ where: { id: created.id as string } });
    const events = await prisma.auditEvent.findMany({ where: { directoryId: directory.id }, orderBy: { seq: "asc" } });
    const logs = await prisma.requestLog.findMany({ where: { directoryId: directory.id } });
    const stored = JSON.stringify([row, events, logs], (_k, v) => (typeof v === "bigint" ? String(v) : v));
    expect(stored).not.toContain(password);
    expect(stored).not.toContain(body.password);
    expect(stored.toLowerCase()).not.toContain('"password"');
    expect(events.filter((e) => e.targetId === created.id).map((e) => e.action)).toEqual(["user.created", "user.updated"]);
  });

  it("PUT that only repeats the current state changes nothing and records nothing", async () => {
    const { scim } = await newDirectory("okta");
    const created = await createUser(scim);
    const got = await scim.get<Doc>(`/Users/${created.id}`);
    const put = await scim.put<Doc>(`/Users/${created.id}`, { ...got.body, password: "x" });
    expect(put.status).toBe(200);
    expect(put.body.meta.version).toBe(got.body.meta.version);
    const prisma = await getPrisma();
    expect(await prisma.auditEvent.count({ where: { targetId: created.id as string } })).toBe(1);
  });

  it("custom-wizard mode deactivates and reactivates with PUT; path-less replace {active:false} deactivates", async () => {
    const { scim } = await newDirectory("okta");
    const a = await createUser(scim);
    const b = await createUser(scim);

    const off = await scim.put<Doc>(`/Users/${a.id}`, oktaUser({ userName: a.userName, externalId: a.externalId, active: false }));
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    const on = await scim.put<Doc>(`/Users/${a.id}`, oktaUser({ userName: a.userName, externalId: a.externalId, active: true }));
    expect(on.body.active).toBe(true);

    const deactivated = await scim.patch<Doc>(`/Users/${b.id}`, patchBody({ op: "replace", value: { active: false } }), OKTA_UA);
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.active).toBe(false);
    expect((await scim.get<Doc>(`/Users/${b.id}`)).body.active).toBe(false);

    // Okta never deletes; inactive users stay in imports.
    const all = await scim.get<Doc>("/Users?startIndex=1&count=100");
    expect(all.body.Resources.map((r: Doc) => r.id).sort()).toEqual([a.id, b.id].sort());

    // A PUT with another user's userName is a conflict.
    const clash = await scim.put<Doc>(`/Users/${b.id}`, oktaUser({ userName: (a.userName as string).toUpperCase() }));
    expect(clash.status).toBe(409);
    expect(clash.body.scimType).toBe("uniqueness");
  });

  it("imports in pages of 100: integer totals, echoed startIndex, stable order, every user once", async () => {
    const { directory, scim } = await newDirectory("okta");
    const prisma = await getPrisma();
    const total = 230;
    // Seeded directly (the import is what is under test); several users share one creation
    // instant, so the order must have a tie-breaker.
    const sameInstant = new Date();
    const rows = Array.from({ length: total }, (_, i) => {
      const doc = normalizeResource("User", oktaUser({ active: i % 7 !== 0 }), { mode: "create" }).doc;
      const data = userDataFromDoc(doc);
      return {
        ...data,
        ...derivedUserColumns(data),
        directoryId: directory.id,
        createdAt: i < 150 ? sameInstant : new Date(sameInstant.getTime() + i),
        updatedAt: sameInstant,
      };
    });
    await prisma.user.createMany({ data: rows as never });

    const seen: string[] = [];
    for (let startIndex = 1; startIndex <= total; startIndex += 100) {
      const page = await scim.get<Doc>(`/Users?startIndex=${startIndex}&count=100`, OKTA_UA);
      expect(page.status).toBe(200);
      expect(page.body.schemas).toEqual([LIST]);
      expect(page.body.totalResults).toBe(total);
      expect(page.body.startIndex).toBe(startIndex);
      expect(page.body.itemsPerPage).toBe(Math.min(100, total - startIndex + 1));
      expect(page.body.Resources).toHaveLength(page.body.itemsPerPage);
      seen.push(...page.body.Resources.map((r: Doc) => r.id as string));
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    const ids = new Set((await prisma.user.findMany({ where: { directoryId: directory.id }, select: { id: true } })).map((r) => r.id));
    expect(seen.every((id) => ids.has(id))).toBe(true);

    // Same pages again: same order.
    const again: string[] = [];
    for (let startIndex = 1; startIndex <= total; startIndex += 100) {
      const page = await scim.get<Doc>(`/Users?startIndex=${startIndex}&count=100`);
      again.push(...page.body.Resources.map((r: Doc) => r.id as string));
    }
    expect(again).toEqual(seen);

    // Past the end: an empty page, still with the total.
    const beyond = await scim.get<Doc>("/Users?startIndex=301&count=100");
    expect(beyond.body).toMatchObject({ totalResults: total, startIndex: 301, itemsPerPage: 0, Resources: [] });
    // Numbers, never strings.
    for (const key of ["totalResults", "startIndex", "itemsPerPage"]) expect(typeof beyond.body[key]).toBe("number");
  });
});

describe("Okta: groups", () => {
  it("creates with members: [], looks up by displayName, renames with a path-less replace carrying id", async () => {
    const { scim } = await newDirectory("okta");
    const name = unique("Engineering");
    const created = await scim.post<Doc>("/Groups", { schemas: [GROUP], displayName: name, members: [] }, OKTA_UA);
    expect(created.status).toBe(201);
    expect(created.body.displayName).toBe(name);
    expect(created.body.members ?? []).toEqual([]);

    const lookup = await scim.get<Doc>(`/Groups${q(`displayName eq "${name}"`, "&startIndex=1&count=100")}`);
    expect(lookup.body.totalResults).toBe(1);

    const renamed = await scim.patch(
      `/Groups/${created.body.id}`,
      patchBody({ op: "replace", value: { id: created.body.id, displayName: `${name} v2` } }),
      OKTA_UA,
    );
    expect(renamed.status).toBe(204);
    const read = await scim.get<Doc>(`/Groups/${created.body.id}`);
    expect(read.body.id).toBe(created.body.id);
    expect(read.body.displayName).toBe(`${name} v2`);
    // Lookups by the new name find it; by the old name, nothing.
    expect((await scim.get<Doc>(`/Groups${q(`displayName eq "${name} v2"`)}`)).body.totalResults).toBe(1);
    expect((await scim.get<Doc>(`/Groups${q(`displayName eq "${name}"`)}`)).body.totalResults).toBe(0);

    // A path-less replace with a different id must not change the id.
    const forged = await scim.patch(`/Groups/${created.body.id}`, patchBody({ op: "replace", value: { id: randomUUID(), displayName: `${name} v3` } }));
    expect(forged.status).toBe(204);
    expect((await scim.get<Doc>(`/Groups/${created.body.id}`)).body.displayName).toBe(`${name} v3`);
  });

  it("applies remove-then-add in one PATCH, replace on members, and PUT with the full member list", async () => {
    const { scim } = await newDirectory("okta");
    const [u1, u2, u3, u4] = await Promise.all([createUser(scim), createUser(scim), createUser(scim), createUser(scim)]);
    const group = await createGroup(scim, [u1.id, u2.id]);
    expect(((group.members ?? []) as Doc[]).map((m) => m.value).sort()).toEqual([u1.id, u2.id].sort());

    const swap = await scim.patch(
      `/Groups/${group.id}`,
      patchBody(
        { op: "remove", path: `members[value eq "${u1.id}"]` },
        { op: "add", path: "members", value: [{ value: u3.id, display: u3.userName }] },
      ),
      OKTA_UA,
    );
    expect(swap.status).toBe(204);
    expect(await memberIds(scim, group.id)).toEqual([u2.id, u3.id].sort());

    // Removing and re-adding the same member in one request keeps it.
    const same = await scim.patch(
      `/Groups/${group.id}`,
      patchBody({ op: "remove", path: `members[value eq "${u2.id}"]` }, { op: "add", path: "members", value: [{ value: u2.id }] }),
    );
    expect(same.status).toBe(204);
    expect(await memberIds(scim, group.id)).toEqual([u2.id, u3.id].sort());

    const replaced = await scim.patch(`/Groups/${group.id}`, patchBody({ op: "replace", path: "members", value: [{ value: u4.id }, { value: u1.id }] }));
    expect(replaced.status).toBe(204);
    expect(await memberIds(scim, group.id)).toEqual([u1.id, u4.id].sort());

    const put = await scim.put<Doc>(
      `/Groups/${group.id}`,
      { schemas: [GROUP], id: group.id, displayName: group.displayName, members: [u2.id, u3.id, u4.id].map((value) => ({ value })) },
      OKTA_UA,
    );
    expect(put.status).toBe(200);
    expect(((put.body.members ?? []) as Doc[]).map((m) => m.value).sort()).toEqual([u2.id, u3.id, u4.id].sort());
    expect(await memberIds(scim, group.id)).toEqual([u2.id, u3.id, u4.id].sort());

    // PUT without members empties the group (PUT replaces).
    const emptied = await scim.put<Doc>(`/Groups/${group.id}`, { schemas: [GROUP], displayName: group.displayName });
    expect(emptied.status).toBe(200);
    expect(await memberIds(scim, group.id)).toEqual([]);

    // The membership history has an interval per stint.
    const prisma = await getPrisma();
    const intervals = await prisma.membershipInterval.findMany({ where: { groupId: group.id as string } });
    expect(intervals.filter((i) => i.validTo === null)).toHaveLength(0);
    expect(intervals.filter((i) => i.memberUserId === u1.id)).toHaveLength(2);
  });

  it("accepts members inside a path-less add or replace, next to other attributes", async () => {
    const { scim } = await newDirectory("okta");
    const [u1, u2, u3] = await Promise.all([createUser(scim), createUser(scim), createUser(scim)]);
    const group = await createGroup(scim, [u1.id]);
    const added = await scim.patch(
      `/Groups/${group.id}`,
      patchBody({ op: "add", value: { members: [{ value: u2.id }], externalId: "okta-grp-1" } }),
    );
    expect(added.status).toBe(204);
    expect(await memberIds(scim, group.id)).toEqual([u1.id, u2.id].sort());
    expect((await scim.get<Doc>(`/Groups/${group.id}`)).body.externalId).toBe("okta-grp-1");
    const replaced = await scim.patch(
      `/Groups/${group.id}`,
      patchBody({ op: "replace", value: { id: group.id, displayName: `${group.displayName} (r)`, members: [{ value: u3.id }] } }),
    );
    expect(replaced.status).toBe(204);
    const read = await scim.get<Doc>(`/Groups/${group.id}`);
    expect(read.body.displayName).toBe(`${group.displayName} (r)`);
    expect(read.body.members.map((m: Doc) => m.value)).toEqual([u3.id]);
  });

  it("answers 409 on a duplicate displayName (case-insensitively), on create and on rename", async () => {
    const { scim } = await newDirectory("okta");
    const name = unique("Finance");
    await createGroup(scim, [], name);
    const dup = await scim.post<Doc>("/Groups", { schemas: [GROUP], displayName: name.toLowerCase(), members: [] });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ schemas: [ERROR], status: "409", scimType: "uniqueness" });
    const other = await createGroup(scim);
    const rename = await scim.patch<Doc>(`/Groups/${other.id}`, patchBody({ op: "replace", value: { displayName: name.toUpperCase() } }));
    expect(rename.status).toBe(409);
    expect(rename.body.scimType).toBe("uniqueness");
    expect((await scim.get<Doc>(`/Groups/${other.id}`)).body.displayName).toBe(other.displayName);
    // The same name in another directory is fine.
    const elsewhere = await newDirectory("okta");
    await createGroup(elsewhere.scim, [], name);
  });

  it("deletes a group when an admin unlinks it; its users remain", async () => {
    const { scim } = await newDirectory("okta");
    const user = await createUser(scim);
    const group = await createGroup(scim, [user.id]);
    expect((await scim.delete(`/Groups/${group.id}`)).status).toBe(204);
    expect((await scim.get(`/Groups/${group.id}`)).status).toBe(404);
    expect((await scim.get(`/Users/${user.id}`)).status).toBe(200);
  });
});

describe("OneLogin", () => {
  it("adds members with a lowercase add and reads them back", async () => {
    const { scim } = await newDirectory("onelogin");
    const [u1, u2] = await Promise.all([createUser(scim), createUser(scim)]);
    const group = await createGroup(scim);
    const res = await scim.patch(`/Groups/${group.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "add", path: "members", value: [{ value: u1.id }, { value: u2.id }] }],
    });
    expect(res.status).toBe(204);
    expect(await memberIds(scim, group.id)).toEqual([u1.id, u2.id].sort());
    const byGroup = await scim.get<Doc>(`/Users${q(`groups.value eq "${group.id}"`)}`);
    expect(byGroup.body.Resources.map((r: Doc) => r.id).sort()).toEqual([u1.id, u2.id].sort());
  });
});
