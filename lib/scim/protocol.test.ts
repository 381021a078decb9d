// RFC 7643/7644 behaviours of the real route handler against the real database: discovery and
// schema round-trips, filters, sorting, paging, projection, search, ETags, errors, atomic PATCH,
// directory isolation, nested groups, concurrency, audit, request log, rate limit and OAuth.
import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { getConfig, resetConfigForTests } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";
import { createOAuthClient, createScimToken, revokeOAuthClient, revokeScimToken } from "@/lib/directories/service";
import { userDataFromDoc } from "@/lib/scim/mapping";
import { derivedUserColumns } from "@/lib/scim/user-data";
import { flushRequestLog } from "@/lib/scim/request-log";
import { normalizeResource } from "@/lib/scim/normalize-resource";
import { handleScimRequest } from "@/lib/scim/router";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { SCIM_BASE, newDirectory, scimClient, type ScimClient } from "@/lib/testing/scim";

setupTestDatabase();

const CORE = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
const ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";
const SYSTEM = { type: "system" as const, label: "test" };

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const q = (filter: string, extra = "") => `?filter=${encodeURIComponent(filter)}${extra}`;
const patchBody = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function expectScimError(res: { status: number; headers: Headers; body: unknown }, status: number, scimType?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/scim\+json/);
  const body = res.body as Doc;
  expect(body.schemas).toEqual([ERROR]);
  expect(body.status).toBe(String(status));
  expect(typeof body.detail).toBe("string");
  expect(body.detail.length).toBeGreaterThan(0);
  if (scimType) expect(body.scimType).toBe(scimType);
}

