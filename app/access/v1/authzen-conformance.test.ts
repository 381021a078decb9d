// The OpenID AuthZEN 1.0 certification scenario (certification/authorization-api-1_0-scenario.md),
// levels Basic, Batch, Search and Discovery (their Core sub-levels), against the real route handlers
// and a real database. The fixture is built as a customer would: people and groups over SCIM,
// contracts and rules through /api/v1 — back-dated (lib/clock runAt) to before the scenario's
// `context.time` of 2025-06-27, so its decisions hold now and then.
//
// Custodian's vocabulary stands in for the scenario's: resource type `record` → `contract`
// (record-1, record-2 = external references), action `read` → `view`, `write` → `edit`. Ids carry a
// suffix so the file can share a PostgreSQL database with others. The Properties sub-levels are
// not claimed: Custodian never takes a caller's `properties.role = "admin"` as grounds to permit —
// the rules decide (see "properties never grant" below).
import { describe, expect, it } from "vitest";
import { runAt } from "@/lib/clock";
import { callRoute, newApiKey, newOrg, newRepository } from "@/lib/testing/api-v1";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import * as contractRoute from "@/app/api/v1/contracts/[ref]/route";
import * as rulesRoute from "@/app/api/v1/rules/route";
import * as metadataRoute from "@/app/.well-known/authzen-configuration/route";
import * as evaluationRoute from "./evaluation/route";
import * as evaluationsRoute from "./evaluations/route";
import * as actionSearchRoute from "./search/action/route";
import * as resourceSearchRoute from "./search/resource/route";
import * as subjectSearchRoute from "./search/subject/route";

setupTestDatabase();

const s = unique("az").toLowerCase();
const alice = `alice-${s}`;
const bob = `bob-${s}`;
const record1 = `record-1-${s}`;
const record2 = `record-2-${s}`;

let key = "";

async function fixture() {
  const admin = await newApiKey(["admin"]);
  await runAt(new Date("2025-01-01T00:00:00Z"), async () => {
    const org = await newOrg();
    const a = await org.user(alice);
    const b = await org.user(bob);
    const editors = await org.group([a.id]);
    const readers = await org.group([b.id]);
    const repo = await newRepository();
    const contracts: string[] = [];
    for (const ref of [record1, record2]) {
      const put = await callRoute(contractRoute.PUT, {
        method: "PUT",
        path: `/api/v1/contracts/${ref}`,
        params: { ref },
        key: admin.key,
        body: { title: `Record ${ref}`, contractType: "MSA", repository: repo.name, confidentiality: "internal" },
      });
      expect(put.status).toBe(201);
      contracts.push(put.body.id);
    }
    for (const [groupId, level] of [[editors.id, "edit"], [readers.id, "view"]]) {
      const rule = await callRoute(rulesRoute.POST, {
        method: "POST",
        path: "/api/v1/rules",
        key: admin.key,
        body: { name: `Certification ${level}`, groupId, level, contractId: contracts[0], justification: "AuthZEN certification fixture" },
      });
      expect(rule.status).toBe(201);
    }
  });
  key = (await newApiKey(["access:decide"])).key;
}

const user = (id: string) => ({ type: "user", id });
const record = (id: string) => ({ type: "contract", id });
const action = (name: string) => ({ name });

const post = (handler: unknown, path: string, body: unknown, headers: Record<string, string> = {}) =>
  callRoute(handler, { method: "POST", path, key, body, headers });
const evaluation = (body: unknown, headers?: Record<string, string>) => post(evaluationRoute.POST, "/access/v1/evaluation", body, headers);
const evaluations = (body: unknown) => post(evaluationsRoute.POST, "/access/v1/evaluations", body);
const subjects = (body: unknown) => post(subjectSearchRoute.POST, "/access/v1/search/subject", body);
const resources = (body: unknown) => post(resourceSearchRoute.POST, "/access/v1/search/resource", body);
const actions = (body: unknown) => post(actionSearchRoute.POST, "/access/v1/search/action", body);

