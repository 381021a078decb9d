// Issue 14 (hardening), through the real SCIM handler on a real database: what a hostile review and
// an independent SCIM checker reproduced. Each block names the item it covers.
import { describe, expect, it } from "vitest";
import { checkAccess } from "@/lib/access/effective-access";
import { resourceLabel } from "@/lib/monitoring/metrics";
import { newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { newDirectory, patchBody, q } from "@/lib/testing/scim";
import { MAX_PATCH_MEMBER_VALUES } from "./group-member-patch";
import { flushRequestLog } from "./request-log";
import { MAX_PATCH_OPERATIONS } from "./patch";
import { GROUP_SCHEMA, USER_SCHEMA } from "./schema";

const { db } = setupTestDatabase();

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const requestLogLines = (userAgent: string) => db().prisma.requestLog.count({ where: { userAgent } });

describe("item 1: a PATCH that removes or nulls `active` never enables anyone", () => {
  const shapes: [string, unknown[]][] = [
    ["remove active", [{ op: "remove", path: "active" }]],
    ["replace active null", [{ op: "replace", path: "active", value: null }]],
    ['Replace active ""', [{ op: "Replace", path: "active", value: "" }]],
    ["path-less replace {active: null}", [{ op: "replace", value: { active: null } }]],
    ["path-less add {active: null}", [{ op: "add", value: { active: null } }]],
    ["remove via the core schema URN", [{ op: "remove", path: `${USER_SCHEMA}:active` }]],
  ];
  for (const [label, operations] of shapes) {
    it(`${label}: a deactivated user stays deactivated, access stays off, the response tells the stored state`, async () => {
      const w = await newWorld();
      const userId = await w.user("leaver");
      const group = await w.group("team", [userId]);
      const repo = await w.repository("deals");
      const contractId = await w.contract(repo);
      await w.rule({ groupId: group, level: "view", repositoryId: repo });
      await w.setActive(userId, false);
      expect((await checkAccess(w.prisma, { userId, contractId })).allowed).toBe(false);
      const grantsBefore = await w.prisma.auditEvent.count({ where: { targetId: userId, action: "access.granted" } });

      const res = await w.scim.patch<Doc>(`/Users/${userId}`, patchBody(...operations));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.active).toBe(false);
      expect((await w.prisma.user.findUniqueOrThrow({ where: { id: userId } })).active).toBe(false);
      expect((await w.scim.get<Doc>(`/Users/${userId}`)).body.active).toBe(false);
      expect((await checkAccess(w.prisma, { userId, contractId })).allowed).toBe(false);
      expect(await w.prisma.auditEvent.count({ where: { targetId: userId, action: "access.granted" } })).toBe(grantsBefore);
    });
  }

  it("on an active user, unassigning `active` disables them (fail-safe), and the answer says so", async () => {
    const { scim } = await newDirectory();
    const created = await scim.post<Doc>("/Users", { schemas: [USER_SCHEMA], userName: `${unique("u")}@example.com`, active: true });
    const res = await scim.patch<Doc>(`/Users/${created.body.id}`, patchBody({ op: "remove", path: "active" }));
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    // Setting it again enables, as before.
    const back = await scim.patch<Doc>(`/Users/${created.body.id}`, patchBody({ op: "replace", path: "active", value: "True" }));
    expect(back.body.active).toBe(true);
  });
});

