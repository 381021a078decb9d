// Fuzzed bodies against the five AuthZEN endpoints: whatever arrives — any JSON value, the
// scenario's shapes with any value in any field, broken text, odd content types — the answer is
// a 2xx or a 4xx in the JSON error envelope, never a 5xx.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { callRoute, newApiKey, newOrg, newRepository } from "@/lib/testing/api-v1";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { propertyOptions } from "@/lib/testing/property";
import { createContract } from "@/lib/contracts/service";
import { createRule } from "@/lib/rules/service";
import { getPrisma } from "@/lib/db/client";
import { testActor } from "@/lib/testing/api-v1";
import * as evaluationRoute from "./evaluation/route";
import * as evaluationsRoute from "./evaluations/route";
import * as actionSearchRoute from "./search/action/route";
import * as resourceSearchRoute from "./search/resource/route";
import * as subjectSearchRoute from "./search/subject/route";

setupTestDatabase();

const ENDPOINTS = [
  ["evaluation", evaluationRoute.POST],
  ["evaluations", evaluationsRoute.POST],
  ["search/subject", subjectSearchRoute.POST],
  ["search/resource", resourceSearchRoute.POST],
  ["search/action", actionSearchRoute.POST],
] as const;

describe("AuthZEN endpoints under fuzzed bodies", () => {
  it("never answer 5xx", async () => {
    const { key } = await newApiKey(["access:decide"]);
    const org = await newOrg();
    const userName = unique("fz");
    const u = await org.user(userName);
    const g = await org.group([u.id]);
    const repo = await newRepository();
    const prisma = await getPrisma();
    const contract = await createContract(prisma, { input: { title: "Fuzz", contractType: "NDA", confidentiality: "internal", repositoryId: repo.id, externalRef: unique("FZ") }, actor: testActor });
    await createRule(prisma, { input: { name: "Fuzz editors", groupId: g.id, level: "edit", repositoryId: repo.id, justification: "fuzz" }, actor: testActor });

    // Known ids mixed with anything, so the fuzz reaches the engine as well as the parser.
    const id = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(userName, u.id, contract.id, contract.externalRef ?? contract.id, repo.name, repo.id) }, fc.string(), fc.anything());
    const type = fc.oneof({ weight: 4, arbitrary: fc.constantFrom("user", "contract", "repository", "USER") }, fc.constantFrom(""), fc.anything());
    const properties = fc.oneof({ weight: 6, arbitrary: fc.dictionary(fc.string(), fc.anything()) }, fc.anything());
    const entity = fc.oneof(
      { weight: 4, arbitrary: fc.record({ type, id, properties }, { requiredKeys: ["type", "id"] }) },
      { weight: 1, arbitrary: fc.record({ type, id, properties }, { requiredKeys: [] }) },
      { weight: 1, arbitrary: fc.anything() },
    );
    const actionName = fc.oneof({ weight: 4, arbitrary: fc.constantFrom("view", "edit", "manage", "read") }, fc.anything());
    const actionEntity = fc.oneof({ weight: 4, arbitrary: fc.record({ name: actionName, properties }, { requiredKeys: ["name"] }) }, fc.anything());
    const context = fc.oneof(
      { weight: 4, arbitrary: fc.record({ time: fc.oneof({ weight: 3, arbitrary: fc.constantFrom("2025-06-27T18:03-07:00", "2026-01-01", "3000-01-01T00:00Z", "yesterday", "") }, fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.anything()) }, { requiredKeys: [] }) },
      { weight: 1, arbitrary: fc.anything() },
    );
    const request = (requiredKeys: ("subject" | "action" | "resource")[]) => fc.record(
      {
        subject: entity,
        action: actionEntity,
        resource: entity,
        context,
        evaluations: fc.oneof({ weight: 4, arbitrary: fc.array(fc.record({ subject: entity, action: actionEntity, resource: entity, context }, { requiredKeys: [] }), { maxLength: 5 }) }, fc.anything()),
        options: fc.oneof({ weight: 4, arbitrary: fc.record({ evaluations_semantic: fc.oneof({ weight: 4, arbitrary: fc.constantFrom("execute_all", "deny_on_first_deny", "permit_on_first_permit") }, fc.anything()) }) }, fc.anything()),
        page: fc.oneof({ weight: 4, arbitrary: fc.record({ limit: fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.anything()), token: fc.oneof(fc.string(), fc.base64String(), fc.anything()) }, { requiredKeys: [] }) }, fc.anything()),
      },
      { requiredKeys },
    );
    const body = fc.oneof(
      { weight: 6, arbitrary: request(["subject", "action", "resource"]).map((b) => JSON.stringify(b)) },
      { weight: 2, arbitrary: request([]).map((b) => JSON.stringify(b)) },
      { weight: 1, arbitrary: fc.anything().map((b) => JSON.stringify(b) ?? "") },
      { weight: 1, arbitrary: fc.string() },
    );
    const contentType = fc.oneof({ weight: 8, arbitrary: fc.constant("application/json") }, { weight: 1, arbitrary: fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "", "application/authzen+json") });

    const failures: string[] = [];
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ENDPOINTS), body, contentType, async ([path, handler], text, type) => {
        const res = await callRoute(handler, { method: "POST", path: `/access/v1/${path}`, key, body: text, headers: type ? { "content-type": type } : {} });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500 || (res.status >= 400 && typeof res.body?.error?.code !== "string")) failures.push(`${path} ${res.status} ${text.slice(0, 300)}`);
        return res.status < 500;
      }),
      propertyOptions(400),
    );
    expect(failures).toEqual([]);
    // The fuzz reaches past the parser: a good share of the bodies are answered (decisions, searches).
    expect(statuses.get(200) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(15);
  }, 300_000);
});