async function createUser(scim: ScimClient, body: Doc = {}): Promise<Doc> {
  const res = await scim.post<Doc>("/Users", { schemas: [CORE], userName: `${unique("user")}@example.com`, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function createGroup(scim: ScimClient, body: Doc = {}): Promise<Doc> {
  const res = await scim.post<Doc>("/Groups", { schemas: [GROUP], displayName: unique("Group"), ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const idsOf = (res: { body: Doc }) => ((res.body.Resources ?? []) as Doc[]).map((r) => r.id as string);
const sorted = (ids: unknown[]) => [...(ids as string[])].sort();

// ---------------------------------------------------------------------------------------------

describe("discovery", () => {
  it("advertises exactly what is implemented in /ServiceProviderConfig", async () => {
    const { scim } = await newDirectory();
    const res = await scim.get<Doc>("/ServiceProviderConfig");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/scim\+json/);
    const c = res.body;
    const limits = "urn:custodian:params:scim:schemas:extension:limits:2.0:ServiceProviderConfig";
    expect(c.schemas).toEqual(["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig", limits]);
    expect(c[limits]).toEqual({ patch: { maxOperations: 1000, maxMemberValues: 10_000 } });
    expect(c.patch).toEqual({ supported: true });
    expect(c.filter.supported).toBe(true);
    expect(c.filter.maxResults).toBe(1000);
    expect(c.sort).toEqual({ supported: true });
    expect(c.etag).toEqual({ supported: true });
    expect(c.bulk.supported).toBe(false);
    expect(c.changePassword).toEqual({ supported: false });
    expect(c.authenticationSchemes.length).toBeGreaterThan(0);
    expect(c.authenticationSchemes[0]).toMatchObject({ type: "oauthbearertoken", name: expect.any(String), description: expect.any(String) });
    expect((await scim.post("/Bulk", { schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], Operations: [] })).status).toBe(501);
  });

  it("lists resource types and schemas, singly and together", async () => {
    const { scim } = await newDirectory();
    const types = await scim.get<Doc>("/ResourceTypes");
    expect(types.status).toBe(200);
    expect(types.body.schemas).toEqual([LIST]);
    expect(types.body.totalResults).toBe(2);
    expect(types.body.Resources.map((r: Doc) => r.id).sort()).toEqual(["Group", "User"]);
    const user = await scim.get<Doc>("/ResourceTypes/User");
    expect(user.body).toMatchObject({
      id: "User",
      endpoint: "/Users",
      schema: CORE,
      schemaExtensions: [{ schema: ENT, required: false }],
      meta: { resourceType: "ResourceType", location: `${SCIM_BASE}/ResourceTypes/User` },
    });
    expect((await scim.get<Doc>("/ResourceTypes/Group")).body.schema).toBe(GROUP);
    expectScimError(await scim.get("/ResourceTypes/Printer"), 404);

    const schemas = await scim.get<Doc>("/Schemas");
    expect(schemas.body.totalResults).toBe(3);
    expect(schemas.body.Resources.map((s: Doc) => s.id).sort()).toEqual([ENT, GROUP, CORE].sort());
    for (const urn of [CORE, ENT, GROUP]) {
      const one = await scim.get<Doc>(`/Schemas/${urn}`);
      expect(one.status).toBe(200);
      expect(one.body.id).toBe(urn);
      expect(one.body.meta.location).toBe(`${SCIM_BASE}/Schemas/${urn}`);
      expect(one.body.attributes.length).toBeGreaterThan(0);
    }
    expectScimError(await scim.get("/Schemas/urn:ietf:params:scim:schemas:core:2.0:Printer"), 404);
    // Discovery needs a token like everything else.
    expectScimError(await scimClient(undefined).get("/Schemas"), 401);
  });

  it("round-trips every attribute /Schemas advertises for User through POST, PUT, PATCH and GET", async () => {
    const { scim } = await newDirectory();
    const core = (await scim.get<Doc>(`/Schemas/${CORE}`)).body.attributes as Doc[];
    const ent = (await scim.get<Doc>(`/Schemas/${ENT}`)).body.attributes as Doc[];
    const manager = await createUser(scim);

    // A value for an attribute definition; `n` varies it between the writes.
    const scalar = (a: Doc, label: string, n: number): unknown => {
      switch (a.type) {
        case "string":
          return a.canonicalValues?.length ? a.canonicalValues[n % a.canonicalValues.length] : `${label}-${n}`;
        case "reference":
          return `https://example.com/${label}/${n}`;
        case "binary":
          return Buffer.from(`${label}-${n}`).toString("base64");
        case "boolean":
          return n % 2 === 0;
        case "integer":
          return n;
        case "decimal":
          return n + 0.5;
        case "dateTime":
          return new Date(Date.UTC(2024, 0, n + 1)).toISOString();
        default:
          throw new Error(`no scalar for ${a.type}`);
      }
    };
    const valueOf = (a: Doc, label: string, n: number): unknown => {
      if (label.endsWith("userName")) return `${unique("rt")}-${n}@example.com`;
      if (a.name === "manager") return { value: manager.id };
      if (a.type !== "complex") return a.multiValued ? [scalar(a, label, n)] : scalar(a, label, n);
      const element: Doc = {};
      for (const sub of a.subAttributes as Doc[]) {
        if (sub.mutability === "readOnly") continue;
        element[sub.name] = sub.name === "primary" ? true : scalar(sub, `${label}.${sub.name}`, n);
      }
      return a.multiValued ? [element] : element;
    };
    const writable = (a: Doc) => a.mutability !== "readOnly";
    const returned = (a: Doc) => a.returned !== "never";
    const expected = (a: Doc, v: unknown) =>
      a.name === "manager" ? { value: manager.id, $ref: `${SCIM_BASE}/Users/${manager.id}` } : v;

    const build = (n: number) => {
      const doc: Doc = { schemas: [CORE, ENT] };
      for (const a of core) if (writable(a)) doc[a.name] = valueOf(a, a.name, n);
      doc[ENT] = {};
      for (const a of ent) if (writable(a)) doc[ENT][a.name] = valueOf(a, a.name, n);
      // What a client may send but the server must not take: read-only and server-set attributes.
      doc.groups = [{ value: randomUUID() }];
      doc.id = randomUUID();
      doc.meta = { resourceType: "User", created: "2000-01-01T00:00:00Z", version: 'W/"999"' };
      return doc;
    };
    const check = (got: Doc, sent: Doc, what: string, forgedId?: string) => {
      expect(got.schemas, what).toEqual([CORE, ENT]);
      for (const a of core) {
        if (!returned(a)) expect(got[a.name], `${what}: ${a.name} is never returned`).toBeUndefined();
        else if (!writable(a)) expect(got[a.name], `${what}: ${a.name} is read-only`).toBeUndefined();
        else expect(got[a.name], `${what}: ${a.name}`).toEqual(expected(a, sent[a.name]));
      }
      for (const a of ent) {
        if (writable(a) && returned(a)) expect(got[ENT][a.name], `${what}: ${ENT}:${a.name}`).toEqual(expected(a, sent[ENT][a.name]));
      }
      if (forgedId) expect(got.id).not.toBe(forgedId);
      expect(got.meta.created).not.toBe("2000-01-01T00:00:00.000Z");
      expect(got.meta.version).not.toBe('W/"999"');
      expect(JSON.stringify(got)).not.toContain(sent.password);
    };

    const first = build(1);
    const posted = await scim.post<Doc>("/Users", first);
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    check(posted.body, first, "POST", first.id);
    const id = posted.body.id as string;
    check((await scim.get<Doc>(`/Users/${id}`)).body, first, "GET after POST");

    const second = build(2);
    const put = await scim.put<Doc>(`/Users/${id}`, second);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    check(put.body, second, "PUT", second.id);
    expect(put.body.id).toBe(id);
    check((await scim.get<Doc>(`/Users/${id}`)).body, second, "GET after PUT");

    // PATCH: one replace per attribute, by path (enterprise ones URN-qualified).
    const third = build(3);
    const ops: Doc[] = [];
    for (const a of core) if (writable(a)) ops.push({ op: "replace", path: a.name, value: third[a.name] });
    for (const a of ent) if (writable(a)) ops.push({ op: "replace", path: `${ENT}:${a.name}`, value: third[ENT][a.name] });
    const patched = await scim.patch<Doc>(`/Users/${id}`, patchBody(...ops));
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const { groups: _g, id: _i, meta: _m, ...thirdWritable } = third; // eslint-disable-line @typescript-eslint/no-unused-vars
    check(patched.body, thirdWritable, "PATCH");
    check((await scim.get<Doc>(`/Users/${id}`)).body, thirdWritable, "GET after PATCH");

    // Sub-attribute paths of the complex attributes.
    const subOps: Doc[] = [];
    const name = core.find((a) => a.name === "name")!;
    for (const sub of name.subAttributes as Doc[]) subOps.push({ op: "replace", path: `name.${sub.name}`, value: `${sub.name}-sub` });
    const subPatched = await scim.patch<Doc>(`/Users/${id}`, patchBody(...subOps));
    expect(subPatched.status).toBe(200);
    for (const sub of name.subAttributes as Doc[]) expect(subPatched.body.name[sub.name]).toBe(`${sub.name}-sub`);

    // Writing read-only attributes through a path is refused (RFC 7644 §3.5.2).
    for (const path of ["groups", "id", "meta.created"]) {
      const res = await scim.patch(`/Users/${id}`, patchBody({ op: "replace", path, value: path === "groups" ? [{ value: "x" }] : "x" }));
      expectScimError(res, 400, "mutability");
    }
    // Projection never brings the password back, even when asked for.
    const asked = await scim.get<Doc>(`/Users/${id}?attributes=password,userName`);
    expect(asked.body.password).toBeUndefined();
    expect(asked.body.userName).toBeDefined();
  });

  it("round-trips every attribute /Schemas advertises for Group", async () => {
    const { scim } = await newDirectory();
    const attributes = (await scim.get<Doc>(`/Schemas/${GROUP}`)).body.attributes as Doc[];
    expect(attributes.map((a) => a.name).sort()).toEqual(["displayName", "members"]);
    const user = await createUser(scim);
    const inner = await createGroup(scim);
    const group = await createGroup(scim, {
      externalId: "grp-ext-1",
      members: [{ value: user.id, type: "User" }, { value: inner.id, type: "Group", display: "ignored" }],
    });
    expect(group.externalId).toBe("grp-ext-1");
    expect(sorted(group.members.map((m: Doc) => m.value))).toEqual(sorted([user.id, inner.id]));
    expect(group.members.find((m: Doc) => m.value === inner.id)).toEqual({
      value: inner.id,
      $ref: `${SCIM_BASE}/Groups/${inner.id}`,
      display: inner.displayName,
      type: "Group",
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe("filters against the database", () => {
  async function fixture() {
    const { scim, directory } = await newDirectory();
    const alice = await createUser(scim, {
      schemas: [CORE, ENT],
      userName: "alice@x.com",
      externalId: "Ext-A",
      displayName: "Alice Anders",
      title: "Engineer",
      name: { givenName: "Alice", familyName: "Anders" },
      emails: [{ type: "work", value: "alice@x.com", primary: true }, { type: "home", value: "alice@home.org" }],
      [ENT]: { employeeNumber: "100", department: "R&D" },
    });
    const bob = await createUser(scim, {
      schemas: [CORE, ENT],
      userName: "bob@y.org",
      externalId: "ext-b",
      title: "Manager",
      active: false,
      emails: [{ type: "work", value: "Bob@X.com" }],
      [ENT]: { employeeNumber: "200", manager: { value: alice.id } },
    });
    await sleep(30);
    const between = new Date().toISOString();
    await sleep(30);
    const carol = await createUser(scim, {
      userName: "carol@x.com",
      externalId: "ext-c",
      emails: [{ type: "home", value: "carol@x.com" }],
    });
    const dave = await createUser(scim, { userName: "dave@z.net", externalId: "ext-d", title: "engineer" });
    const team = await createGroup(scim, { displayName: "Team X", externalId: "team-x", members: [{ value: alice.id }, { value: carol.id }] });
    const empty = await createGroup(scim, { displayName: "Empty Y" });
    const outer = await createGroup(scim, { displayName: "Outer Z", members: [{ value: team.id }] });
    return { scim, directory, alice, bob, carol, dave, between, team, empty, outer };
  }

  it("supports every operator, logical composition, value paths, URNs, meta dates and membership", async () => {
    const f = await fixture();
    const { scim, alice, bob, carol, dave } = f;
    const cases: Array<[string, Doc[]]> = [
      ['userName eq "ALICE@X.COM"', [alice]],
      ['userName EQ "alice@x.com"', [alice]],
      ['userName ne "alice@x.com"', [bob, carol, dave]],
      ['userName co "@X."', [alice, carol]],
      ['userName sw "B"', [bob]],
      ['userName ew ".NET"', [dave]],
      ['userName gt "b"', [bob, carol, dave]],
      ['userName ge "carol"', [carol, dave]],
      ['userName lt "b"', [alice]],
      ['userName le "bob@y.org"', [alice, bob]],
      ["title pr", [alice, bob, dave]],
      ["not (title pr)", [carol]],
      ['title eq "engineer"', [alice, dave]],
      ['displayName co "and"', [alice]],
      ["active eq false", [bob]],
      ['active eq "True"', [alice, carol, dave]],
      ['title eq "engineer" or active eq false', [alice, bob, dave]],
      ['(title eq "engineer" or title eq "manager") and active eq true', [alice, dave]],
      ['userName eq "alice@x.com" or userName eq "bob@y.org" and active eq true', [alice]],
      ['(userName eq "alice@x.com" or userName eq "bob@y.org") and active eq true', [alice]],
      ['not (active eq true) or userName eq "dave@z.net"', [bob, dave]],
      ['not (userName sw "a" or userName sw "b")', [carol, dave]],
      ['emails[type eq "work" and value co "@x.com"]', [alice, bob]],
      ['emails[type eq "home"]', [alice, carol]],
      ['emails co "@x.com"', [alice, bob, carol]],
      ['emails.value eq "BOB@x.com"', [bob]],
      // Without brackets each comparison may match a different e-mail (RFC 7644 §3.4.2.2).
      ['emails.type eq "home" and emails.value ew "x.com"', [alice, carol]],
      ['emails[type eq "home" and value ew "x.com"]', [carol]],
      ['emails[type eq "work"].value eq "alice@x.com"', [alice]],
      ["emails pr", [alice, bob, carol]],
      ['name.givenName sw "al"', [alice]],
      ['name[givenName eq "Alice"]', [alice]],
      [`${CORE}:userName eq "carol@x.com"`, [carol]],
      [`${CORE}:name.familyName eq "anders"`, [alice]],
      [`${ENT}:employeeNumber eq "200"`, [bob]],
      [`${ENT}:department pr`, [alice]],
      [`${ENT}:manager.value eq "${alice.id}"`, [bob]],
      ['externalId eq "Ext-A"', [alice]],
      ['externalId eq "ext-a"', []],
      ['externalId sw "ext-"', [bob, carol, dave]],
      [`id eq "${alice.id}"`, [alice]],
      [`id eq "${(alice.id as string).toUpperCase()}"`, []],
      [`meta.created gt "${f.between}"`, [carol, dave]],
      [`meta.created lt "${f.between}"`, [alice, bob]],
      [`meta.lastModified ge "${f.between}"`, [carol, dave]],
      [`groups.value eq "${f.team.id}"`, [alice, carol]],
      [`groups[value eq "${f.team.id}"]`, [alice, carol]],
      ["groups pr", [alice, carol]],
      [`not (groups pr)`, [bob, dave]],
      ['userName eq "nobody@x.com"', []],
    ];
    for (const [filter, expected] of cases) {
      const res = await scim.get<Doc>(`/Users${q(filter)}`);
      expect(res.status, `${filter}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(sorted(idsOf(res)), filter).toEqual(sorted(expected.map((u) => u.id)));
      expect(res.body.totalResults, filter).toBe(expected.length);
    }

    // lastModified moves with a write.
    await sleep(20);
    const mark = new Date().toISOString();
    await sleep(20);
    await scim.patch(`/Users/${bob.id}`, patchBody({ op: "replace", path: "title", value: "Director" }));
    expect(idsOf(await scim.get<Doc>(`/Users${q(`meta.lastModified gt "${mark}"`)}`))).toEqual([bob.id]);

    const groupCases: Array<[string, Doc[]]> = [
      ['displayName eq "team x"', [f.team]],
      ['displayName sw "E"', [f.empty]],
      [`members.value eq "${alice.id}"`, [f.team]],
      [`members[value eq "${carol.id}" or value eq "${f.team.id}"]`, [f.team, f.outer]],
      [`members.value eq "${f.team.id}"`, [f.outer]],
      ["members pr", [f.team, f.outer]],
      ["not (members pr)", [f.empty]],
      ['externalId eq "team-x"', [f.team]],
      ['externalId eq "TEAM-X"', []],
      [`${GROUP}:displayName co "y"`, [f.empty]],
    ];
    for (const [filter, expected] of groupCases) {
      const res = await scim.get<Doc>(`/Groups${q(filter, "&excludedAttributes=members")}`);
      expect(res.status, `${filter}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(sorted(idsOf(res)), filter).toEqual(sorted(expected.map((g) => g.id)));
    }
  });

  it("matches non-ASCII userNames and group names case-insensitively, as uniqueness does", async () => {
    const { scim } = await newDirectory();
    // Greek capital sigma lower-cases to the final form at the end of a word in JavaScript
    // (which computes the stored key) but not in PostgreSQL's lower().
    const userName = "ΟΔΥΣΣΕΑΣ-Ärger@example.gr";
    const user = await createUser(scim, { userName });
    for (const variant of [userName, userName.toLowerCase(), userName.toUpperCase()]) {
      const res = await scim.get<Doc>(`/Users${q(`userName eq "${variant}"`)}`);
      expect(idsOf(res), variant).toEqual([user.id]);
    }
    expect(idsOf(await scim.get<Doc>(`/Users${q('userName sw "ΟΔΥΣΣΕΑΣ-ä"')}`))).toEqual([user.id]);
    expect(idsOf(await scim.get<Doc>(`/Users${q('userName co "ΣΕΑΣ-Ä"')}`))).toEqual([user.id]);
    expectScimError(await scim.post("/Users", { userName: userName.toLowerCase() }), 409, "uniqueness");

    const group = await createGroup(scim, { displayName: "ΛΟΓΙΣΤΗΡΙΟ ΑΘΗΝΑΣ" });
    expect(idsOf(await scim.get<Doc>(`/Groups${q('displayName eq "ΛΟΓΙΣΤΗΡΙΟ ΑΘΗΝΑΣ"')}`))).toEqual([group.id]);
    expect(idsOf(await scim.get<Doc>(`/Groups${q('displayName eq "λογιστηριο αθηνας"')}`))).toEqual([group.id]);
  });

  it("rejects unsupported or invalid filters with 400 invalidFilter, never a wider result", async () => {
    const { scim } = await fixture();
    const bad = [
      "userName eq",
      'userName eq "a" and',
      'userName eq "a" or nosuch eq "x"',
      'nosuch eq "x"',
      'urn:ietf:params:scim:schemas:extension:unknown:2.0:User:x eq "1"',
      "active gt true",
      'active eq "maybe"',
      'meta.created gt "yesterday"',
      'emails[type eq "work"',
      '((userName eq "a")',
      'userName eq "a")',
      'password eq "secret"',
      'groups.display eq "Team X"',
      'emails[type eq "work" and emails[value pr]]',
      'userName regex "a.*"',
      // An unquoted value is accepted (issue 14, item 23), but it is one word, and a date only where it parses.
      "userName eq alice bob",
      "meta.created gt yesterday",
      "",
    ].filter((f) => f !== "");
    for (const filter of bad) {
      const res = await scim.get(`/Users${q(filter)}`);
      expectScimError(res, 400, "invalidFilter");
    }
    expectScimError(await scim.get(`/Groups${q('members.display eq "x"')}`), 400, "invalidFilter");
    expectScimError(await scim.get(`/Groups${q('userName eq "x"')}`), 400, "invalidFilter");
    expectScimError(await scim.post("/Users/.search", { schemas: [SEARCH], filter: 'title xx "a"' }), 400, "invalidFilter");
  });
});

// ---------------------------------------------------------------------------------------------

describe("sorting, paging, projection and search", () => {
  it("sorts by sortBy/sortOrder with a stable tie-breaker", async () => {
    const { scim } = await newDirectory();
    const names = ["delta", "Alpha", "charlie", "bravo"];
    const users: Doc[] = [];
    for (const n of names) {
      users.push(await createUser(scim, { userName: `${n}@sort.example`, title: n === "bravo" ? undefined : `T-${n}`, emails: [{ value: `${n}@mail.example`, primary: true }] }));
    }
    const byName = (list: Doc[]) => list.map((u) => (u.userName as string).split("@")[0]);
    const asc = await scim.get<Doc>("/Users?sortBy=userName");
    expect(byName(asc.body.Resources)).toEqual(["Alpha", "bravo", "charlie", "delta"]);
    const desc = await scim.get<Doc>("/Users?sortBy=userName&sortOrder=descending");
    expect(byName(desc.body.Resources)).toEqual(["delta", "charlie", "bravo", "Alpha"]);
    // Unassigned values sort last either way.
    const byTitle = await scim.get<Doc>("/Users?sortBy=title&sortOrder=ascending");
    expect(byName(byTitle.body.Resources)).toEqual(["Alpha", "charlie", "delta", "bravo"]);
    const byTitleDesc = await scim.get<Doc>("/Users?sortBy=title&sortOrder=descending");
    expect(byName(byTitleDesc.body.Resources)).toEqual(["delta", "charlie", "Alpha", "bravo"]);
    const byCreated = await scim.get<Doc>("/Users?sortBy=meta.created&sortOrder=descending");
    expect(byName(byCreated.body.Resources)).toEqual([...names].reverse());
    const byEmail = await scim.get<Doc>("/Users?sortBy=emails");
    expect(byName(byEmail.body.Resources)).toEqual(["Alpha", "bravo", "charlie", "delta"]);
    // Default order: creation order.
    expect(byName((await scim.get<Doc>("/Users")).body.Resources)).toEqual(names);
    // Paging through a sorted list.
    const page2 = await scim.get<Doc>("/Users?sortBy=userName&startIndex=2&count=2");
    expect(byName(page2.body.Resources)).toEqual(["bravo", "charlie"]);
    expect(page2.body).toMatchObject({ totalResults: 4, startIndex: 2, itemsPerPage: 2 });

    expectScimError(await scim.get("/Users?sortBy=userName&sortOrder=sideways"), 400);
    expectScimError(await scim.get("/Users?sortBy=emails.nosuch"), 400);
    expectScimError(await scim.get("/Users?count=ten"), 400);
  });

  it("caps count at maxResults, answers count=0 with the total only, and clamps startIndex", async () => {
    const { scim, directory } = await newDirectory();
    const prisma = await getPrisma();
    const now = new Date();
    const rows = Array.from({ length: 1005 }, (_, i) => {
      const data = userDataFromDoc(normalizeResource("User", { userName: `bulk-${i}@example.com` }, { mode: "create" }).doc);
      return { ...data, ...derivedUserColumns(data), directoryId: directory.id, createdAt: new Date(now.getTime() + i), updatedAt: now };
    });
    await prisma.user.createMany({ data: rows as never });

    const capped = await scim.get<Doc>("/Users?count=5000&attributes=userName");
    expect(capped.status).toBe(200);
    expect(capped.body.totalResults).toBe(1005);
    expect(capped.body.itemsPerPage).toBe(1000);
    expect(capped.body.Resources).toHaveLength(1000);

    const zero = await scim.get<Doc>("/Users?count=0");
    expect(zero.body).toMatchObject({ totalResults: 1005, itemsPerPage: 0 });
    expect(zero.body.Resources ?? []).toEqual([]);
    const negative = await scim.get<Doc>("/Users?count=-3");
    expect(negative.body).toMatchObject({ totalResults: 1005, itemsPerPage: 0 });

    const clamped = await scim.get<Doc>("/Users?startIndex=0&count=1");
    expect(clamped.body).toMatchObject({ totalResults: 1005, startIndex: 1, itemsPerPage: 1 });
    expect(clamped.body.Resources[0].userName).toBe("bulk-0@example.com");
    const last = await scim.get<Doc>("/Users?startIndex=1005&count=10");
    expect(last.body).toMatchObject({ totalResults: 1005, startIndex: 1005, itemsPerPage: 1 });
    expect(last.body.Resources[0].userName).toBe("bulk-1004@example.com");
    // Default page size is 100.
    expect((await scim.get<Doc>("/Users")).body.itemsPerPage).toBe(100);
  });

  it("projects with attributes and excludedAttributes (always-returned ones stay)", async () => {
    const { scim } = await newDirectory();
    const group = await createGroup(scim);
    const user = await createUser(scim, {
      schemas: [CORE, ENT],
      name: { givenName: "Pat", familyName: "Doe" },
      title: "Lead",
      emails: [{ type: "work", value: "pat@example.com", primary: true }],
      [ENT]: { department: "Legal", employeeNumber: "5" },
    });
    await scim.patch(`/Groups/${group.id}`, patchBody({ op: "add", path: "members", value: [{ value: user.id }] }));

    const only = await scim.get<Doc>(`/Users/${user.id}?attributes=title`);
    expect(only.body).toEqual({ schemas: [CORE, ENT], id: user.id, userName: user.userName, title: "Lead" });
    const sub = await scim.get<Doc>(`/Users/${user.id}?attributes=name.givenName,emails.value,${ENT}:department`);
    expect(sub.body).toEqual({
      schemas: [CORE, ENT],
      id: user.id,
      userName: user.userName,
      name: { givenName: "Pat" },
      emails: [{ value: "pat@example.com" }],
      [ENT]: { department: "Legal" },
    });
    const caseless = await scim.get<Doc>(`/Users/${user.id}?attributes=TITLE,Name.FamilyName`);
    expect(caseless.body.title).toBe("Lead");
    expect(caseless.body.name).toEqual({ familyName: "Doe" });

    const excluded = await scim.get<Doc>(`/Users/${user.id}?excludedAttributes=emails,name,groups,id,userName,${ENT}`);
    expect(excluded.body.id).toBe(user.id);
    expect(excluded.body.userName).toBe(user.userName);
    expect(excluded.body.emails).toBeUndefined();
    expect(excluded.body.name).toBeUndefined();
    expect(excluded.body.groups).toBeUndefined();
    expect(excluded.body[ENT]).toBeUndefined();
    expect(excluded.body.title).toBe("Lead");
    expect(excluded.body.meta).toBeDefined();

    const withGroups = await scim.get<Doc>(`/Users/${user.id}?attributes=groups`);
    expect(withGroups.body.groups.map((g: Doc) => g.value)).toEqual([group.id]);

    const list = await scim.get<Doc>(`/Users${q(`id eq "${user.id}"`, "&attributes=userName,meta.created")}`);
    expect(list.body.Resources[0]).toEqual({
      schemas: [CORE, ENT],
      id: user.id,
      userName: user.userName,
      meta: { created: user.meta.created },
    });

    // On POST, PUT and PATCH responses too (RFC 7644 §3.9).
    const posted = await scim.post<Doc>("/Users?attributes=userName", { userName: `${unique("p")}@example.com`, title: "x" });
    expect(posted.status).toBe(201);
    expect(posted.body.title).toBeUndefined();
    const patchedGroup = await scim.patch<Doc>(`/Groups/${group.id}?attributes=displayName`, patchBody({ op: "replace", path: "displayName", value: unique("G2") }));
    expect(patchedGroup.status).toBe(200);
    expect(patchedGroup.body.members).toBeUndefined();
    expect(patchedGroup.body.displayName).toBeDefined();
  });

  it("searches with POST /Users/.search, /Groups/.search and POST /.search at the root", async () => {
    const { scim } = await newDirectory();
    const tag = unique("srch");
    const u1 = await createUser(scim, { userName: `${tag}-1@example.com`, displayName: `${tag} One` });
    const u2 = await createUser(scim, { userName: `${tag}-2@example.com`, displayName: `${tag} Two`, active: false });
    await createUser(scim, { userName: `other-${tag}@example.com` });
    const g1 = await createGroup(scim, { displayName: `${tag} Group`, members: [{ value: u1.id }] });

    const res = await scim.post<Doc>("/Users/.search", {
      schemas: [SEARCH],
      filter: `userName sw "${tag}"`,
      attributes: ["userName", "active"],
      sortBy: "userName",
      sortOrder: "descending",
      startIndex: 1,
      count: 10,
    });
    expect(res.status).toBe(200);
    expect(res.body.schemas).toEqual([LIST]);
    expect(res.body.Resources).toEqual([
      { schemas: [CORE], id: u2.id, userName: u2.userName, active: false },
      { schemas: [CORE], id: u1.id, userName: u1.userName, active: true },
    ]);

    const groups = await scim.post<Doc>("/Groups/.search", { schemas: [SEARCH], filter: `displayName sw "${tag}"`, excludedAttributes: ["members"] });
    expect(idsOf(groups)).toEqual([g1.id]);
    expect(groups.body.Resources[0].members).toBeUndefined();

    // Root search spans resource types; a type without the filtered attribute matches nothing.
    const root = await scim.post<Doc>("/.search", { schemas: [SEARCH], filter: `displayName sw "${tag}"` });
    expect(root.status).toBe(200);
    expect(root.body.totalResults).toBe(3);
    expect(sorted(idsOf(root))).toEqual(sorted([u1.id, u2.id, g1.id]));
    const rootPage = await scim.post<Doc>("/.search", { schemas: [SEARCH], filter: `displayName sw "${tag}"`, startIndex: 3, count: 5 });
    expect(rootPage.body).toMatchObject({ totalResults: 3, startIndex: 3, itemsPerPage: 1 });
    expect(idsOf(rootPage)).toEqual([g1.id]);
    const usersOnly = await scim.post<Doc>("/.search", { schemas: [SEARCH], filter: `userName eq "${u1.userName}"` });
    expect(idsOf(usersOnly)).toEqual([u1.id]);
    expectScimError(await scim.get("/.search"), 405);
    expectScimError(await scim.post("/.search", ["not", "an", "object"]), 400, "invalidSyntax");
  });
});

// ---------------------------------------------------------------------------------------------

describe("ETags and preconditions", () => {
  it("returns ETag headers matching meta.version and honours If-Match / If-None-Match", async () => {
    const { scim, token } = await newDirectory();
    const user = await createUser(scim);
    const read = await scim.get<Doc>(`/Users/${user.id}`);
    const etag = read.headers.get("etag")!;
    expect(etag).toMatch(/^W\/"\d+"$/);
    expect(read.body.meta.version).toBe(etag);

    const notModified = await handleScimRequest(
      new Request(`${SCIM_BASE}/Users/${user.id}`, { headers: { authorization: `Bearer ${token}`, "if-none-match": etag } }),
    );
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe("");
    expect((await scim.get(`/Users/${user.id}`, { "if-none-match": 'W/"999"' })).status).toBe(200);

    const stale = 'W/"999"';
    expectScimError(await scim.put(`/Users/${user.id}`, { userName: user.userName, title: "x" }, { "if-match": stale }), 412);
    expectScimError(await scim.patch(`/Users/${user.id}`, patchBody({ op: "replace", path: "title", value: "x" }), { "if-match": stale }), 412);
    expectScimError(await scim.delete(`/Users/${user.id}`, { "if-match": stale }), 412);
    // Our ETags are quoted: the bare current version is no tag we issued, so it matches nothing.
    const bare = /\d+/.exec(etag)![0];
    expectScimError(await scim.patch(`/Users/${user.id}`, patchBody({ op: "replace", path: "title", value: "x" }), { "if-match": bare }), 412);
    expect((await scim.get<Doc>(`/Users/${user.id}`)).body.title).toBeUndefined();

    const patched = await scim.patch<Doc>(`/Users/${user.id}`, patchBody({ op: "replace", path: "title", value: "x" }), { "if-match": etag });
    expect(patched.status).toBe(200);
    const newTag = patched.headers.get("etag")!;
    expect(newTag).not.toBe(etag);
    expect(patched.body.meta.version).toBe(newTag);
    // The old ETag is now stale.
    expectScimError(await scim.put(`/Users/${user.id}`, { userName: user.userName }, { "if-match": etag }), 412);
    const put = await scim.put<Doc>(`/Users/${user.id}`, { userName: user.userName, title: "y" }, { "if-match": newTag });
    expect(put.status).toBe(200);
    expect((await scim.delete(`/Users/${user.id}`, { "if-match": "*" })).status).toBe(204);

    const group = await createGroup(scim);
    const gTag = (await scim.get(`/Groups/${group.id}`)).headers.get("etag")!;
    expect(gTag).toBe(group.meta.version);
    expectScimError(await scim.patch(`/Groups/${group.id}`, patchBody({ op: "replace", path: "displayName", value: "n" }), { "if-match": stale }), 412);
    expectScimError(await scim.put(`/Groups/${group.id}`, { displayName: "n" }, { "if-match": stale }), 412);
    expectScimError(await scim.delete(`/Groups/${group.id}`, { "if-match": stale }), 412);
    const gPatched = await scim.patch(`/Groups/${group.id}`, patchBody({ op: "replace", path: "displayName", value: unique("n") }), { "if-match": gTag });
    expect(gPatched.status).toBe(204);
    expect(gPatched.headers.get("etag")).not.toBe(gTag);
    expect((await scim.get(`/Groups/${group.id}`, { "if-none-match": gPatched.headers.get("etag")! })).status).toBe(304);
  });
});

async function newDirectoryWithToken(kind?: Parameters<typeof newDirectory>[0]) {
  const d = await newDirectory(kind);
  const prisma = await getPrisma();
  const tokenRow = await prisma.scimToken.findFirstOrThrow({ where: { directoryId: d.directory.id } });
  return { ...d, tokenId: tokenRow.id };
}

// ---------------------------------------------------------------------------------------------

describe("errors (RFC 7644 §3.12)", () => {
  it("answers malformed, oversized, mistyped and misrouted requests with SCIM error JSON", async () => {
    const { scim, directory } = await newDirectoryWithToken();
    const user = await createUser(scim);

    expectScimError(await scim.post("/Users", '{"userName": "x",'), 400, "invalidSyntax");
    expectScimError(await scim.post("/Users", ""), 400, "invalidSyntax");
    expectScimError(await scim.post("/Users", "[1,2]"), 400, "invalidSyntax");
    expectScimError(await scim.patch(`/Users/${user.id}`, "{not json"), 400, "invalidSyntax");
    expectScimError(await scim.post("/Users", { displayName: "no userName" }), 400, "invalidValue");
    expectScimError(await scim.post("/Users", { userName: 42 }), 400, "invalidValue");

    const huge = JSON.stringify({ userName: "big@example.com", displayName: "x".repeat(1024 * 1024) });
    expectScimError(await scim.post("/Users", huge), 413);

    expectScimError(await scim.post("/Users", JSON.stringify({ userName: "t@example.com" }), { "content-type": "text/plain" }), 415);
    expectScimError(await scim.post("/Users", JSON.stringify({ userName: "t@example.com" }), { "content-type": "application/xml" }), 415);
    // application/json and application/scim+json with charset are accepted.
    const asJson = await scim.post<Doc>("/Users", JSON.stringify({ userName: `${unique("j")}@example.com` }), { "content-type": "application/json" });
    expect(asJson.status).toBe(201);
    const withCharset = await scim.post<Doc>("/Users", JSON.stringify({ userName: `${unique("c")}@example.com` }), {
      "content-type": "application/scim+json; charset=utf-8",
    });
    expect(withCharset.status).toBe(201);

    expectScimError(await scim.get(`/Users/${randomUUID()}`), 404);
    expectScimError(await scim.get("/Users/not-even-a-uuid"), 404);
    expectScimError(await scim.put(`/Users/${randomUUID()}`, { userName: "x@example.com" }), 404);
    expectScimError(await scim.patch(`/Groups/${randomUUID()}`, patchBody({ op: "add", path: "members", value: [{ value: user.id }] })), 404);
    expectScimError(await scim.delete(`/Groups/${randomUUID()}`), 404);
    expectScimError(await scim.get("/Printers"), 404);
    expectScimError(await scim.get("/Users/a/b"), 404);
    expectScimError(await scim.call("DELETE", "/Users"), 405);
    expectScimError(await scim.patch("/ServiceProviderConfig", patchBody({ op: "add", path: "x", value: 1 })), 405);
    expectScimError(await scim.patch(`/Users/${user.id}`, { schemas: [PATCH_OP], Operations: [] }), 400);
    expectScimError(await scim.patch(`/Users/${user.id}`, patchBody({ op: "remove" })), 400, "noTarget");
    expectScimError(await scim.patch(`/Users/${user.id}`, patchBody({ op: "replace", path: "nosuch", value: 1 })), 400, "invalidPath");
    expectScimError(await scim.patch(`/Users/${user.id}`, patchBody({ op: "replace", path: "userName", value: "" })), 400);
    expectScimError(await scim.patch(`/Users/${user.id}`, patchBody({ op: "replace", path: "active", value: "perhaps" })), 400, "invalidValue");
    void directory;
  });

  it("answers a path with malformed percent-encoding with SCIM JSON, not an exception", async () => {
    const { token } = await newDirectory();
    for (const path of ["/Users/%ZZ", "/Users/%E0%A4%A", "/Gr%oups"]) {
      const res = await handleScimRequest(new Request(`${SCIM_BASE}${path}`, { headers: { authorization: `Bearer ${token}` } }));
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^application\/scim\+json/);
      expect(((await res.json()) as Doc).schemas).toEqual([ERROR]);
    }
  });

  it("rejects missing, malformed, unknown, revoked and expired tokens with 401", async () => {
    const { directory, token, tokenId } = await newDirectoryWithToken();
    const prisma = await getPrisma();
    const call = (authorization?: string) =>
      handleScimRequest(new Request(`${SCIM_BASE}/Users`, { headers: authorization ? { authorization } : {} }));
    const check401 = async (res: Response) => {
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toMatch(/^application\/scim\+json/);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      const body = (await res.json()) as Doc;
      expect(body).toMatchObject({ schemas: [ERROR], status: "401", detail: expect.any(String) });
    };
    await check401(await call());
    await check401(await call(`Basic ${Buffer.from("a:b").toString("base64")}`));
    await check401(await call("Bearer"));
    await check401(await call(`Bearer ${token}x`));
    await check401(await call(`Bearer cst_${"A".repeat(43)}`));
    await check401(await call("Bearer a.b.c"));
    expect((await call(`bearer ${token}`)).status).toBe(200);

    // Expired.
    const { token: shortLived, record } = await createScimToken(prisma, {
      directoryId: directory.id,
      input: { name: "short", expiresAt: new Date(Date.now() + 60_000) },
      actor: SYSTEM,
    });
    expect((await call(`Bearer ${shortLived}`)).status).toBe(200);
    // Expiry moved earlier in the database (as another instance would): refused once this
    // instance's remembered copy is older than SCIM_CREDENTIAL_CACHE_SECONDS.
    await prisma.scimToken.update({ where: { id: record.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    vi.spyOn(Date, "now").mockReturnValue(Date.now() + getConfig().SCIM_CREDENTIAL_CACHE_SECONDS * 1000);
    try {
      await check401(await call(`Bearer ${shortLived}`));
    } finally {
      vi.restoreAllMocks();
    }

    // Revoked.
    await revokeScimToken(prisma, { tokenId, actor: SYSTEM });
    await check401(await call(`Bearer ${token}`));
  });
});

// ---------------------------------------------------------------------------------------------

describe("atomic PATCH", () => {
  it("a user PATCH whose last operation fails changes nothing and writes no audit event", async () => {
    const { scim } = await newDirectory();
    const prisma = await getPrisma();
    const user = await createUser(scim, { title: "Before", displayName: "Before" });
    const events = () => prisma.auditEvent.count({ where: { targetId: user.id as string } });
    expect(await events()).toBe(1);
    for (const failing of [
      { op: "replace", path: "nosuch", value: "x" },
      { op: "add", path: "emails", value: [{ value: "a@x.com", primary: true }, { value: "b@x.com", primary: true }] },
      { op: "replace", path: "active", value: "not-a-boolean" },
      { op: "remove", path: "userName" },
    ]) {
      const res = await scim.patch<Doc>(
        `/Users/${user.id}`,
        patchBody(
          { op: "replace", path: "title", value: "After" },
          { op: "replace", path: "active", value: false },
          { op: "replace", value: { displayName: "After" } },
          failing,
        ),
      );
      expect(res.status, JSON.stringify(failing)).toBe(400);
      expect(res.body.detail).toMatch(/Operations\[3\]/);
    }
    const read = await scim.get<Doc>(`/Users/${user.id}`);
    expect(read.body).toMatchObject({ title: "Before", displayName: "Before", active: true });
    expect(read.body.meta.version).toBe(user.meta.version);
    expect(await events()).toBe(1);
  });

  it("a group PATCH whose last operation fails adds no member, renames nothing and writes no audit event", async () => {
    const { scim } = await newDirectory();
    const prisma = await getPrisma();
    const [u1, u2] = [await createUser(scim), await createUser(scim)];
    const group = await createGroup(scim, { members: [{ value: u1.id }] });
    const events = () => prisma.auditEvent.count({ where: { targetId: group.id as string } });
    const failures = [
      { op: "add", path: "members", value: [{ value: randomUUID() }] },
      { op: "replace", path: "nosuch", value: 1 },
      { op: "add", path: "members", value: [{ value: group.id }] },
      { op: "remove", path: 'members[display eq "x"]' },
      { op: "replace", path: "displayName", value: "" },
    ];
    for (const failing of failures) {
      const res = await scim.patch<Doc>(
        `/Groups/${group.id}`,
        patchBody(
          { op: "replace", path: "displayName", value: unique("Renamed") },
          { op: "remove", path: `members[value eq "${u1.id}"]` },
          { op: "add", path: "members", value: [{ value: u2.id }] },
          failing,
        ),
      );
      expect(res.status, JSON.stringify(failing)).toBe(400);
    }
    const read = await scim.get<Doc>(`/Groups/${group.id}`);
    expect(read.body.displayName).toBe(group.displayName);
    expect(read.body.members.map((m: Doc) => m.value)).toEqual([u1.id]);
    expect(read.body.meta.version).toBe(group.meta.version);
    expect(await events()).toBe(1);
    expect(await prisma.membershipInterval.count({ where: { groupId: group.id as string } })).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------

describe("directory isolation", () => {
  it("never lets directory A see, change or reference anything of directory B", async () => {
    const a = await newDirectory("entra");
    const b = await newDirectory("okta");
    const shared = `${unique("same")}@example.com`;
    const aUser = await createUser(a.scim, { userName: shared, externalId: "shared-ext" });
    const bUser = await createUser(b.scim, { userName: shared, externalId: "shared-ext", title: "B title" });
    const bGroup = await createGroup(b.scim, { displayName: "Same Name", members: [{ value: bUser.id }] });
    const aGroup = await createGroup(a.scim, { displayName: "Same Name" });

    expectScimError(await a.scim.get(`/Users/${bUser.id}`), 404);
    expectScimError(await a.scim.get(`/Groups/${bGroup.id}`), 404);
    expectScimError(await a.scim.put(`/Users/${bUser.id}`, { userName: "stolen@example.com" }), 404);
    expectScimError(await a.scim.patch(`/Users/${bUser.id}`, patchBody({ op: "replace", path: "active", value: false })), 404);
    expectScimError(await a.scim.delete(`/Users/${bUser.id}`), 404);
    expectScimError(await a.scim.patch(`/Groups/${bGroup.id}`, patchBody({ op: "add", path: "members", value: [{ value: aUser.id }] })), 404);
    expectScimError(await a.scim.put(`/Groups/${bGroup.id}`, { displayName: "x", members: [] }), 404);
    expectScimError(await a.scim.delete(`/Groups/${bGroup.id}`), 404);

    expect(idsOf(await a.scim.get<Doc>("/Users"))).toEqual([aUser.id]);
    expect(idsOf(await a.scim.get<Doc>("/Groups"))).toEqual([aGroup.id]);
    expect(idsOf(await a.scim.get<Doc>(`/Users${q(`userName eq "${shared}"`)}`))).toEqual([aUser.id]);
    expect(idsOf(await a.scim.get<Doc>(`/Users${q('externalId eq "shared-ext"')}`))).toEqual([aUser.id]);
    expect(idsOf(await a.scim.get<Doc>(`/Users${q(`id eq "${bUser.id}"`)}`))).toEqual([]);
    expect(idsOf(await a.scim.get<Doc>(`/Users${q('title eq "B title"')}`))).toEqual([]);
    expect(idsOf(await a.scim.get<Doc>(`/Groups${q(`members.value eq "${bUser.id}"`)}`))).toEqual([]);
    expect(idsOf(await a.scim.get<Doc>(`/Users${q(`groups.value eq "${bGroup.id}"`)}`))).toEqual([]);
    expect(idsOf(await a.scim.post<Doc>("/.search", { schemas: [SEARCH] }))).toEqual([aUser.id, aGroup.id]);
    expect(idsOf(await a.scim.post<Doc>("/Users/.search", { schemas: [SEARCH], filter: `id eq "${bUser.id}"` }))).toEqual([]);

    // B's ids cannot become members in A.
    const addForeign = await a.scim.patch(`/Groups/${aGroup.id}`, patchBody({ op: "add", path: "members", value: [{ value: bUser.id }] }));
    expectScimError(addForeign, 400, "invalidValue");
    expectScimError(await a.scim.patch(`/Groups/${aGroup.id}`, patchBody({ op: "add", path: "members", value: [{ value: bGroup.id }] })), 400, "invalidValue");
    expectScimError(await a.scim.post("/Groups", { displayName: unique("g"), members: [{ value: bUser.id }] }), 400, "invalidValue");
    expectScimError(await a.scim.put(`/Groups/${aGroup.id}`, { displayName: "Same Name", members: [{ value: bUser.id }] }), 400, "invalidValue");

    // B is untouched.
    const bRead = await b.scim.get<Doc>(`/Users/${bUser.id}`);
    expect(bRead.body).toMatchObject({ userName: shared, active: true, title: "B title" });
    expect((await b.scim.get<Doc>(`/Groups/${bGroup.id}`)).body.members.map((m: Doc) => m.value)).toEqual([bUser.id]);
    expect(bRead.body.meta.version).toBe(bUser.meta.version);
  });
});

// ---------------------------------------------------------------------------------------------

describe("nested groups and concurrency", () => {
  it("accepts groups as members and refuses cycles", async () => {
    const { scim } = await newDirectory();
    const user = await createUser(scim);
    const g1 = await createGroup(scim);
    const g2 = await createGroup(scim, { members: [{ value: g1.id }, { value: user.id }] });
    const g3 = await createGroup(scim, { members: [{ value: g2.id }] });
    expect(g2.members.find((m: Doc) => m.value === g1.id)).toMatchObject({ type: "Group", $ref: `${SCIM_BASE}/Groups/${g1.id}` });
    expect(g2.members.find((m: Doc) => m.value === user.id)).toMatchObject({ type: "User", $ref: `${SCIM_BASE}/Users/${user.id}` });

    expectScimError(await scim.patch(`/Groups/${g1.id}`, patchBody({ op: "add", path: "members", value: [{ value: g3.id }] })), 400, "invalidValue");
    expectScimError(await scim.patch(`/Groups/${g1.id}`, patchBody({ op: "add", path: "members", value: [{ value: g2.id }] })), 400, "invalidValue");
    expectScimError(await scim.patch(`/Groups/${g1.id}`, patchBody({ op: "add", path: "members", value: [{ value: g1.id }] })), 400, "invalidValue");
    expectScimError(await scim.put(`/Groups/${g1.id}`, { displayName: g1.displayName, members: [{ value: g3.id }] }), 400, "invalidValue");
    expect((await scim.get<Doc>(`/Groups/${g1.id}`)).body.members ?? []).toEqual([]);

    // Deleting a nested group removes it from its parents, whose ETags change (as for a user).
    const parentTag = (await scim.get(`/Groups/${g2.id}`)).headers.get("etag");
    expect((await scim.delete(`/Groups/${g1.id}`)).status).toBe(204);
    const parent = await scim.get<Doc>(`/Groups/${g2.id}`);
    expect(parent.body.members.map((m: Doc) => m.value)).toEqual([user.id]);
    expect(parent.headers.get("etag")).not.toBe(parentTag);
    const userTag = parent.headers.get("etag");
    expect((await scim.delete(`/Users/${user.id}`)).status).toBe(204);
    const afterUser = await scim.get<Doc>(`/Groups/${g2.id}`);
    expect(afterUser.body.members).toBeUndefined();
    expect(afterUser.headers.get("etag")).not.toBe(userTag);
    // History: every interval of the deleted group and user is closed.
    const prisma = await getPrisma();
    expect(await prisma.membershipInterval.count({ where: { validTo: null, OR: [{ memberGroupId: g1.id as string }, { memberUserId: user.id as string }] } })).toBe(0);
  });

  it("refuses a cycle made by two concurrent PATCHes nesting two groups in each other", async () => {
    const { scim } = await newDirectory();
    for (let round = 0; round < 5; round++) {
      const g1 = await createGroup(scim);
      const g2 = await createGroup(scim);
      const results = await Promise.all([
        scim.patch(`/Groups/${g1.id}`, patchBody({ op: "add", path: "members", value: [{ value: g2.id }] })),
        scim.patch(`/Groups/${g2.id}`, patchBody({ op: "add", path: "members", value: [{ value: g1.id }] })),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([204, 400]);
      const members = [
        ...((await scim.get<Doc>(`/Groups/${g1.id}`)).body.members ?? []),
        ...((await scim.get<Doc>(`/Groups/${g2.id}`)).body.members ?? []),
      ];
      expect(members).toHaveLength(1);
    }
  });

  it("answers mixed concurrent writes on the same users and groups without a server error", async () => {
    const { scim } = await newDirectory();
    const allowed = new Set([200, 201, 204, 400, 404, 409]);
    for (let round = 0; round < 4; round++) {
      const [a, b, c] = [await createUser(scim), await createUser(scim), await createUser(scim)];
      const g1 = await createGroup(scim, { members: [{ value: a.id }, { value: b.id }] });
      const g2 = await createGroup(scim, { members: [{ value: b.id }] });
      const results = await Promise.all([
        scim.delete(`/Users/${a.id}`),
        scim.patch(`/Groups/${g2.id}`, patchBody({ op: "add", path: "members", value: [{ value: a.id }, { value: c.id }] })),
        scim.patch(`/Groups/${g1.id}`, patchBody({ op: "remove", path: `members[value eq "${b.id}"]` }, { op: "add", path: "members", value: [{ value: c.id }] })),
        scim.delete(`/Users/${b.id}`),
        scim.put(`/Groups/${g1.id}`, { displayName: g1.displayName, members: [a, b, c].map((u) => ({ value: u.id })) }),
        scim.patch(`/Users/${c.id}`, patchBody({ op: "replace", path: "active", value: false })),
        scim.patch(`/Groups/${g2.id}`, patchBody({ op: "add", path: "members", value: [{ value: g1.id }] })),
        scim.patch(`/Groups/${g1.id}`, patchBody({ op: "add", path: "members", value: [{ value: g2.id }] })),
        scim.delete(`/Groups/${g2.id}`),
      ]);
      for (const r of results) expect(allowed.has(r.status), JSON.stringify(r.body)).toBe(true);
      // Whatever won, the state is consistent: deleted users are nobody's members.
      expect((await scim.get(`/Users/${a.id}`)).status).toBe(404);
      expect((await scim.get(`/Users/${b.id}`)).status).toBe(404);
      const g1Members = ((await scim.get<Doc>(`/Groups/${g1.id}`)).body.members ?? []).map((m: Doc) => m.value);
      expect(g1Members).not.toContain(a.id);
      expect(g1Members).not.toContain(b.id);
    }
  });

  it("lands concurrent PATCHes that add different members to one group", async () => {
    const { scim } = await newDirectory();
    const group = await createGroup(scim);
    const users = await Promise.all(Array.from({ length: 6 }, () => createUser(scim)));
    const results = await Promise.all(
      users.map((u) => scim.patch(`/Groups/${group.id}`, patchBody({ op: "add", path: "members", value: [{ value: u.id }] }))),
    );
    expect(results.map((r) => r.status)).toEqual(users.map(() => 204));
    const read = await scim.get<Doc>(`/Groups/${group.id}`);
    expect(sorted(read.body.members.map((m: Doc) => m.value))).toEqual(sorted(users.map((u) => u.id)));
    expect(read.body.meta.version).toBe(`W/"${1 + users.length}"`);
    const prisma = await getPrisma();
    expect(await prisma.auditEvent.count({ where: { targetId: group.id as string, action: "group.members_changed" } })).toBe(users.length);

    // Concurrent writers of one user serialise: no lost update.
    const user = users[0];
    await Promise.all([
      scim.patch(`/Users/${user.id}`, patchBody({ op: "add", path: "emails", value: [{ type: "work", value: "w@example.com" }] })),
      scim.patch(`/Users/${user.id}`, patchBody({ op: "add", path: "emails", value: [{ type: "home", value: "h@example.com" }] })),
    ]);
    const emails = (await scim.get<Doc>(`/Users/${user.id}`)).body.emails as Doc[];
    expect(emails.map((e) => e.value).sort()).toEqual(["h@example.com", "w@example.com"]);

    // Concurrent creates of one userName: exactly one wins, the other gets 409.
    const userName = `${unique("race")}@example.com`;
    const racing = await Promise.all([scim.post("/Users", { userName }), scim.post("/Users", { userName: userName.toUpperCase() })]);
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("audit trail and request log", () => {
  it("records exactly one audit event per successful write, with actor, target, diff and request id", async () => {
    const { scim, directory, tokenId } = await newDirectoryWithToken();
    const prisma = await getPrisma();
    const rid = () => `req-${randomUUID()}`;
    // The X-Request-Id a client sends is kept as clientRequestId; requestId is the server's own (issue 14 item 20).
    const eventsOf = (requestId: string) => prisma.auditEvent.findMany({ where: { clientRequestId: requestId } });

    const writes: Array<{ action: string; run: (requestId: string) => Promise<{ status: number }>; target: () => string; check?: (e: Doc) => void }> = [];
    let userId = "";
    let groupId = "";
    const h = (requestId: string) => ({ "x-request-id": requestId });
    const userName = `${unique("audit")}@example.com`;
    writes.push({
      action: "user.created",
      run: async (r) => {
        const res = await scim.post<Doc>("/Users", { userName, title: "Clerk", password: "Secret-123" }, h(r));
        userId = res.body.id;
        return res;
      },
      target: () => userId,
      check: (e) => expect(e.after).toMatchObject({ userName, title: "Clerk", active: true }),
    });
    writes.push({
      action: "user.updated",
      run: (r) => scim.put(`/Users/${userId}`, { userName, title: "Senior Clerk", password: "Secret-456" }, h(r)),
      target: () => userId,
      check: (e) => {
        expect(e.before).toEqual({ title: "Clerk" });
        expect(e.after).toEqual({ title: "Senior Clerk" });
      },
    });
    writes.push({
      action: "user.deactivated",
      run: (r) => scim.patch(`/Users/${userId}`, patchBody({ op: "replace", path: "active", value: false }), h(r)),
      target: () => userId,
      check: (e) => {
        expect(e.before).toEqual({ active: true });
        expect(e.after).toEqual({ active: false });
      },
    });
    writes.push({
      action: "group.created",
      run: async (r) => {
        const res = await scim.post<Doc>("/Groups", { displayName: "Audited", members: [{ value: userId }] }, h(r));
        groupId = res.body.id;
        return res;
      },
      target: () => groupId,
      check: (e) => expect(e.after).toMatchObject({ displayName: "Audited", membersAdded: 1, addedUsers: [userId] }),
    });
    writes.push({
      action: "group.members_changed",
      run: (r) => scim.patch(`/Groups/${groupId}`, patchBody({ op: "remove", path: `members[value eq "${userId}"]` }), h(r)),
      target: () => groupId,
      check: (e) => expect(e.after).toMatchObject({ membersRemoved: 1, removedUsers: [userId] }),
    });
    writes.push({
      action: "group.updated",
      run: (r) => scim.put(`/Groups/${groupId}`, { displayName: "Audited 2", members: [{ value: userId }] }, h(r)),
      target: () => groupId,
      check: (e) => {
        expect(e.before).toEqual({ displayName: "Audited" });
        expect(e.after).toMatchObject({ displayName: "Audited 2", membersAdded: 1 });
      },
    });
    writes.push({ action: "group.deleted", run: (r) => scim.delete(`/Groups/${groupId}`, h(r)), target: () => groupId });
    writes.push({ action: "user.deleted", run: (r) => scim.delete(`/Users/${userId}`, h(r)), target: () => userId });

    for (const w of writes) {
      const requestId = rid();
      const res = await w.run(requestId);
      expect(res.status, w.action).toBeLessThan(300);
      const all = await eventsOf(requestId);
      // A user's deletion is also their GDPR erasure, recorded as its own event (lib/audit/erasure.ts).
      expect(all.filter((e) => e.action === "privacy.erased"), w.action).toHaveLength(w.action === "user.deleted" ? 1 : 0);
      const events = all.filter((e) => e.action !== "privacy.erased");
      expect(events, w.action).toHaveLength(1);
      const [e] = events;
      expect(e).toMatchObject({
        action: w.action,
        actorType: "directory",
        actorId: tokenId,
        directoryId: directory.id,
        targetId: w.target(),
        clientRequestId: requestId,
      });
      expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(e.actorLabel).toMatch(/…/);
      expect(e.targetType).toBe(w.action.startsWith("user") ? "User" : "Group");
      w.check?.(e as unknown as Doc);
      expect(JSON.stringify(e, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain("Secret-");
    }

    // Every changed attribute shows in the diff, not only the common ones.
    const diffUser = await createUser(scim, { userName: `${unique("diff")}@example.com` });
    const diffRid = rid();
    const changed = await scim.patch(
      `/Users/${diffUser.id}`,
      patchBody(
        { op: "add", path: "phoneNumbers", value: [{ type: "mobile", value: "+1 555 0100" }] },
        { op: "add", path: "nickName", value: "Nick" },
        { op: "add", path: `${ENT}:costCenter`, value: "CC-9" },
        { op: "add", path: 'addresses[type eq "work"].country', value: "DE" },
      ),
      h(diffRid),
    );
    expect(changed.status).toBe(200);
    const [diffEvent] = await eventsOf(diffRid);
    expect(diffEvent.action).toBe("user.updated");
    expect(diffEvent.after).toMatchObject({
      phoneNumbers: [{ type: "mobile", value: "+1 555 0100" }],
      nickName: "Nick",
      costCenter: "CC-9",
      addresses: [{ type: "work", country: "DE" }],
    });
    expect(Object.keys(diffEvent.before as Doc)).toEqual([]);

    // A write that changes nothing records nothing; failed writes record nothing either.
    const before = await prisma.auditEvent.count({ where: { directoryId: directory.id } });
    const noop = await createUser(scim, { userName: `${unique("noop")}@example.com` });
    const noopRid = rid();
    expect((await scim.patch(`/Users/${noop.id}`, patchBody({ op: "replace", path: "active", value: true }), h(noopRid))).status).toBe(200);
    expect(await eventsOf(noopRid)).toHaveLength(0);
    const failed: Array<[string, Promise<{ status: number }>]> = [];
    const failRid = () => rid();
    const ids = [failRid(), failRid(), failRid(), failRid()];
    failed.push([ids[0], scim.post("/Users", { userName: noop.userName }, h(ids[0]))]);
    failed.push([ids[1], scim.patch(`/Users/${noop.id}`, patchBody({ op: "replace", path: "nosuch", value: 1 }), h(ids[1]))]);
    failed.push([ids[2], scim.delete(`/Users/${randomUUID()}`, h(ids[2]))]);
    failed.push([ids[3], scim.post("/Groups", { displayName: "x", members: [{ value: randomUUID() }] }, h(ids[3]))]);
    const statuses = await Promise.all(failed.map(async ([, p]) => (await p).status));
    expect(statuses).toEqual([409, 400, 404, 400]);
    for (const id of ids) expect(await eventsOf(id)).toHaveLength(0);
    expect(await prisma.auditEvent.count({ where: { directoryId: directory.id } })).toBe(before + 1);

    await flushRequestLog();
    const logged = await prisma.requestLog.findMany({ where: { clientRequestId: { in: [...ids, noopRid] } } });
    const byId = new Map(logged.map((l) => [l.clientRequestId, l]));
    expect(ids.map((id) => byId.get(id)?.status)).toEqual([409, 400, 404, 400]);
    expect(byId.get(ids[0])).toMatchObject({ method: "POST", path: "/Users", scimType: "uniqueness", directoryId: directory.id, credentialId: tokenId });
    expect(byId.get(ids[1])?.scimType).toBe("invalidPath");
    expect(byId.get(noopRid)?.status).toBe(200);

    // Unauthenticated requests are logged too, without a directory.
    const anonRid = rid();
    expect((await scimClient(undefined).get("/Users", { "x-request-id": anonRid })).status).toBe(401);
    await flushRequestLog();
    expect(await prisma.requestLog.findFirst({ where: { clientRequestId: anonRid } })).toMatchObject({ status: 401, directoryId: null });
  });
});

// ---------------------------------------------------------------------------------------------

describe("rate limit", () => {
  it("answers 429 with an integer Retry-After once a directory exceeds its own limit", async () => {
    const limited = await newDirectory();
    const other = await newDirectory();
    const prisma = await getPrisma();
    await prisma.directory.update({ where: { id: limited.directory.id }, data: { rateLimitPerMinute: 6 } });
    // 6 per minute: a burst of one request, then one every ten seconds.
    const first = await limited.scim.get("/Users");
    expect(first.status).toBe(200);
    const second = await limited.scim.get<Doc>("/Users");
    expectScimError(second, 429);
    const retryAfter = second.headers.get("retry-after");
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(10);
    // Writes are limited too, and nothing is written.
    const blocked = await limited.scim.post("/Users", { userName: `${unique("rl")}@example.com` });
    expect(blocked.status).toBe(429);
    expect(await prisma.user.count({ where: { directoryId: limited.directory.id } })).toBe(0);
    // Another directory is not affected.
    expect((await other.scim.get("/Users")).status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------

describe("rate limit default", () => {
  it("falls back to SCIM_RATE_LIMIT_PER_MINUTE for a directory without a limit of its own", async () => {
    const { scim } = await newDirectory();
    const previous = process.env.SCIM_RATE_LIMIT_PER_MINUTE;
    process.env.SCIM_RATE_LIMIT_PER_MINUTE = "6";
    resetConfigForTests();
    try {
      expect((await scim.get("/Users")).status).toBe(200);
      const limited = await scim.get("/Users");
      expectScimError(limited, 429);
      expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    } finally {
      if (previous === undefined) delete process.env.SCIM_RATE_LIMIT_PER_MINUTE;
      else process.env.SCIM_RATE_LIMIT_PER_MINUTE = previous;
      resetConfigForTests();
    }
  });
});

describe("OAuth 2.0 client credentials", () => {
  it("issues access tokens (form body and Basic auth) that work like the directory's token", async () => {
    const { directory, scim } = await newDirectory();
    const other = await newDirectory();
    const prisma = await getPrisma();
    const { clientId, clientSecret, record } = await createOAuthClient(prisma, { directoryId: directory.id, name: "Okta", actor: SYSTEM });
    const user = await createUser(scim);
    const foreign = await createUser(other.scim);

    const tokenRequest = (body: string, headers: Record<string, string> = {}) =>
      handleScimRequest(
        new Request(`${SCIM_BASE}/oauth/token`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
          body,
        }),
      );

    const form = await tokenRequest(
      new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret }).toString(),
    );
    expect(form.status).toBe(200);
    expect(form.headers.get("cache-control")).toBe("no-store");
    const issued = (await form.json()) as Doc;
    expect(issued).toMatchObject({ token_type: "Bearer", expires_in: expect.any(Number) });
    expect(typeof issued.access_token).toBe("string");

    const basic = await tokenRequest("grant_type=client_credentials", {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString("base64")}`,
    });
    expect(basic.status).toBe(200);
    const viaBasic = (await basic.json()) as Doc;

    for (const accessToken of [issued.access_token, viaBasic.access_token]) {
      const client = scimClient(accessToken);
      const list = await client.get<Doc>("/Users");
      expect(list.status).toBe(200);
      expect(idsOf(list)).toEqual([user.id]);
      expectScimError(await client.get(`/Users/${foreign.id}`), 404);
    }

    // Writes with an access token are audited to the OAuth client.
    const requestId = `req-${randomUUID()}`;
    const created = await scimClient(issued.access_token).post<Doc>("/Users", { userName: `${unique("oauth")}@example.com` }, { "x-request-id": requestId });
    expect(created.status).toBe(201);
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { clientRequestId: requestId } });
    expect(event).toMatchObject({ actorType: "directory", actorId: record.id, directoryId: directory.id, action: "user.created" });

    const wrong = await tokenRequest(
      new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: `${clientSecret}x` }).toString(),
    );
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as Doc).error).toBe("invalid_client");
    const unknownClient = await tokenRequest(
      new URLSearchParams({ grant_type: "client_credentials", client_id: "csc_nobody", client_secret: clientSecret }).toString(),
    );
    expect(unknownClient.status).toBe(401);
    expect(((await unknownClient.json()) as Doc).error).toBe("invalid_client");
    const badBasic = await tokenRequest("grant_type=client_credentials", {
      authorization: `Basic ${Buffer.from(`${clientId}:nope`).toString("base64")}`,
    });
    expect(badBasic.status).toBe(401);
    for (const raw of [`${clientId}:%zz`, "%E0%A4%A:x", "no-colon"]) {
      const malformed = await tokenRequest("grant_type=client_credentials", { authorization: `Basic ${Buffer.from(raw).toString("base64")}` });
      expect(malformed.status, raw).toBe(401);
      expect(((await malformed.json()) as Doc).error).toBe("invalid_client");
    }
    const grant = await tokenRequest(new URLSearchParams({ grant_type: "password", client_id: clientId, client_secret: clientSecret }).toString());
    expect(grant.status).toBe(400);
    expect(((await grant.json()) as Doc).error).toBe("unsupported_grant_type");

    // A tampered access token and a revoked client's token are refused.
    const [h, p, s] = (issued.access_token as string).split(".");
    const forged = Buffer.from(JSON.stringify({ dir: other.directory.id, cid: clientId, exp: Math.floor(Date.now() / 1000) + 600 })).toString("base64url");
    expectScimError(await scimClient(`${h}.${forged}.${s}`).get("/Users"), 401);
    void p;
    await revokeOAuthClient(prisma, { clientRecordId: record.id, actor: SYSTEM });
    expectScimError(await scimClient(issued.access_token).get("/Users"), 401);
    const afterRevoke = await tokenRequest(
      new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret }).toString(),
    );
    expect(afterRevoke.status).toBe(401);
  });
});
