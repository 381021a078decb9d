// GDPR erasure through the real SCIM handlers and admin routes (only next-auth's session lookup is
// replaced by the test's choice of account).
import { describe, expect, it, vi } from "vitest";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { newDirectory, patchBody, q } from "@/lib/testing/scim";
import { flushRequestLog, MAX_SUBJECT_KEYS_PER_LINE } from "@/lib/scim/request-log";
import { subjectKey, subjectKeysOfQuery } from "@/lib/scim/request-log-subjects";
import { POST as eraseRoute } from "@/app/api/admin/users/[id]/erase/route";
import { GET as certificateRoute } from "@/app/api/admin/erasures/[id]/certificate/route";
import { GET as erasuresRoute } from "@/app/api/admin/erasures/route";
import { getSigningKey } from "@/lib/audit/signing";
import { verifyErasureCertificate, type ErasureCertificate } from "@/lib/audit/certificate";
import { verifyAuditChain } from "@/lib/audit/verify";
import { ERASURE_ACTION } from "./erasure";
import { createExclusion } from "@/lib/exclusions/service";
import { admin, newWorld } from "@/lib/testing/access-world";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

const { db } = setupTestDatabase();
const { signInAs } = setupRoleAccounts(db);
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";

async function provisionedUser() {
  const { directory, scim } = await newDirectory("entra");
  const userName = `${unique("erin")}@contoso.example`;
  const email = `${unique("erin.private")}@mail.example`;
  const created = await scim.post<{ id: string }>("/Users", {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName: "Erin", familyName: "Example" },
    emails: [{ value: email, type: "home", primary: true }],
  });
  expect(created.status).toBe(201);
  const id = created.body.id;
  expect((await scim.patch(`/Users/${id}`, patchBody({ op: "replace", path: "title", value: "Counsel" }))).status).toBe(200);
  const group = await scim.post<{ id: string }>("/Groups", { schemas: [GROUP_SCHEMA], displayName: unique("Legal"), members: [{ value: id }] });
  expect(group.status).toBe(201);
  // The identity provider's lookups put the user's name into the request log.
  expect((await scim.get(`/Users${q(`userName eq "${userName}"`)}`)).status).toBe(200);
  expect((await scim.get(`/Users?filter=emails.value+eq+%22${encodeURIComponent(email)}%22`)).status).toBe(200);
  await flushRequestLog();
  return { directory, scim, id, userName, email, groupId: group.body.id };
}

async function personalDataLeft(userName: string, email: string) {
  const prisma = db().prisma;
  const [row] = await prisma.$queryRawUnsafe<{ events: bigint; logs: bigint; users: bigint }[]>(
    `SELECT (SELECT count(*) FROM "AuditEvent" WHERE concat("targetLabel", "before"::text, "after"::text, "names"::text) ILIKE ANY($1)) AS events,
            (SELECT count(*) FROM "RequestLog" WHERE path ILIKE ANY($1)) AS logs,
            (SELECT count(*) FROM "User" WHERE "userName" = $2) AS users`,
    [`%${userName}%`, `%${email}%`, `%${encodeURIComponent(userName)}%`, `%${encodeURIComponent(email)}%`],
    userName,
  );
  return { events: Number(row.events), logs: Number(row.logs), users: Number(row.users) };
}

