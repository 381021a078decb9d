// The AuthZEN endpoints in Custodian's vocabulary, beyond the certification scenario: a batch of
// 100 contracts answered set-based and equal to single checks, the decision log and the per-outcome
// counter, resource-search paging over many contracts, repositories, ambiguity across directories.
import { describe, expect, it } from "vitest";
import { checkAccess } from "@/lib/access/effective-access";
import { createExclusion } from "@/lib/exclusions/service";
import { daysAgo, reusedUserName } from "@/lib/testing/reused-user-name";
import { testActor } from "@/lib/testing/api-v1";
import { evaluateMany } from "@/lib/authzen/decisions";
import { flushDecisionLog } from "@/lib/authzen/decision-log";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/db/client";
import { newWorld } from "@/lib/testing/access-world";
import { callRoute, newApiKey, newOrg } from "@/lib/testing/api-v1";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { withEnv } from "@/lib/testing/env";
import * as metricsRoute from "@/app/api/metrics/route";
import * as floorRoute from "@/app/api/bench/decision-floor/route";
import * as checkRoute from "@/app/api/v1/access/check/route";
import * as evaluationRoute from "./evaluation/route";
import * as evaluationsRoute from "./evaluations/route";
import * as actionSearchRoute from "./search/action/route";
import * as resourceSearchRoute from "./search/resource/route";

setupTestDatabase();

const post = (handler: unknown, path: string, key: string, body: unknown) => callRoute(handler, { method: "POST", path, key, body });

/** A person in a group granted `edit` on a repository of `n` contracts, and `view` on one contract elsewhere. */
async function catalogue(n: number) {
  const w = await newWorld();
  const person = await w.user("reader");
  const outsider = await w.user("outsider");
  const group = await w.group("buyers", [person]);
  const repo = await w.repository("shelf");
  const other = await w.repository("other");
  const contracts: string[] = [];
  for (let i = 0; i < n; i++) contracts.push(await w.contract(repo, { title: `C${String(i).padStart(3, "0")}` }));
  const elsewhere = await w.contract(other, { title: "Elsewhere" });
  const hidden = await w.contract(other, { title: "Hidden" });
  await w.rule({ groupId: group, level: "edit", repositoryId: repo, name: "Buyers edit the shelf" });
  await w.rule({ groupId: group, level: "view", contractId: elsewhere });
  return { w, person, outsider, repo, other, contracts, elsewhere, hidden };
}

/** A client that counts the statements it is asked to run. */
function counting(prisma: PrismaClient) {
  const counter = { n: 0 };
  const client = prisma.$extends({
    query: {
      async $allOperations({ args, query }) {
        counter.n += 1;
        return query(args);
      },
    },
  }) as unknown as PrismaClient;
  return { client, counter };
}