describe("item 8: group member operations are folded into one net change and bounded", () => {
  it("a 1,000-operation PATCH alternating add/remove of one member touches nothing", async () => {
    const w = await newWorld();
    const member = await w.user("churn");
    const group = await w.group("churned", [member]);
    // A rule reaching the group sends membership changes through the locking transaction.
    const repo = await w.repository("churn-repo");
    await w.contract(repo);
    await w.rule({ groupId: group, level: "view", repositoryId: repo });
    const row = async () => w.prisma.groupMember.findFirstOrThrow({ where: { groupId: group, memberUserId: member } });
    const before = await row();
    const version = (await w.prisma.group.findUniqueOrThrow({ where: { id: group } })).version;
    const events = await w.prisma.auditEvent.count();

    // MAX_PATCH_OPERATIONS (1,000) operations: the most one PATCH may have.
    const operations = Array.from({ length: 1000 }, (_, i) =>
      i % 2 === 0 ? { op: "remove", path: `members[value eq "${member}"]` } : { op: "add", path: "members", value: [{ value: member }] },
    );
    const res = await w.scim.patch(`/Groups/${group}`, patchBody(...operations));
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    // The membership row was never deleted and re-inserted: the net change is empty.
    const after = await row();
    expect(after.id).toBe(before.id);
    expect(after.createdAt.getTime()).toBe(before.createdAt.getTime());
    expect((await w.prisma.group.findUniqueOrThrow({ where: { id: group } })).version).toBe(version);
    expect(await w.prisma.auditEvent.count()).toBe(events);
    expect(await w.prisma.membershipInterval.count({ where: { groupId: group, memberUserId: member } })).toBe(1);

    // The same churn ending on a remove: one removal, one audit event.
    const removing = await w.scim.patch(`/Groups/${group}`, patchBody(...operations.slice(1), { op: "remove", path: `members[value eq "${member}"]` }));
    expect(removing.status, JSON.stringify(removing.body)).toBe(204);
    expect(await w.prisma.groupMember.count({ where: { groupId: group } })).toBe(0);
    const changed = await w.prisma.auditEvent.findMany({ where: { targetId: group, action: "group.members_changed" }, orderBy: { seq: "desc" }, take: 1 });
    expect(changed[0].after).toMatchObject({ membersAdded: 0, membersRemoved: 1 });
  });

  it("keeps the order semantics: replace, then remove and add, nets to the right set", async () => {
    const w = await newWorld();
    const [a, b, c] = [await w.user("a"), await w.user("b"), await w.user("c")];
    const group = await w.group("ordered", [a]);
    const res = await w.scim.patch(
      `/Groups/${group}`,
      patchBody(
        { op: "replace", path: "members", value: [{ value: b }, { value: c }] },
        { op: "remove", path: `members[value eq "${c}"]` },
        { op: "add", path: "members", value: [{ value: a }] },
        { op: "remove", path: "members", value: [{ value: a }] },
        { op: "add", path: "members", value: [{ value: c }] },
      ),
    );
    expect(res.status).toBe(204);
    const members = await w.prisma.groupMember.findMany({ where: { groupId: group } });
    expect(members.map((m) => m.memberUserId).sort()).toEqual([b, c].sort());
  });

  it(`refuses more than ${MAX_PATCH_MEMBER_VALUES} member values in one PATCH with 400 invalidValue, and advertises the bound`, async () => {
    const { scim } = await newDirectory();
    const group = await scim.post<Doc>("/Groups", { schemas: [GROUP_SCHEMA], displayName: unique("Big") });
    const ids = Array.from({ length: MAX_PATCH_MEMBER_VALUES + 1 }, (_, i) => `m${i}`);
    const res = await scim.patch<Doc>(`/Groups/${group.body.id}`, patchBody({ op: "add", path: "members", value: ids.map((value) => ({ value })) }));
    expect(res.status).toBe(400);
    expect(res.body.scimType).toBe("invalidValue");
    expect(res.body.detail).toContain(String(MAX_PATCH_MEMBER_VALUES));
    // Spread over several operations, the bound is the same.
    const chunks = Array.from({ length: Math.ceil(ids.length / 1000) }, (_, i) => ids.slice(i * 1000, (i + 1) * 1000));
    const many = await scim.patch<Doc>(
      `/Groups/${group.body.id}`,
      patchBody(...chunks.map((chunk) => ({ op: "remove", path: "members", value: chunk.map((value) => ({ value })) }))),
    );
    expect(many.status).toBe(400);
    expect(many.body.scimType).toBe("invalidValue");
    expect(many.body.detail).toContain(String(MAX_PATCH_MEMBER_VALUES));

    const config = await scim.get<Doc>("/ServiceProviderConfig");
    const extension = config.body.schemas.find((s: string) => s !== "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig");
    expect(extension).toMatch(/^urn:/);
    expect(config.body[extension]).toEqual({ patch: { maxOperations: MAX_PATCH_OPERATIONS, maxMemberValues: MAX_PATCH_MEMBER_VALUES } });
  });

  it("takes a PATCH of the bound's size (large Entra/Okta batches keep working)", async () => {
    const w = await newWorld();
    const users = await Promise.all(Array.from({ length: 5 }, (_, i) => w.user(`bulk${i}`)));
    const group = await w.group("batch");
    // Within the bound: removals of ids that are not members are fine, the adds land.
    const absent = Array.from({ length: MAX_PATCH_MEMBER_VALUES - users.length }, (_, i) => `absent-${i}`);
    const res = await w.scim.patch(
      `/Groups/${group}`,
      patchBody({ op: "remove", path: "members", value: absent.map((value) => ({ value })) }, { op: "add", path: "members", value: users.map((value) => ({ value })) }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    expect(await w.prisma.groupMember.count({ where: { groupId: group } })).toBe(users.length);
  });
});

describe("item 14: names from input are looked up as own properties only", () => {
  const PROTO_NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "prototype"];

  it("answers filters naming Object.prototype members with 400 (or an empty list), never 500", async () => {
    const { scim } = await newDirectory();
    await scim.post("/Users", { schemas: [USER_SCHEMA], userName: `${unique("p")}@example.com`, emails: [{ value: "a@example.com", type: "work" }] });
    for (const name of PROTO_NAMES) {
      for (const filter of [
        `${name} eq "x"`,
        `${name} pr`,
        `name.${name} eq "x"`,
        `emails[${name} eq "x"]`,
        `emails[type eq "work"].${name} eq "x"`,
        `${name}[value eq "x"]`,
        `${USER_SCHEMA}:${name} eq "x"`,
        `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:${name} eq "x"`,
        `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.${name} eq "x"`,
      ]) {
        for (const endpoint of ["/Users", "/Groups"]) {
          const res = await scim.get<Doc>(`${endpoint}${q(filter)}`);
          expect(res.status, `${endpoint} ${filter}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
          if (res.status !== 200) expect(res.body.scimType, filter).toBe("invalidFilter");
        }
        const root = await scim.post<Doc>("/.search", { schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], filter });
        expect(root.status, `/.search ${filter}: ${JSON.stringify(root.body)}`).toBeLessThan(500);
      }
      for (const query of [`?sortBy=${name}`, `?sortBy=name.${name}`, `?attributes=${name}`, `?excludedAttributes=emails.${name}`]) {
        const res = await scim.get<Doc>(`/Users${query}`);
        expect(res.status, `${query}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
      }
      for (const path of [`/Schemas/${name}`, `/ResourceTypes/${name}`, `/${name}`, `/Users/${name}`]) {
        const res = await scim.get<Doc>(path);
        expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(404);
      }
    }
  });

  it("answers PATCH paths and keys naming Object.prototype members with 400 or an ignored no-op, never 500", async () => {
    const { scim } = await newDirectory();
    const user = await scim.post<Doc>("/Users", { schemas: [USER_SCHEMA], userName: `${unique("p")}@example.com`, emails: [{ value: "a@example.com", type: "work" }] });
    const group = await scim.post<Doc>("/Groups", { schemas: [GROUP_SCHEMA], displayName: unique("P") });
    for (const name of PROTO_NAMES) {
      const operations = [
        { op: "replace", path: name, value: "x" },
        { op: "remove", path: name },
        { op: "add", path: `name.${name}`, value: "x" },
        { op: "replace", path: `emails[${name} eq "x"].value`, value: "x" },
        { op: "replace", path: `emails[type eq "work"].${name}`, value: "x" },
        { op: "remove", path: `emails[type eq "work"].${name}` },
        { op: "replace", path: `${USER_SCHEMA}:${name}`, value: "x" },
        { op: "replace", path: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:${name}`, value: "x" },
        { op: "replace", value: { [name]: "x" } },
        { op: "replace", value: { [`name.${name}`]: "x" } },
        { op: "replace", path: "name", value: { [name]: "x" } },
        { op: "add", path: "emails", value: [{ value: "b@example.com", [name]: "x" }] },
        { op: "remove", path: `members[${name} eq "x"]` },
        { op: "add", path: `members.${name}`, value: "x" },
        { op: name, path: "displayName", value: "x" },
      ];
      for (const operation of operations) {
        for (const target of [`/Users/${user.body.id}`, `/Groups/${group.body.id}`]) {
          // A computed key is an own property, so "__proto__" reaches the JSON text as a client sends it.
          const body = JSON.stringify(patchBody(operation));
          const res = await scim.call<Doc>("PATCH", target, body);
          expect(res.status, `${target} ${body}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
          if (res.status >= 400) expect(res.body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
        }
      }
      const res = await scim.call<Doc>("PATCH", `/Users/${user.body.id}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"__proto__":{"active":false}}}]}`);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
    }
    expect(({} as Doc).active).toBeUndefined();
    expect((await scim.get<Doc>(`/Users/${user.body.id}`)).body.active).toBe(true);
  });
});

describe("item 23: liberal where unambiguous (Microsoft's SCIM reference tests)", () => {
  it("accepts unquoted filter values as strings or date-times; true/false/null/numbers keep their meaning", async () => {
    const { scim } = await newDirectory();
    const tag = unique("o").replace(/[^A-Za-z0-9]/g, "");
    const created = await scim.post<Doc>("/Users", {
      schemas: [USER_SCHEMA],
      userName: `O${tag}@example.com`,
      name: { familyName: `Employee${tag}`, givenName: "Ann" },
      active: true,
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const ids = (res: { body: Doc }) => ((res.body.Resources ?? []) as Doc[]).map((r) => r.id);

    for (const [filter, expected] of [
      [`userName sw O${tag}`, [id]],
      [`userName eq O${tag}@example.com`, [id]],
      [`name.familyName eq Employee${tag}`, [id]],
      [`name.familyName eq Employee${tag} and active eq true`, [id]],
      [`(name.familyName eq Employee${tag})`, [id]],
      [`emails[type eq work] and userName eq O${tag}@example.com`, []],
      [`meta.created gt 2015-10-10T14:38:21.8617979-07:00 and userName sw O${tag}`, [id]],
      [`meta.created lt 2015-10-10T14:38:21.8617979-07:00 and userName sw O${tag}`, []],
      [`userName sw O${tag} and active eq false`, []],
    ] as const) {
      const res = await scim.get<Doc>(`/Users${q(filter)}`);
      expect(res.status, `${filter}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(ids(res), filter).toEqual(expected);
    }
    // Still not a filter: a bare word where an attribute or operator belongs, an unterminated string.
    for (const filter of ["userName eq", `userName O${tag}`, 'userName eq "x', "userName eq x y"]) {
      const res = await scim.get<Doc>(`/Users${q(filter)}`);
      expect(res.status, filter).toBe(400);
      expect(res.body.scimType).toBe("invalidFilter");
    }
  });

  it("accepts resource endpoint names in any case; ids stay case-sensitive", async () => {
    const { scim } = await newDirectory();
    const created = await scim.post<Doc>("/users", { schemas: [USER_SCHEMA], userName: `${unique("lc")}@example.com` });
    expect(created.status).toBe(201);
    // Location names the canonical endpoint.
    expect(created.headers.get("location")).toMatch(/\/scim\/v2\/Users\//);
    const id = created.body.id as string;
    for (const path of [`/users/${id}`, `/USERS/${id}`, "/users", `/users${q(`id eq "${id}"`)}`, "/groups", "/serviceproviderconfig", "/resourcetypes", "/resourcetypes/user", "/schemas", `/schemas/${USER_SCHEMA}`]) {
      const res = await scim.get<Doc>(path);
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    expect((await scim.post<Doc>("/users/.search", { schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], filter: `id eq "${id}"` })).body.totalResults).toBe(1);
    expect((await scim.get(`/Users/${id.toUpperCase() === id ? id.toLowerCase() : id.toUpperCase()}`)).status).toBe(404);
    expect((await scim.post("/bulk", {})).status).toBe(501);
    expect((await scim.get("/Userz")).status).toBe(404);
    // Metrics count them under the canonical name.
    expect(resourceLabel("/users/abc")).toBe("Users");
    expect(resourceLabel("/SERVICEPROVIDERCONFIG")).toBe("ServiceProviderConfig");
  });
});

describe("item 13 in SCIM bodies: a name the database cannot store is refused, and the request log keeps writing", () => {
  it("answers an unknown attribute whose name holds a NUL with 400 invalidValue; the batch of log lines around it is written", async () => {
    const { scim } = await newDirectory();
    const agent = unique("nul-key");
    const before = await scim.post<Doc>("/Users", { schemas: [USER_SCHEMA], userName: `${unique("a")}@example.com` }, { "user-agent": agent });
    expect(before.status).toBe(201);
    const res = await scim.post<Doc>("/Users", { schemas: [USER_SCHEMA], userName: `${unique("b")}@example.com`, "nickName\u0000x": "v" }, { "user-agent": agent });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.scimType).toBe("invalidValue");
    expect(res.body.detail).toContain("nickName");
    await flushRequestLog();
    // Both lines are written: an unstorable ignored-attribute name once failed the whole batch insert.
    expect(await requestLogLines(agent)).toBe(2);
  });
});
