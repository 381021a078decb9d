// Evidence packs through their real route handlers and permission checks, on a history built
// through the real services (SCIM route handler for people and groups, contract and rule services).
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { instant, newWorld, sleep } from "@/lib/testing/access-world";
import { createAccount } from "@/lib/auth/accounts";
import { flushRequestLog } from "@/lib/scim/request-log";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { setupTestDatabase } from "@/lib/testing/database";
import { GET as exportEvidence } from "./export/route";
import { GET as previewEvidence } from "./route";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

// A database of its own: the person-pack test clears audit fields the way an erasure does, without an
// erasure record, which whole-chain verifications elsewhere would rightly report as a break.
const { db } = setupTestDatabase({ empty: true });
const { signInAs, accounts } = setupRoleAccounts(db);

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const get = (path: string) => new Request(`http://localhost${path}`);
const qs = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** RFC 4180 parser for the tests: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  return rows;
}

async function story() {
  const w = await newWorld();
  const from = await instant();
  const alice = await w.user("alice");
  // A person whose display name a spreadsheet would run as a formula.
  const bobRes = await w.scim.post<{ id: string }>("/Users", {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
    userName: `bob-${w.tag}@example.com`,
    displayName: "=HYPERLINK(\"http://evil\")",
    emails: [{ value: `bob-${w.tag}@example.com`, primary: true }],
    [ENTERPRISE]: { department: "Legal", employeeNumber: "E-42" },
  });
  expect(bobRes.status).toBe(201);
  const bob = bobRes.body.id;
  const legal = await w.group("legal", [alice, bob]);
  const repo = await w.repository("deals");
  const contract = await w.contract(repo, { title: `MSA ${w.tag}` });
  await w.contract(repo, { title: `NDA ${w.tag}`, type: "NDA" });
  await w.rule({ groupId: legal, level: "edit", repositoryId: repo });
  await sleep(20);
  await w.setActive(bob, false); // the directory deactivates bob: a leaver
  await flushRequestLog();
  const to = await instant();
  return { w, from, to, alice, bob, legal, repo, contract };
}