describe("AuthZEN 1.0 certification scenario", () => {
  it("fixture (§1): two users, two contracts, rules — through SCIM and /api/v1", async () => {
    await fixture();
  });

  describe("Basic (§2)", () => {
    it("§2.2.1–2 permit and deny fixture decisions (rules 1–4), responses 200 JSON with a boolean decision and an object context", async () => {
      const cases: [string, string, boolean][] = [
        [alice, "view", true],
        [alice, "edit", true],
        [bob, "view", true],
        [bob, "edit", false],
      ];
      for (const [who, level, expected] of cases) {
        const res = await evaluation({ subject: user(who), action: action(level), resource: record(record1) });
        expect(res.status, `${who} ${level}`).toBe(200);
        expect(res.headers.get("content-type")).toMatch(/^application\/json/);
        expect(res.body.decision, `${who} ${level}`).toBe(expected);
        expect(typeof res.body.context).toBe("object");
      }
    });

    it("§2.2.3 accepts a context (a time without seconds, an unknown ip) and the decision holds", async () => {
      const res = await evaluation({ subject: user(alice), action: action("view"), resource: record(record1), context: { time: "2025-06-27T18:03-07:00", ip: "192.168.1.1" } });
      expect(res.status).toBe(200);
      expect(res.body.decision).toBe(true);
    });

    it("§2.2.8–9 accepts extra properties and ignores unknown fields", async () => {
      const extra = await evaluation({
        subject: { ...user(alice), properties: { department: "Sales", role: "manager" } },
        action: { name: "view", properties: { method: "GET" } },
        resource: { ...record(record1), properties: { status: "active", owner: "bob" } },
      });
      expect(extra.body).toMatchObject({ decision: true });
      const unknown = await evaluation({ subject: user(alice), action: action("view"), resource: record(record1), foo: "bar", futureField: { nested: true } });
      expect(unknown.status).toBe(200);
      expect(unknown.body.decision).toBe(true);
    });

    it("§2.4 answers 400 for missing fields and sub-fields, wrong types, malformed JSON, an empty body and a non-JSON content type", async () => {
      const valid = { subject: user(alice), action: action("view"), resource: record(record1) };
      const bodies: unknown[] = [
        { action: valid.action, resource: valid.resource },
        { subject: valid.subject, resource: valid.resource },
        { subject: valid.subject, action: valid.action },
        { ...valid, subject: { id: alice } },
        { ...valid, subject: { type: "user" } },
        { ...valid, action: {} },
        { ...valid, resource: { id: record1 } },
        { ...valid, resource: { type: "contract" } },
        { ...valid, subject: alice },
        { ...valid, action: { name: 123 } },
      ];
      for (const body of bodies) {
        const res = await evaluation(body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error.code).toBe("invalid_input");
      }
      expect((await evaluation('{"subject": ')).status).toBe(400);
      const empty = await callRoute(evaluationRoute.POST, { method: "POST", path: "/access/v1/evaluation", key, headers: { "content-type": "application/json" } });
      expect(empty.status).toBe(400);
      const text = await callRoute(evaluationRoute.POST, { method: "POST", path: "/access/v1/evaluation", key, body: JSON.stringify(valid), headers: { "content-type": "text/plain" } });
      expect(text.status).toBe(400);
    });

    it("§2.5 echoes X-Request-ID, and answers with one of its own when none was sent", async () => {
      const body = { subject: user(alice), action: action("view"), resource: record(record1) };
      expect((await evaluation(body, { "x-request-id": "cert-req-42" })).headers.get("x-request-id")).toBe("cert-req-42");
      expect((await evaluation(body)).headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("§2.6 is idempotent: the same request, the same decision", async () => {
      const body = { subject: user(bob), action: action("edit"), resource: record(record1) };
      const decisions = [];
      for (let i = 0; i < 3; i++) decisions.push((await evaluation(body)).body.decision);
      expect(decisions).toEqual([false, false, false]);
    });

    it("unknown subject, resource, action or type is a deny, not an error", async () => {
      for (const body of [
        { subject: user("nobody-" + s), action: action("view"), resource: record(record1) },
        { subject: user(alice), action: action("view"), resource: record("no-such-record") },
        { subject: user(alice), action: action("fly"), resource: record(record1) },
        { subject: user(alice), action: action("view"), resource: { type: "spaceship", id: record1 } },
      ]) {
        const res = await evaluation(body);
        expect(res.status).toBe(200);
        expect(res.body.decision).toBe(false);
        expect(typeof res.body.context.reason).toBe("string");
      }
    });

    it("properties never grant: a caller's role=admin does not turn bob's deny into a permit", async () => {
      const res = await evaluation({ subject: { ...user(bob), properties: { role: "admin" } }, action: action("edit"), resource: record(record1) });
      expect(res.body.decision).toBe(false);
    });
  });

  describe("Batch (§3)", () => {
    it("§3.2.1 defaults with per-item resources: one decision per item, in order", async () => {
      const res = await evaluations({ subject: user(alice), action: action("view"), evaluations: [{ resource: record(record1) }, { resource: record(record2) }] });
      expect(res.status).toBe(200);
      expect(res.body.evaluations).toHaveLength(2);
      expect(res.body.evaluations.map((e: { decision: boolean }) => e.decision)).toEqual([true, false]);
      expect(res.body.decision).toBeUndefined();
    });

    it("§3.2.2 per-item actions validated in order (rules 3 and 4)", async () => {
      const res = await evaluations({ subject: user(bob), resource: record(record1), evaluations: [{ action: action("view") }, { action: action("edit") }] });
      expect(res.body.evaluations.map((e: { decision: boolean }) => e.decision)).toEqual([true, false]);
    });

    it("§3.2.5 fully specified items, no defaults", async () => {
      const res = await evaluations({
        evaluations: [
          { subject: user(alice), action: action("view"), resource: record(record1) },
          { subject: user(bob), action: action("edit"), resource: record(record1) },
        ],
      });
      expect(res.body.evaluations.map((e: { decision: boolean }) => e.decision)).toEqual([true, false]);
    });

    it("§3.2.6 top-level context is inherited, an item's context replaces it", async () => {
      const res = await evaluations({
        subject: user(alice),
        action: action("view"),
        context: { time: "2025-06-27T18:03-07:00" },
        evaluations: [{ resource: record(record1) }, { resource: record(record2), context: { time: "2025-06-27T19:00-07:00", source: "batch-override" } }],
      });
      expect(res.status).toBe(200);
      expect(res.body.evaluations).toHaveLength(2);
      expect(res.body.evaluations[0].decision).toBe(true);
    });

    it("an item's entity replaces the default as a whole object: no merging of sub-fields (final 1.0 text)", async () => {
      const res = await evaluations({ subject: user(alice), action: action("view"), resource: { type: "contract" }, evaluations: [{ resource: { id: record1 } }, { resource: record(record1) }] });
      expect(res.status).toBe(200);
      expect(res.body.evaluations[0]).toMatchObject({ decision: false, context: { error: { code: "invalid_input" } } });
      expect(res.body.evaluations[1].decision).toBe(true);
    });

    it("§3.4.1 a malformed item is that item's deny with error details; §3.4.2–3 no or empty evaluations = a single evaluation", async () => {
      const res = await evaluations({ subject: user(alice), action: action("view"), evaluations: [{ resource: record(record1) }, {}] });
      expect(res.status).toBe(200);
      expect(res.body.evaluations).toHaveLength(2);
      expect(res.body.evaluations[0].decision).toBe(true);
      expect(res.body.evaluations[1]).toMatchObject({ decision: false, context: { error: { code: "invalid_input" } } });
      const single = { subject: user(alice), action: action("view"), resource: record(record1) };
      for (const body of [single, { ...single, evaluations: [] }]) {
        const r = await evaluations(body);
        expect(r.status).toBe(200);
        expect(r.body.decision).toBe(true);
        expect(r.body.evaluations).toBeUndefined();
      }
      expect((await evaluations({ subject: user(alice), action: action("view") })).status).toBe(400);
      expect((await evaluations({ ...single, evaluations: "all" })).status).toBe(400);
      expect((await evaluations({ ...single, evaluations: [{}], options: { evaluations_semantic: "majority" } })).status).toBe(400);
    });

    it("§7.2 semantics: deny_on_first_deny and permit_on_first_permit end at the deciding item, which names the semantic", async () => {
      const items = [{ action: action("view") }, { action: action("edit") }, { action: action("view") }];
      const all = await evaluations({ subject: user(bob), resource: record(record1), evaluations: items });
      expect(all.body.evaluations.map((e: { decision: boolean }) => e.decision)).toEqual([true, false, true]);
      const deny = await evaluations({ subject: user(bob), resource: record(record1), evaluations: items, options: { evaluations_semantic: "deny_on_first_deny" } });
      expect(deny.body.evaluations).toHaveLength(2);
      expect(deny.body.evaluations[1]).toMatchObject({ decision: false, context: { evaluations_semantic: "deny_on_first_deny" } });
      const permit = await evaluations({ subject: user(bob), resource: record(record1), evaluations: [items[1], items[0], items[2]], options: { evaluations_semantic: "permit_on_first_permit" } });
      expect(permit.body.evaluations.map((e: { decision: boolean }) => e.decision)).toEqual([false, true]);
      expect(permit.body.evaluations[1].context.evaluations_semantic).toBe("permit_on_first_permit");
    });
  });

  describe("Search (§4)", () => {
    it("§4.2.1–2 subject search: alice and bob can view record-1 (with and without context)", async () => {
      for (const extra of [{}, { context: { time: "2025-06-27T18:03-07:00" } }]) {
        const res = await subjects({ subject: { type: "user" }, action: action("view"), resource: record(record1), ...extra });
        expect(res.status).toBe(200);
        const ids = res.body.results.map((r: { id: string }) => r.id);
        expect(ids).toEqual(expect.arrayContaining([alice, bob]));
        for (const r of res.body.results) expect(r.type).toBe("user");
        expect(res.body.page).toMatchObject({ next_token: "", total: 2 });
      }
      const editors = await subjects({ subject: { type: "user" }, action: action("edit"), resource: record(record1) });
      expect(editors.body.results.map((r: { id: string }) => r.id)).toEqual([alice]);
    });

    it("§4.3.1 resource search: alice can view record-1", async () => {
      const res = await resources({ subject: user(alice), action: action("view"), resource: { type: "contract" } });
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual([{ type: "contract", id: record1, properties: expect.objectContaining({ level: "edit" }) }]);
      expect(res.body.page).toMatchObject({ next_token: "", count: 1, total: 1 });
    });

    it("§4.4.1–2 action search: alice has view and edit (and comment between them) on record-1", async () => {
      for (const extra of [{}, { context: { time: "2025-06-27T18:03-07:00" } }]) {
        const res = await actions({ subject: user(alice), resource: record(record1), ...extra });
        expect(res.status).toBe(200);
        expect(res.body.results).toEqual([{ name: "view" }, { name: "comment" }, { name: "edit" }]);
      }
    });

    it("§4.5 paging: page.limit, then page.token until an empty next_token", async () => {
      const base = { subject: { type: "user" }, action: action("view"), resource: record(record1) };
      const first = await subjects({ ...base, page: { limit: 1 } });
      expect(first.status).toBe(200);
      expect(first.body.results).toHaveLength(1);
      expect(first.body.page.next_token).toMatch(/.+/);
      const second = await subjects({ ...base, page: { token: first.body.page.next_token } });
      expect(second.status).toBe(200);
      expect(second.body.results).toHaveLength(1);
      expect(second.body.page.next_token).toBe("");
      expect([first.body.results[0].id, second.body.results[0].id].sort()).toEqual([alice, bob].sort());
      // A token is only good for the search that issued it.
      const other = await subjects({ ...base, resource: record(record2), page: { token: first.body.page.next_token } });
      expect(other.status).toBe(400);
      expect((await subjects({ ...base, page: { token: "garbage" } })).status).toBe(400);
    });

    it("§4.6 unknown id or type: empty results, not an error", async () => {
      const unknownId = await actions({ subject: user("nonexistent-user"), resource: record(record1) });
      expect(unknownId.status).toBe(200);
      expect(unknownId.body.results).toEqual([]);
      const unknownType = await subjects({ subject: { type: "spaceship" }, action: action("view"), resource: record(record1) });
      expect(unknownType.status).toBe(200);
      expect(unknownType.body.results).toEqual([]);
    });

    it("§4.7 missing fields and sub-fields: 400", async () => {
      expect((await subjects({ subject: { type: "user" }, resource: record(record1) })).status).toBe(400);
      expect((await resources({ action: action("view"), resource: { type: "contract" } })).status).toBe(400);
      expect((await actions({ subject: user(alice) })).status).toBe(400);
      expect((await subjects({ subject: { type: "user" }, action: action("view"), resource: { type: "contract" } })).status).toBe(400);
      expect((await resources({ subject: { type: "user" }, action: action("view"), resource: { type: "contract" } })).status).toBe(400);
    });
  });

  describe("Discovery (§6)", () => {
    it("§6.2–6.5 metadata: 200 JSON, policy_decision_point = the base URL it was fetched under, absolute endpoint URLs", async () => {
      const res = await callRoute(metadataRoute.GET, { path: "/.well-known/authzen-configuration", headers: { host: "pdp.example.com" } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        policy_decision_point: "http://pdp.example.com",
        access_evaluation_endpoint: "http://pdp.example.com/access/v1/evaluation",
        access_evaluations_endpoint: "http://pdp.example.com/access/v1/evaluations",
        search_subject_endpoint: "http://pdp.example.com/access/v1/search/subject",
        search_resource_endpoint: "http://pdp.example.com/access/v1/search/resource",
        search_action_endpoint: "http://pdp.example.com/access/v1/search/action",
      });
    });
  });

  it("§5 credentials: 401 without a key, 403 for a key without a decision scope", async () => {
    const body = { subject: user(alice), action: action("view"), resource: record(record1) };
    expect((await callRoute(evaluationRoute.POST, { method: "POST", path: "/access/v1/evaluation", body })).status).toBe(401);
    const other = await newApiKey(["contracts:read"]);
    expect((await callRoute(evaluationRoute.POST, { method: "POST", path: "/access/v1/evaluation", key: other.key, body })).status).toBe(403);
  });
});