describe("AuthZEN decisions in Custodian's vocabulary", () => {
  it("a batch of 100 contracts for one person: the same answers as 100 single checks, in a constant number of statements", async () => {
    const { person, contracts, elsewhere, hidden } = await catalogue(98);
    const asked = [...contracts, elsewhere, hidden];
    const prisma = await getPrisma();
    const { client, counter } = counting(prisma);
    const body = (ids: string[], action = "comment") => ({ subject: { type: "user", id: person }, action: { name: action }, evaluations: ids.map((id) => ({ resource: { type: "contract", id } })) });

    const batch = (await evaluateMany(client, { body: body(asked) })) as { evaluations: { decision: boolean; context: Record<string, unknown> }[] };
    const statementsFor100 = counter.n;
    expect(batch.evaluations).toHaveLength(100);
    for (const [i, id] of asked.entries()) {
      const single = await checkAccess(prisma, { userId: person, contractId: id, level: "comment" });
      expect(batch.evaluations[i].decision, `item ${i}`).toBe(single.allowed);
    }
    expect(batch.evaluations.slice(0, 98).every((e) => e.decision && e.context.level === "edit")).toBe(true);
    // A permit names its rule, for a gateway's log (the rule's id alone means nothing there).
    expect(batch.evaluations[0].context.reasons).toEqual([expect.objectContaining({ ruleName: "Buyers edit the shelf", level: "edit" })]);
    expect(batch.evaluations[98]).toMatchObject({ decision: false, context: { reason: "level_too_low", level: "view" } });
    expect(batch.evaluations[99]).toMatchObject({ decision: false, context: { reason: "no_rule" } });

    counter.n = 0;
    // The last ten: permits and denies, like the hundred (a batch with a deny reads which denies an exclusion explains).
    await evaluateMany(client, { body: body(asked.slice(-10)) });
    // Set-based: ten items or a hundred cost the same statements (subject, contracts, reasons, names).
    expect(statementsFor100).toBe(counter.n);
    expect(statementsFor100).toBeLessThanOrEqual(8);
  });

  it("a batch says 'excluded' for a person an exclusion denies, as a single evaluation does (it said no_rule)", async () => {
    const { w, person, contracts } = await catalogue(3);
    await createExclusion(w.prisma, { input: { userId: person, contractId: contracts[1], reason: "Conflict on C001" }, actor: testActor });
    const batch = (await evaluateMany(w.prisma, {
      body: { subject: { type: "user", id: person }, action: { name: "view" }, evaluations: contracts.map((id) => ({ resource: { type: "contract", id } })) },
    })) as { evaluations: { decision: boolean; context: Record<string, unknown> }[] };
    expect(batch.evaluations.map((e) => e.decision)).toEqual([true, false, true]);
    expect(batch.evaluations[1].context).toMatchObject({ reason: "excluded" });
  });

  it("a single evaluation of an excluded person names the exclusion's kind, never its free-text reason or its author", async () => {
    const { w, person, contracts } = await catalogue(2);
    await createExclusion(w.prisma, { input: { userId: person, contractId: contracts[0], reason: "Conflict: married to the counterparty's CFO" }, actor: testActor });
    const { key } = await newApiKey(["access:decide"]);
    const res = await post(evaluationRoute.POST, "/access/v1/evaluation", key, { subject: { type: "user", id: person }, action: { name: "view" }, resource: { type: "contract", id: contracts[0] } });
    expect(res.body).toMatchObject({ decision: false, context: { reason: "excluded", denials: [expect.objectContaining({ code: "excluded", scope: "contract" })] } });
    expect(JSON.stringify(res.body)).not.toContain("CFO");
    expect(JSON.stringify(res.body)).not.toContain(testActor.label);
  });

  it("context.time names whoever held a userName then (a reused userName is not the new person's answer)", async () => {
    const { userName, contract } = await reusedUserName();
    const { key } = await newApiKey(["access:decide"]);
    const ask = (time?: Date) => ({ subject: { type: "user", id: userName }, action: { name: "view" }, resource: { type: "contract", id: contract }, ...(time ? { context: { time: time.toISOString() } } : {}) });
    const past = daysAgo(8);
    expect((await post(evaluationRoute.POST, "/access/v1/evaluation", key, ask(past))).body.decision).toBe(true);
    expect((await post(evaluationRoute.POST, "/access/v1/evaluation", key, ask())).body.decision).toBe(false);
    const batch = await post(evaluationsRoute.POST, "/access/v1/evaluations", key, { evaluations: [ask(past), ask()] });
    expect(batch.body.evaluations.map((e: { decision: boolean }) => e.decision)).toEqual([true, false]);
    const actions = await post(actionSearchRoute.POST, "/access/v1/search/action", key, { subject: ask().subject, resource: ask().resource, context: { time: past.toISOString() } });
    expect(actions.body.results).toContainEqual({ name: "edit" });
  });

  it("the decision log keeps the last permit per person × contract (aggregated, written in batches), never a deny or a past instant; /api/metrics counts outcomes", async () => {
    // A long interval, so the timer cannot write between the requests and the check below.
    const restore = withEnv({ METRICS_TOKEN: "metrics-token-for-authzen-test", DECISION_LOG_FLUSH_MS: "60000" });
    try {
      await flushDecisionLog();
      const { person, contracts, hidden } = await catalogue(2);
      const { key } = await newApiKey(["access:decide"]);
      const prisma = await getPrisma();
      const ask = (contract: string, context?: Record<string, unknown>) =>
        post(evaluationRoute.POST, "/access/v1/evaluation", key, { subject: { type: "user", id: person }, action: { name: "view" }, resource: { type: "contract", id: contract }, context });
      const before = new Date();
      expect((await ask(contracts[0])).body.decision).toBe(true);
      expect((await ask(contracts[0])).body.decision).toBe(true);
      expect((await ask(hidden)).body.decision).toBe(false);
      expect((await ask(contracts[1], { time: new Date().toISOString() })).body.decision).toBe(true);
      const batch = await post(evaluationsRoute.POST, "/access/v1/evaluations", key, {
        subject: { type: "user", id: person },
        action: { name: "view" },
        evaluations: [{ resource: { type: "contract", id: contracts[0] } }, { resource: { type: "contract", id: hidden } }, {}],
      });
      expect(batch.body.evaluations.map((e: { decision: boolean }) => e.decision)).toEqual([true, false, false]);
      // Nothing is written on the request path.
      expect(await prisma.decisionLog.count({ where: { userId: person } })).toBe(0);
      await flushDecisionLog();
      const rows = await prisma.decisionLog.findMany({ where: { userId: person } });
      expect(rows).toEqual([{ userId: person, contractId: contracts[0], lastPermitAt: expect.any(Date), permits: 3 }]);
      expect(rows[0].lastPermitAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1);

      const metrics = await metricsRoute.GET(new Request("http://localhost/api/metrics", { headers: { authorization: "Bearer metrics-token-for-authzen-test" } }));
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toMatch(/custodian_authzen_decisions_total\{endpoint="evaluations",outcome="error"\} [1-9]/);
      expect(text).toMatch(/custodian_authzen_decisions_total\{endpoint="evaluation",outcome="permit"\} [1-9]/);
    } finally {
      restore();
    }
  });

  it("DECISION_LOG=0 turns the log off", async () => {
    const restore = withEnv({ DECISION_LOG: "0" });
    try {
      const { person, contracts } = await catalogue(1);
      const { key } = await newApiKey(["access:decide"]);
      const res = await post(evaluationRoute.POST, "/access/v1/evaluation", key, { subject: { type: "user", id: person }, action: { name: "view" }, resource: { type: "contract", id: contracts[0] } });
      expect(res.body.decision).toBe(true);
      await flushDecisionLog();
      expect(await (await getPrisma()).decisionLog.count({ where: { userId: person } })).toBe(0);
    } finally {
      restore();
    }
  });

  it("resource search pages through 250 contracts in title order: total, next_token, no repeats", async () => {
    const { person, contracts, elsewhere } = await catalogue(249);
    const { key } = await newApiKey(["access:decide"]);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await post(resourceSearchRoute.POST, "/access/v1/search/resource", key, {
        subject: { type: "user", id: person },
        action: { name: "view" },
        resource: { type: "contract" },
        page: token ? { token } : { limit: 100 },
      });
      expect(res.status).toBe(200);
      expect(res.body.page.total).toBe(250);
      seen.push(...res.body.results.map((r: { properties: { custodian_id: string } }) => r.properties.custodian_id));
      token = res.body.page.next_token;
      pages += 1;
    } while (token && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(250);
    expect(seen.sort()).toEqual([...contracts, elsewhere].sort());
    // Only contracts at the level asked for.
    const editable = await post(resourceSearchRoute.POST, "/access/v1/search/resource", key, { subject: { type: "user", id: person }, action: { name: "edit" }, resource: { type: "contract" }, page: { limit: 1 } });
    expect(editable.body.page.total).toBe(249);
  });

  it("repositories: a level on a repository = that level on at least one of its contracts; action search lists the levels", async () => {
    const { person, outsider, repo, other } = await catalogue(1);
    const { key } = await newApiKey(["access:decide"]);
    const ask = (subject: string, name: string, id: string) =>
      post(evaluationRoute.POST, "/access/v1/evaluation", key, { subject: { type: "user", id: subject }, action: { name }, resource: { type: "repository", id } });
    expect((await ask(person, "edit", repo)).body.decision).toBe(true);
    expect((await ask(person, "sign", repo)).body.decision).toBe(false);
    expect((await ask(person, "edit", other)).body.decision).toBe(false);
    expect((await ask(outsider, "view", repo)).body.decision).toBe(false);
    const levels = await post(actionSearchRoute.POST, "/access/v1/search/action", key, { subject: { type: "user", id: person }, resource: { type: "repository", id: other } });
    expect(levels.body.results).toEqual([{ name: "view" }]);
  });

  it("a userName in two directories: 409 with the candidates, as /api/v1 answers; properties.directory picks one; in a batch, that item's error", async () => {
    const name = `${unique("twin")}@example.com`;
    const a = await newOrg();
    const b = await newOrg();
    await a.user(name);
    await b.user(name);
    const { key } = await newApiKey(["access:decide"]);
    const body = { subject: { type: "user", id: name }, action: { name: "view" }, resource: { type: "contract", id: "none" } };
    const res = await post(evaluationRoute.POST, "/access/v1/evaluation", key, body);
    expect(res.status).toBe(409);
    expect(res.body.error.details.candidates).toHaveLength(2);
    const picked = await post(evaluationRoute.POST, "/access/v1/evaluation", key, { ...body, subject: { ...body.subject, properties: { directory: a.directory.name } } });
    expect(picked.status).toBe(200);
    expect(picked.body).toMatchObject({ decision: false, context: { reason: "unknown_resource" } });
    const batch = await post(evaluationsRoute.POST, "/access/v1/evaluations", key, { ...body, evaluations: [{}, { subject: { ...body.subject, properties: { directory: b.directory.name } } }] });
    expect(batch.status).toBe(200);
    expect(batch.body.evaluations[0]).toMatchObject({ decision: false, context: { error: { code: "conflict" } } });
    expect(batch.body.evaluations[1]).toMatchObject({ decision: false, context: { reason: "unknown_resource" } });
  });

  it("an access:decide key asks AuthZEN only: /api/v1/access/check is 403 for it", async () => {
    const { key } = await newApiKey(["access:decide"]);
    const res = await callRoute(checkRoute.GET, { path: "/api/v1/access/check?user=x&contract=y", key });
    expect(res.status).toBe(403);
  });

  it("the benchmark's decision floor: 404 unless BENCH_FLOOR_ROUTE=1, then a constant decision for a key with the scope", async () => {
    const { key } = await newApiKey(["access:decide"]);
    const body = { subject: { type: "user", id: "x" }, action: { name: "view" }, resource: { type: "contract", id: "y" } };
    expect((await post(floorRoute.POST, "/api/bench/decision-floor", key, body)).status).toBe(404);
    const restore = withEnv({ BENCH_FLOOR_ROUTE: "1" });
    try {
      const on = await post(floorRoute.POST, "/api/bench/decision-floor", key, body);
      expect(on.status).toBe(200);
      expect(on.body).toEqual({ decision: true });
      expect((await callRoute(floorRoute.POST, { method: "POST", path: "/api/bench/decision-floor", body })).status).toBe(401);
    } finally {
      restore();
    }
  });
});