describe("GDPR erasure", () => {
  it("SCIM DELETE erases the person's data in the same transaction; the chain still verifies; the certificate is signed", async () => {
    const prisma = db().prisma;
    const { scim, id, userName, email, groupId, directory } = await provisionedUser();
    expect(await personalDataLeft(userName, email)).toMatchObject({ events: expect.any(Number), users: 1 });
    expect((await personalDataLeft(userName, email)).events).toBeGreaterThan(0);
    expect((await personalDataLeft(userName, email)).logs).toBeGreaterThanOrEqual(2);

    expect((await scim.delete(`/Users/${id}`)).status).toBe(204);
    expect(await personalDataLeft(userName, email)).toEqual({ events: 0, logs: 0, users: 0 });

    const events = await prisma.auditEvent.findMany({ where: { targetType: "User", targetId: id }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(["user.created", "user.updated", "user.deleted"]));
    for (const e of events) expect(e).toMatchObject({ targetLabel: null, before: null, after: null, personalSalt: null, erasedAt: expect.any(Date) });
    // The group's event keeps the member list of pseudonymous ids.
    const groupEvent = await prisma.auditEvent.findFirstOrThrow({ where: { targetId: groupId, action: "group.created" } });
    expect(JSON.stringify(groupEvent.after)).toContain(id);
    // …and the group's name stored with it, but no longer the person's name.
    expect(groupEvent.names).toMatchObject({ Group: { [groupId]: expect.any(String) } });
    expect((groupEvent.names as { User?: Record<string, string> }).User?.[id]).toBeUndefined();

    const record = await prisma.erasureRecord.findFirstOrThrow({ where: { subjectId: id } });
    expect(record).toMatchObject({ directoryId: directory.id, effectiveAccessCount: 0, actorType: "directory" });
    expect(record.erased).toMatchObject({ userRecord: 1, auditEventsCleared: events.length, requestLogEntries: 2 });
    expect(events.every((e) => e.erasureId === record.id)).toBe(true);
    expect(await prisma.auditEvent.count({ where: { action: ERASURE_ACTION, targetId: record.id } })).toBe(1);

    const verified = await verifyAuditChain(prisma);
    expect(verified.break).toBeUndefined();
    expect(verified.ok).toBe(true);

    signInAs("auditor");
    const res = await certificateRoute(new Request(`http://localhost/api/admin/erasures/${record.id}/certificate`), { params: Promise.resolve({ id: record.id }) });
    expect(res.status).toBe(200);
    const certificate = (await res.json()) as ErasureCertificate;
    expect(certificate).toMatchObject({
      erasureId: record.id,
      subject: { pseudonymousId: id, directoryName: directory.name },
      effectiveAccessAtErasure: { contracts: 0 },
      erased: { userRecord: 1, requestLogEntries: 2 },
      retained: expect.arrayContaining([expect.objectContaining({ legalBasis: expect.stringMatching(/17\(3\)\(b\)/) })]),
    });
    expect(JSON.stringify(certificate)).not.toContain(userName);
    expect(verifyErasureCertificate(certificate, (await getSigningKey(prisma)).publicKeyPem)).toBe(true);
    expect(verifyErasureCertificate({ ...certificate, effectiveAccessAtErasure: { ...certificate.effectiveAccessAtErasure, contracts: 3 } })).toBe(false);
    const html = await certificateRoute(new Request(`http://localhost/x?format=html`), { params: Promise.resolve({ id: record.id }) });
    expect(html.headers.get("content-type")).toContain("text/html");
    expect(await html.text()).toContain(record.id);
    // Its own policy admits its style block (next.config.js leaves this route out of the API's).
    expect(html.headers.get("content-security-policy")).toMatch(/^default-src 'none'; style-src /);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    const list = await (await erasuresRoute(new Request("http://localhost/api/admin/erasures"), undefined)).json();
    expect(list.items.map((i: { id: string }) => i.id)).toContain(record.id);
  });

  it("an exclusion of the person leaves no name in hashed content: its label, nor the cause copied into access events (issue 19 item 1)", async () => {
    const prisma = db().prisma;
    const { scim, id, userName, email, groupId } = await provisionedUser();
    const w = await newWorld();
    const repo = await w.repository("erase-excl");
    await w.contract(repo);
    await w.rule({ groupId, level: "view", repositoryId: repo });
    const x = await createExclusion(prisma, { input: { userId: id, repositoryId: repo, reason: "Left the deal team" }, actor: admin });
    const revoked = await prisma.auditEvent.findMany({ where: { action: "access.revoked", targetId: id } });
    expect(revoked.length).toBeGreaterThan(0);
    const created = await prisma.auditEvent.findFirstOrThrow({ where: { action: "exclusion.created", targetId: x.id } });
    // The person is named where erasure can remove it: the names stored with the event.
    expect((created.names as { User?: Record<string, string> }).User?.[id]).toBeTruthy();

    expect((await scim.delete(`/Users/${id}`)).status).toBe(204);
    expect(await personalDataLeft(userName, email)).toEqual({ events: 0, logs: 0, users: 0 });
    expect((await verifyAuditChain(prisma)).ok).toBe(true);
  });

  it("deletes the notification e-mails addressed to the person, pending or sent (issue 19)", async () => {
    const prisma = db().prisma;
    const { scim, id, email } = await provisionedUser();
    await prisma.emailOutbox.createMany({
      data: [
        { kind: "review.assignment", recipientId: id, toAddress: email, subject: "Access review", body: "2 items" },
        { kind: "review.reminder", recipientId: id, toAddress: email, subject: "Reminder", body: "1 item", status: "sent", sentAt: new Date() },
      ],
    });
    expect((await scim.delete(`/Users/${id}`)).status).toBe(204);
    expect(await prisma.emailOutbox.count({ where: { OR: [{ recipientId: id }, { toAddress: email }] } })).toBe(0);
    const record = await prisma.erasureRecord.findFirstOrThrow({ where: { subjectId: id } });
    expect(record.erased).toMatchObject({ emailMessages: 2 });
  });

  it("the admin erase action is admin-only, deletes a provisioned user, and erases a user deleted earlier", async () => {
    const prisma = db().prisma;
    const { id, userName, email } = await provisionedUser();
    const erase = (userId: string) => eraseRoute(new Request(`http://localhost/api/admin/users/${userId}/erase`, { method: "POST" }), { params: Promise.resolve({ id: userId }) });
    signInAs("compliance");
    expect((await erase(id)).status).toBe(403);
    expect(await prisma.user.count({ where: { id } })).toBe(1);
    signInAs("admin");
    const res = await erase(id);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ userDeleted: true, erasureId: expect.any(String) });
    expect(await personalDataLeft(userName, email)).toEqual({ events: 0, logs: 0, users: 0 });
    expect((await erase(id)).status).toBe(409);
    expect((await erase("no-such-user")).status).toBe(404);

    // A user whose row went without an erasure (e.g. deleted before erasure existed).
    const other = await provisionedUser();
    await prisma.user.delete({ where: { id: other.id } });
    const later = await erase(other.id);
    expect(await later.json()).toMatchObject({ userDeleted: false });
    expect(await personalDataLeft(other.userName, other.email)).toEqual({ events: 0, logs: 0, users: 0 });
    expect((await verifyAuditChain(prisma)).ok).toBe(true);
  });

  it("deletes only the request-log lines whose filter names the person, not every path containing the name (issue 14 item 12)", async () => {
    const prisma = db().prisma;
    const { directory, scim } = await newDirectory("entra");
    const create = async (userName: string) => {
      const res = await scim.post<{ id: string }>("/Users", { schemas: [USER_SCHEMA], userName });
      expect(res.status).toBe(201);
      return res.body.id;
    };
    const alice = `alice-${unique("a")}@contoso.example`;
    await create(alice);
    const sers = await create("sers");
    const hundred = await create("100");
    const paths = {
      // Lines about alice and paging: "sers" is inside "/Users", "100" inside "count=100".
      unrelated: [
        `/Users${q(`userName eq "${alice}"`)}`,
        `/Users?filter=userName+eq+%22${encodeURIComponent(alice)}%22`,
        `/Users${q(`userName eq "${alice}"`, "&count=100")}`,
        `/Users?startIndex=1&count=100`,
        `/Users${q(`emails[value eq "${alice}"] or userName eq "users"`)}`,
        `/Users${q(`userName sw "ser"`)}`,
      ],
      // Lines that name them: in a filter literal (quoted, encoded either way, nested, or in a
      // filter the server rejected).
      sers: [`/Users${q(`userName eq "sers"`)}`, `/Users?filter=userName+eq+%22SERS%22&count=100`, `/Users${q(`emails[value eq "x"] or userName eq "sers"`)}`, `/Users${q(`userName eq sers`)}`],
      hundred: [`/Users${q(`userName eq "100"`)}`, `/Users${q(`userName eq "100" and active eq true`, "&count=100")}`],
    };
    for (const path of Object.values(paths).flat()) expect((await scim.get(path)).status).toBeLessThan(500);
    await flushRequestLog();
    const logged = async (list: string[]) => prisma.requestLog.count({ where: { directoryId: directory.id, method: "GET", path: { in: list } } });
    expect(await logged(paths.unrelated)).toBe(paths.unrelated.length);
    expect(await logged(paths.sers)).toBe(paths.sers.length);
    expect(await logged(paths.hundred)).toBe(paths.hundred.length);

    expect((await scim.delete(`/Users/${sers}`)).status).toBe(204);
    expect(await logged(paths.sers)).toBe(0);
    expect(await logged(paths.hundred)).toBe(paths.hundred.length);
    expect(await logged(paths.unrelated)).toBe(paths.unrelated.length);
    const sersRecord = await prisma.erasureRecord.findFirstOrThrow({ where: { subjectId: sers } });
    expect(sersRecord.erased).toMatchObject({ requestLogEntries: paths.sers.length });

    expect((await scim.delete(`/Users/${hundred}`)).status).toBe(204);
    expect(await logged(paths.hundred)).toBe(0);
    expect(await logged(paths.unrelated)).toBe(paths.unrelated.length);
    const hundredRecord = await prisma.erasureRecord.findFirstOrThrow({ where: { subjectId: hundred } });
    expect(hundredRecord.erased).toMatchObject({ requestLogEntries: paths.hundred.length });
  });

  it("each request-log line keeps the keys of the values its query names; erasure deletes by them, not by reading paths (issue 17)", async () => {
    const prisma = db().prisma;
    const { directory, scim } = await newDirectory("entra");
    const dana = `Dana.${unique("d")}@contoso.example`;
    const created = await scim.post<{ id: string }>("/Users", { schemas: [USER_SCHEMA], userName: dana });
    expect(created.status).toBe(201);
    const lookup = `/Users${q(`userName eq "${dana.toUpperCase()}"`, "&count=100")}`;
    expect((await scim.get(lookup)).status).toBe(200);
    expect((await scim.get(`/Users?startIndex=1&count=100`)).status).toBe(200);
    await flushRequestLog();
    const line = await prisma.requestLog.findFirstOrThrow({ where: { directoryId: directory.id, path: lookup }, include: { subjects: true } });
    // The literal, case-folded and hashed; paging parameters name no one.
    expect(line.subjectKeysStored).toBe(true);
    expect(line.subjects.map((k) => k.key)).toEqual([subjectKey(dana)]);
    const paging = await prisma.requestLog.findFirstOrThrow({ where: { directoryId: directory.id, path: `/Users?startIndex=1&count=100` }, include: { subjects: true } });
    expect(paging.subjects).toEqual([]);
    expect(paging.subjectKeysStored).toBe(true);

    // A keyed line is found by its keys only: one whose keys do not name Dana stays, whatever its
    // path says (before issue 17 the scan of paths took it).
    const decoy = await prisma.requestLog.create({
      data: { directoryId: directory.id, method: "GET", path: `/Users${q(`userName eq "${dana}"`)}`, status: 200, latencyMs: 1, subjectKeysStored: true, subjects: { create: [{ key: subjectKey("someone-else") }] } },
    });
    expect((await scim.delete(`/Users/${created.body.id}`)).status).toBe(204);
    expect(await prisma.requestLog.count({ where: { id: line.id } })).toBe(0);
    expect(await prisma.requestLogSubject.count({ where: { requestLogId: line.id } })).toBe(0);
    expect(await prisma.requestLog.count({ where: { id: { in: [paging.id, decoy.id] } } })).toBe(2);
  });

  it("lines without keys (written before issue 17, or naming too many values) are still erased exactly from their paths", async () => {
    const prisma = db().prisma;
    const { directory, scim } = await newDirectory("entra");
    const erin = `erin.${unique("e")}@contoso.example`;
    const created = await scim.post<{ id: string }>("/Users", { schemas: [USER_SCHEMA], userName: erin });
    expect(created.status).toBe(201);
    const legacy = (path: string) => prisma.requestLog.create({ data: { directoryId: directory.id, method: "GET", path, status: 200, latencyMs: 1 } });
    const naming = await legacy(`/Users${q(`userName eq "${erin}"`)}`);
    const unrelated = await legacy(`/Users${q(`userName sw "${erin.slice(0, 4)}"`)}`);
    // A filter naming more values than a line keeps keys for: logged unkeyed, read from its path.
    const many = Array.from({ length: MAX_SUBJECT_KEYS_PER_LINE }, (_, i) => `id eq "${i}"`).join(" or ");
    const wide = `/Users${q(`userName eq "${erin}" or ${many}`)}`;
    expect(subjectKeysOfQuery(wide.slice(wide.indexOf("?"))).length).toBeGreaterThan(MAX_SUBJECT_KEYS_PER_LINE);
    expect((await scim.get(wide)).status).toBeLessThan(500);
    await flushRequestLog();
    const wideLine = await prisma.requestLog.findFirstOrThrow({ where: { directoryId: directory.id, path: wide.slice(0, 2048) } });
    expect(wideLine.subjectKeysStored).toBe(false);

    expect((await scim.delete(`/Users/${created.body.id}`)).status).toBe(204);
    expect(await prisma.requestLog.count({ where: { id: { in: [naming.id, wideLine.id] } } })).toBe(0);
    expect(await prisma.requestLog.count({ where: { id: unrelated.id } })).toBe(1);
    const record = await prisma.erasureRecord.findFirstOrThrow({ where: { subjectId: created.body.id } });
    expect(record.erased).toMatchObject({ requestLogEntries: 2 });
  });

  it("erases the lines naming a userName the person had before a rename (read from the trail, in the statement that clears it)", async () => {
    const prisma = db().prisma;
    const { directory, scim } = await newDirectory("entra");
    const before = `fay.${unique("f")}@contoso.example`;
    const after = `fay.renamed.${unique("f")}@contoso.example`;
    const created = await scim.post<{ id: string }>("/Users", { schemas: [USER_SCHEMA], userName: before });
    expect(created.status).toBe(201);
    const oldLookup = `/Users${q(`userName eq "${before}"`)}`;
    expect((await scim.get(oldLookup)).status).toBe(200);
    expect((await scim.patch(`/Users/${created.body.id}`, patchBody({ op: "replace", path: "userName", value: after }))).status).toBe(200);
    const newLookup = `/Users${q(`userName eq "${after}"`)}`;
    expect((await scim.get(newLookup)).status).toBe(200);
    await flushRequestLog();
    const lines = () => prisma.requestLog.count({ where: { directoryId: directory.id, path: { in: [oldLookup, newLookup] } } });
    expect(await lines()).toBe(2);
    expect((await scim.delete(`/Users/${created.body.id}`)).status).toBe(204);
    expect(await lines()).toBe(0);
    expect(await personalDataLeft(before, after)).toMatchObject({ events: 0, logs: 0, users: 0 });
  });
});