describe("evidence routes", () => {
  it("contract pack: who had access when and why, grants and revocations with the SCIM request behind them; CSV is formula-safe; the export is audited", async () => {
    const s = await story();
    signInAs("auditor");
    const params = { kind: "contract", id: s.contract, from: s.from.toISOString(), to: s.to.toISOString() };
    const res = await previewEvidence(get(`/api/admin/evidence?${qs(params)}`), undefined);
    expect(res.status).toBe(200);
    const pack = await res.json();
    expect(pack).toMatchObject({ kind: "contract", subject: { id: s.contract }, people: 2, truncated: { intervals: false, events: false } });
    const bobRow = pack.intervals.find((i: { userId: string }) => i.userId === s.bob);
    expect(bobRow).toMatchObject({ level: "edit", openAtEnd: false, openAtStart: false });
    expect(bobRow.reasons[0].chain).toMatch(/^legal-.* ← rule .* v1 \(edit\) ← repository deals-/);
    expect(pack.intervals.find((i: { userId: string }) => i.userId === s.alice)).toMatchObject({ openAtEnd: true });

    const revoked = pack.events.find((e: { action: string; userId: string }) => e.action === "access.revoked" && e.userId === s.bob);
    expect(revoked).toMatchObject({ repositoryId: s.repo, before: { contracts: 2, level: "edit" }, after: { contracts: 0 }, cause: { kind: "user.deactivated" } });
    expect(revoked.cause.event).toMatchObject({ action: "user.deactivated", actor: { type: "directory" }, target: { id: s.bob } });
    expect(revoked.cause.event.requestId).toBeTruthy();
    expect(revoked.cause.request).toMatchObject({ requestId: revoked.cause.event.requestId, method: "PATCH", path: `/Users/${s.bob}`, status: 200 });
    expect(new Date(revoked.cause.request.receivedAt).getTime()).toBeLessThanOrEqual(new Date(revoked.at).getTime());
    expect(pack.events.filter((e: { action: string }) => e.action === "access.granted")).toHaveLength(2);

    const csvRes = await exportEvidence(get(`/api/admin/evidence/export?${qs({ ...params, format: "csv" })}`), undefined);
    expect(csvRes.status).toBe(200);
    expect(csvRes.headers.get("content-disposition")).toMatch(/^attachment; filename="evidence-contract-.*-intervals\.csv"$/);
    const rows = parseCsv(await csvRes.text());
    expect(rows[0].slice(0, 3)).toEqual(["userId", "userName", "displayName"]);
    expect(rows).toHaveLength(3);
    const bobCsv = rows.find((r) => r[0] === s.bob)!;
    expect(bobCsv[2]).toBe("'=HYPERLINK(\"http://evil\")");

    const eventsCsv = parseCsv(await (await exportEvidence(get(`/api/admin/evidence/export?${qs({ ...params, part: "events" })}`), undefined)).text());
    const header = eventsCsv[0];
    const revokedCsv = eventsCsv.find((r) => r[header.indexOf("action")] === "access.revoked")!;
    expect(revokedCsv[header.indexOf("causeAction")]).toBe("user.deactivated");
    expect(revokedCsv[header.indexOf("causeRequestId")]).toBe(revoked.cause.event.requestId);

    const html = await exportEvidence(get(`/api/admin/evidence/export?${qs({ ...params, format: "html" })}`), undefined);
    expect(html.headers.get("content-type")).toContain("text/html");
    const page = await html.text();
    expect(page).toContain("Print / save as PDF");
    expect(page).toContain("@media print");
    expect(page).toContain("=HYPERLINK(&quot;http://evil&quot;)");
    expect(page).not.toContain('=HYPERLINK("http://evil")');

    const audited = await s.w.prisma.auditEvent.findMany({ where: { action: "evidence.exported", targetId: s.contract }, orderBy: { seq: "asc" } });
    expect(audited.map((e) => [e.actorId, (e.after as { format: string }).format, (e.after as { part?: string }).part])).toEqual([
      [accounts.auditor.id, "csv", "intervals"],
      [accounts.auditor.id, "csv", "events"],
      [accounts.auditor.id, "html", undefined],
    ]);
    expect(audited[0].after).toMatchObject({ pack: "contract", rows: 2, truncated: false });
  });

  it("repository pack: one row per person and contract", async () => {
    const s = await story();
    signInAs("compliance");
    const res = await exportEvidence(get(`/api/admin/evidence/export?${qs({ kind: "repository", id: s.repo, from: s.from.toISOString(), to: s.to.toISOString(), format: "json" })}`), undefined);
    expect(res.status).toBe(200);
    const pack = await res.json();
    expect(pack.intervals).toHaveLength(4);
    expect(new Set(pack.intervals.map((i: { contractId: string }) => i.contractId)).size).toBe(2);
    expect(pack.events.filter((e: { action: string }) => e.action === "access.revoked")).toHaveLength(1);
  });

  it("person pack (subject access request): attributes, groups, account, access history, audit events and SCIM requests; erased audit fields fall back to ids", async () => {
    const s = await story();
    await createAccount(s.w.prisma, { input: { email: `bob-${s.w.tag}@example.com`, role: "auditor", password: "a-long-password-1" }, actor: { type: "system", label: "test" } });
    // What a GDPR erasure leaves behind in the audit trail: the personal fields are gone.
    // (Done the way lib/audit/erasure.ts does it: the append-only trigger admits only this.)
    await s.w.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SELECT set_config('custodian.audit_erasure', 'test-erasure', true)`);
      await tx.$executeRawUnsafe(
        `UPDATE "AuditEvent" SET after = NULL, before = NULL, "targetLabel" = NULL, "personalSalt" = NULL, "erasedAt" = now(), "erasureId" = 'test-erasure' WHERE "targetId" = $1 AND action = 'user.created'`,
        s.bob,
      );
    });
    signInAs("admin");
    const res = await exportEvidence(get(`/api/admin/evidence/export?${qs({ kind: "person", id: s.bob, from: s.from.toISOString(), to: s.to.toISOString(), format: "json" })}`), undefined);
    expect(res.status).toBe(200);
    const pack = await res.json();
    expect(pack.attributes.scim).toMatchObject({ userName: `bob-${s.w.tag}@example.com`, active: false, [ENTERPRISE]: { department: "Legal", employeeNumber: "E-42" } });
    expect(pack.groups).toMatchObject([{ groupId: s.legal }]);
    expect(pack.status.map((x: { active: boolean }) => x.active)).toEqual([true, false]);
    expect(pack.dashboardAccount).toMatchObject({ email: `bob-${s.w.tag}@example.com`, role: "auditor" });
    expect(pack.dashboardAccount.passwordHash).toBeUndefined();
    expect(pack.access).toHaveLength(2);
    expect(pack.accessEvents.map((e: { action: string }) => e.action).sort()).toEqual(["access.granted", "access.revoked"]);
    const created = pack.auditEvents.find((e: { action: string }) => e.action === "user.created");
    expect(created).toMatchObject({ target: { id: s.bob, label: s.bob }, after: null });
    expect(pack.auditEvents.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(["user.created", "user.deactivated", "access.revoked"]));
    expect(pack.requests.map((r: { method: string; path: string }) => `${r.method} ${r.path.split("?")[0]}`)).toEqual(
      expect.arrayContaining(["POST /Users", "POST /Groups", `PATCH /Users/${s.bob}`]),
    );

    const auditCsv = parseCsv(await (await exportEvidence(get(`/api/admin/evidence/export?${qs({ kind: "person", id: s.bob, from: s.from.toISOString(), to: s.to.toISOString(), part: "audit" })}`), undefined)).text());
    expect(auditCsv.length).toBe(pack.auditEvents.length + 1);
  });

  it("leavers: from the directory's request to the end of every grant, with the distribution", async () => {
    const s = await story();
    signInAs("admin");
    const res = await previewEvidence(get(`/api/admin/evidence?${qs({ kind: "leavers", from: s.from.toISOString(), to: s.to.toISOString() })}`), undefined);
    expect(res.status).toBe(200);
    const report = await res.json();
    const bob = report.leavers.find((l: { userId: string }) => l.userId === s.bob);
    expect(bob).toMatchObject({ action: "user.deactivated", unrevoked: false, grants: [{ repositoryId: s.repo, contracts: 2, level: "edit" }] });
    expect(bob.requestReceivedAt).toBeTruthy();
    expect(bob.requestedAt).toBe(bob.requestReceivedAt);
    expect(bob.timeToRevokeMs).toBeGreaterThanOrEqual(0);
    expect(bob.timeToRevokeMs).toBe(new Date(bob.grants[0].endedAt).getTime() - new Date(bob.requestReceivedAt).getTime());
    expect(report.leavers.some((l: { userId: string }) => l.userId === s.alice)).toBe(false);
    expect(report.distribution.count).toBeGreaterThanOrEqual(1);
    expect(report.distribution.buckets.reduce((n: number, b: { people: number }) => n + b.people, 0)).toBe(report.distribution.count);

    const csv = parseCsv(await (await exportEvidence(get(`/api/admin/evidence/export?${qs({ kind: "leavers", from: s.from.toISOString(), to: s.to.toISOString() })}`), undefined)).text());
    expect(csv.find((r) => r[0] === s.bob)).toBeDefined();
  });

  it("the printable summary carries its own hash-based policy that admits exactly its inline style and script (issue 14 item 15)", async () => {
    const s = await story();
    signInAs("auditor");
    const params = { kind: "repository", id: s.repo, from: s.from.toISOString(), to: s.to.toISOString() };
    const res = await exportEvidence(get(`/api/admin/evidence/export?${qs({ ...params, format: "html" })}`), undefined);
    expect(res.status).toBe(200);
    const policy = res.headers.get("content-security-policy") ?? "";
    const directives = new Map(policy.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives.get("default-src")).toEqual(["'none'"]);
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy).not.toContain("unsafe-inline");
    const page = await res.text();
    const sha = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
    const inline = (tag: string) => [...page.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => m[1]);
    expect(inline("style")).toHaveLength(1);
    expect(inline("script")).toHaveLength(1); // the print button's handler
    for (const style of inline("style")) expect(directives.get("style-src")).toContain(sha(style));
    for (const script of inline("script")) expect(directives.get("script-src")).toContain(sha(script));
    // No inline event handlers or style attributes: a hash policy would block them.
    expect(page).not.toMatch(/\son[a-z]+\s*=/i);
    expect(page).not.toMatch(/\sstyle\s*=/i);
    // The tables keep the strict API policy.
    const csv = await exportEvidence(get(`/api/admin/evidence/export?${qs(params)}`), undefined);
    expect(csv.headers.get("content-security-policy")).toContain("default-src 'none'");

    // Next.js keeps a header set in next.config.js over the same header set by the route, so the
    // blanket API policy must leave this route out (checked with Next.js's own route matcher).
    const require = createRequire(import.meta.url);
    const root = path.resolve(import.meta.dirname, "../../../..");
    const nextConfig = require(path.join(root, "next.config.js"));
    const { getPathMatch } = require("next/dist/shared/lib/router/utils/path-match");
    const rules: { source: string; headers: { key: string }[] }[] = await nextConfig.headers();
    const configPolicies = (pathname: string) =>
      rules.filter((r) => r.headers.some((h) => h.key.toLowerCase() === "content-security-policy") && getPathMatch(r.source, { strict: true, removeUnnamedParams: true })(pathname));
    expect(configPolicies("/api/admin/evidence/export")).toEqual([]);
    expect(configPolicies("/api/admin/erasures/some-id/certificate")).toEqual([]); // the erasure certificate's page too
    expect(configPolicies("/api/admin/evidence")).toHaveLength(1);
    expect(configPolicies("/api/admin/evidence/export/more")).toHaveLength(1);
    expect(configPolicies("/api/health")).toHaveLength(1);
    expect(configPolicies("/scim/v2/Users")).toHaveLength(1);
  });

  it("rejects bad input clearly and checks permissions", async () => {
    const s = await story();
    const from = s.from.toISOString();
    signInAs("auditor");
    const bad = async (params: Record<string, string>) => {
      const res = await exportEvidence(get(`/api/admin/evidence/export?${qs(params)}`), undefined);
      expect(res.status).toBe(400);
      return (await res.json()).error;
    };
    expect((await bad({ kind: "contract", id: s.contract, from, to: "2100-01-01" })).details).toEqual([{ path: "to", message: expect.stringMatching(/at most/) }]);
    expect((await bad({ kind: "contract", id: s.contract, from, to: from })).details).toEqual([{ path: "to", message: "must be after from" }]);
    expect((await bad({ kind: "contract", from, to: s.to.toISOString() })).details).toEqual([{ path: "id", message: "is required" }]);
    expect((await bad({ kind: "contract", id: s.contract, from: "yesterday", to: s.to.toISOString() })).details[0].path).toBe("from");
    expect((await bad({ kind: "person", id: s.bob, from, to: s.to.toISOString(), part: "intervals" })).details[0].path).toBe("part");
    const missing = await exportEvidence(get(`/api/admin/evidence/export?${qs({ kind: "contract", id: "no-such-contract", from, to: s.to.toISOString() })}`), undefined);
    expect(missing.status).toBe(404);
    expect(await s.w.prisma.auditEvent.count({ where: { action: "evidence.exported", targetId: s.contract } })).toBe(0);

    signInAs(null);
    expect((await previewEvidence(get(`/api/admin/evidence?${qs({ kind: "leavers", from, to: s.to.toISOString() })}`), undefined)).status).toBe(401);
  });
});
