// `npm run test:crash`: SIGKILL the production server (`next start` of the current build) in the
// middle of sustained concurrent SCIM writes, restart it on the same database, and check that
//   - every request that got a 2xx is stored, with its audit event (matched by X-Request-Id), and
//     every refused request left nothing;
//   - nothing is half-applied: each multi-operation PATCH changes four attributes of a user to
//     one marker, or a group's displayName and its members together — a partial write would show
//     mismatching markers; some PATCHes are built to fail in their LAST operation (a userName that
//     conflicts, an unknown member) and must leave no trace at all;
//   - a request whose answer was lost in the kill is either wholly there or wholly absent;
//   - the server restarts cleanly, on PostgreSQL and on PGlite (its data folder and its stale lock
//     file survive the kill);
//   - the audit chain verifies; outbox webhooks are delivered after the restart: an endpoint on a
//     local receiver is registered before seeding, and every event it subscribed to — including
//     those committed just before a kill — arrives, signed, after the last restart; nothing that
//     rolled back is ever sent.
// Options (env): CRASH_DATABASES (default "postgres,pglite"), CRASH_CYCLES (default 3), SEED,
// TEST_DATABASE_URL (the PostgreSQL server), TEST_SERVER_PORT_BASE (default: a free port).
import { createServer, type IncomingMessage } from "node:http";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, freshPostgresDatabase, startBuiltServer, type BenchServer } from "../bench/server";
import { openDatabase } from "@/lib/db/client";
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from "@/lib/scim/schema";
import { deliveredTypeFor, eventTypesOf, type WebhookEventType, type WebhookPayload } from "@/lib/webhooks/events";
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, verifyWebhookSignature } from "@/lib/webhooks/signature";
import {
  Report,
  adminHttp,
  ensureBuild,
  killTree,
  memberIds,
  prng,
  processTree,
  scimHttp,
  signIn,
  sleep,
  sortedCounts,
  verifyAuditChain,
  type HttpResult,
  type ScimHttp,
} from "./system-tests/harness";

const SERVER_URL = process.env.TEST_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";
const DATABASES = (process.env.CRASH_DATABASES ?? "postgres,pglite").split(",").map((s) => s.trim()).filter(Boolean);
const CYCLES = Number(process.env.CRASH_CYCLES ?? 3);
const WORKERS = 6;
const SEED = Number(process.env.SEED ?? Date.now() % 100_000);
const TOKEN = `crash-test-token-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
const ADMIN = { email: "crash-admin@example.com", password: "crash-admin-password-1" };
/** The event types the workload produces (group PATCHes that rename record group.updated: no webhook). */
const WEBHOOK_EVENTS: WebhookEventType[] = ["user.provisioned", "user.updated", "group.membership_changed"];
/** A delivery leased just before a kill is sent again when its lease (60 s) lapses: wait past that. */
const WEBHOOK_WAIT_MS = 90_000;

const report = new Report("test:crash");
const random = prng(SEED);

type Kind = "create" | "userPatch" | "groupPatch" | "failingUserPatch" | "failingGroupPatch";
interface LedgerEntry {
  kind: Kind;
  /** The worker that sent it. */
  w: number;
  requestId: string;
  status: number;
  resourceId?: string;
  /** What the resource looks like if this request applied. */
  marker: string;
  members?: string[];
  /** For unknown outcomes (status 0): whether the effect turned out to be there. */
  applied?: boolean;
}

interface WorkerState {
  w: number;
  users: Map<string, { userName: string; marker: string }>;
  group: { id: string; marker: string; members: Set<string> };
}

const AUDIT_ACTION: Record<Kind, string | null> = {
  create: "user.created",
  userPatch: "user.updated",
  groupPatch: "group.updated",
  failingUserPatch: null,
  failingGroupPatch: null,
};

const userDoc = (userName: string, marker: string) => ({
  schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
  userName,
  title: marker,
  displayName: marker,
  name: { givenName: marker, familyName: "Crash" },
  [ENTERPRISE_USER_SCHEMA]: { department: marker },
  active: true,
});
const markerOps = (marker: string) => [
  { op: "replace", path: "title", value: marker },
  { op: "replace", path: "displayName", value: marker },
  { op: "replace", path: "name.givenName", value: marker },
  { op: "replace", path: `${ENTERPRISE_USER_SCHEMA}:department`, value: marker },
];
const groupName = (w: number, marker: string) => `crash group ${w} ${marker}`;

/** The four marker attributes of a SCIM user; they must always agree. */
function markersOf(doc: Record<string, unknown>): string[] {
  const name = (doc.name ?? {}) as { givenName?: string };
  const ent = (doc[ENTERPRISE_USER_SCHEMA] ?? {}) as { department?: string };
  return [String(doc.title), String(doc.displayName), String(name.givenName), String(ent.department)];
}

async function main() {
  report.begin("build");
  ensureBuild();
  let error: unknown;
  try {
    for (const kind of DATABASES) {
      if (kind !== "postgres" && kind !== "pglite") throw new Error(`CRASH_DATABASES: unknown database "${kind}"`);
      await crashTest(kind);
    }
  } catch (err) {
    error = err;
  }
  process.exit(report.finish(error));
}

async function crashTest(kind: "postgres" | "pglite") {
  const work = mkdtempSync(path.join(os.tmpdir(), `custodian-crash-${kind}-`));
  const database = kind === "postgres" ? await freshPostgresDatabase(SERVER_URL, "custodian_crash") : undefined;
  const pgliteDataDir = path.join(work, "pglite");
  const target = database ? { databaseUrl: database.url } : { pgliteDataDir };
  const logFile = path.join(work, "server.log");
  const port = process.env.TEST_SERVER_PORT_BASE ? Number(process.env.TEST_SERVER_PORT_BASE) + 5 : await freePort();
  const receiver = await startWebhookReceiver();
  const env = {
    ...(database ? { DATABASE_URL: database.url } : { DATABASE_URL: "", PGLITE_DATA_DIR: pgliteDataDir }),
    SCIM_BOOTSTRAP_TOKEN: TOKEN,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    SCIM_RATE_LIMIT_PER_MINUTE: "1000000",
    // The webhook receiver listens on the loopback interface (refused by default: SSRF guard).
    WEBHOOK_ALLOW_PRIVATE_TARGETS: "127.0.0.1",
    LOG_LEVEL: "warn",
  };
  const start = async () => {
    const t0 = Date.now();
    const server = await startBuiltServer({ env, port, logFile, readyTimeoutMs: 90_000 });
    return { server, ms: Date.now() - t0 };
  };
  let server: BenchServer | undefined;
  const failedBefore = report.failed;
  let finished = false;
  try {
    report.begin(`${kind}: start and seed (logs: ${logFile})`);
    ({ server } = await start());
    const scim = scimHttp(server.baseUrl, TOKEN);
    const { workers, webhookSecret } = await seed(scim, kind, receiver);
    const ledger: LedgerEntry[] = [];
    const kills: number[] = [];

    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      report.begin(`${kind}: kill cycle ${cycle}/${CYCLES}`);
      const tree = processTree(server.pid);
      const nextServer = tree.find((p) => p.name.startsWith("next-server"));
      report.check("the server process is next-server (the pid that is killed)", nextServer !== undefined, JSON.stringify(tree));
      let stop = false;
      const load = Promise.all(workers.map((w) => runWorker(scimHttp(server!.baseUrl, TOKEN), w, ledger, kind, cycle, () => stop)));
      const killAfter = 1_500 + random.int(2_500);
      await sleep(killAfter);
      const inFlightBefore = ledger.length;
      kills.push(Date.now());
      const killed = killTree(server.pid);
      await server.exited;
      stop = true;
      await load;
      report.info(`SIGKILLed ${killed.map((p) => `${p.pid} ${p.name}`).join(", ")} after ${killAfter} ms; ${inFlightBefore} requests answered so far`);
      if (kind === "pglite") {
        const lock = `${pgliteDataDir}.lock`;
        report.check("the killed server's lock file is left behind (stale)", existsSync(lock) && readFileSync(lock, "utf8").trim() === String(killed[0]?.pid));
      }
      const restarted = await start();
      server = restarted.server;
      report.check(`restarted on the same ${kind === "pglite" ? "data folder" : "database"}`, true, `healthy after ${restarted.ms} ms`);
      const health = await fetch(`${server.baseUrl}/api/health`);
      report.equal("GET /api/health after the restart", health.status, 200);
      await verifyState(scimHttp(server.baseUrl, TOKEN), workers, ledger);
    }

    report.begin(`${kind}: every answered request against the database`);
    await verifyOutboxDeliveredAfterRestart({ server, receiver, ledger, secret: webhookSecret, kills });
    // PGlite's folder belongs to one process: stop the server to read it here.
    await server.stop();
    server = undefined;
    await verifyLedger(target, ledger);
    await verifyAuditChain(report, target);
    finished = true;
  } finally {
    await server?.stop();
    receiver.close();
    await database?.drop();
    // The server log (and the PGlite folder) stay for a failed run.
    if (finished && report.failed === failedBefore) rmSync(work, { recursive: true, force: true });
    else report.info(`kept ${work} for inspection`);
  }
}

async function seed(scim: ScimHttp, kind: string, receiver: WebhookReceiver): Promise<{ workers: WorkerState[]; webhookSecret: string }> {
  // First the webhook endpoint (over the admin API, as an admin would), so every event of the
  // test goes to the outbox — the killed servers leave rows and leased deliveries behind.
  const admin = adminHttp(scim.baseUrl, await signIn(scim.baseUrl, ADMIN.email, ADMIN.password));
  const endpoint = await admin.call<{ secret: string }>("POST", "/webhooks", { url: receiver.url, description: "test:crash receiver", events: WEBHOOK_EVENTS });
  if (endpoint.status !== 201) throw new Error(`registering the webhook endpoint: HTTP ${endpoint.status} ${JSON.stringify(endpoint.body)}`);
  const workers = await Promise.all(
    Array.from({ length: WORKERS }, async (_, w): Promise<WorkerState> => {
      const users = new Map<string, { userName: string; marker: string }>();
      for (let i = 0; i < 3; i++) {
        const userName = `crash-${kind}-${w}-seed${i}@example.com`;
        const res = await scim.post<{ id: string }>("/Users", userDoc(userName, "seed"));
        if (res.status !== 201) throw new Error(`seeding a user: HTTP ${res.status} ${JSON.stringify(res.body)}`);
        users.set(res.body.id, { userName, marker: "seed" });
      }
      const members = [...users.keys()].slice(0, 1);
      const g = await scim.post<{ id: string }>("/Groups", { schemas: [GROUP_SCHEMA], displayName: groupName(w, "seed"), members: members.map((value) => ({ value })) });
      if (g.status !== 201) throw new Error(`seeding a group: HTTP ${g.status} ${JSON.stringify(g.body)}`);
      return { w, users, group: { id: g.body.id, marker: "seed", members: new Set(members) } };
    }),
  );
  report.info(`${WORKERS} workers, each with 3 users and a group; a webhook endpoint for ${WEBHOOK_EVENTS.join(", ")}`);
  return { workers, webhookSecret: endpoint.body.secret };
}

/**
 * One worker: sequential requests on its own users and group (so the expected state is exact),
 * until the server dies under it. A request without an answer ends the worker: its outcome is
 * unknown, and the check after the restart resolves it.
 */
async function runWorker(scim: ScimHttp, state: WorkerState, ledger: LedgerEntry[], kind: string, cycle: number, stopped: () => boolean) {
  for (let seq = 0; !stopped(); seq++) {
    const marker = `c${cycle}w${state.w}s${seq}`;
    const roll = random.next();
    const userIds = [...state.users.keys()];
    let entry: LedgerEntry;
    let res: HttpResult<{ id?: string }>;
    if (roll < 0.25) {
      const userName = `crash-${kind}-${state.w}-${marker}@example.com`;
      res = await scim.post<{ id: string }>("/Users", userDoc(userName, marker));
      entry = { kind: "create", w: state.w, requestId: res.requestId, status: res.status, resourceId: res.body?.id, marker: userName };
      if (res.status === 201) state.users.set(res.body.id!, { userName, marker });
    } else if (roll < 0.55) {
      const id = random.pick(userIds);
      res = await scim.patch(`/Users/${id}`, markerOps(marker));
      entry = { kind: "userPatch", w: state.w, requestId: res.requestId, status: res.status, resourceId: id, marker };
      if (res.status === 200) state.users.get(id)!.marker = marker;
    } else if (roll < 0.65) {
      // The last operation takes another user's userName: the whole PATCH must fail (409) and
      // leave the four markers as they were.
      const [id, other] = [random.pick(userIds), random.pick(userIds)];
      if (id === other) continue;
      res = await scim.patch(`/Users/${id}`, [...markerOps(marker), { op: "replace", path: "userName", value: state.users.get(other)!.userName }]);
      entry = { kind: "failingUserPatch", w: state.w, requestId: res.requestId, status: res.status, resourceId: id, marker };
    } else if (roll < 0.9) {
      const members = state.group.members;
      const addable = userIds.filter((u) => !members.has(u));
      const add = addable.length ? random.pick(addable) : undefined;
      const remove = members.size > 1 && random.next() < 0.6 ? random.pick([...members]) : undefined;
      const ops: unknown[] = [{ op: "replace", path: "displayName", value: groupName(state.w, marker) }];
      if (add) ops.push({ op: "add", path: "members", value: [{ value: add }] });
      if (remove) ops.push({ op: "remove", path: `members[value eq "${remove}"]` });
      const next = new Set(members);
      if (add) next.add(add);
      if (remove) next.delete(remove);
      res = await scim.patch(`/Groups/${state.group.id}`, ops);
      entry = { kind: "groupPatch", w: state.w, requestId: res.requestId, status: res.status, resourceId: state.group.id, marker, members: [...next].sort() };
      if (res.status === 200 || res.status === 204) state.group = { id: state.group.id, marker, members: next };
    } else {
      // Renames the group and adds a member that does not exist, in that order: 400, no rename.
      res = await scim.patch(`/Groups/${state.group.id}`, [
        { op: "replace", path: "displayName", value: groupName(state.w, marker) },
        { op: "add", path: "members", value: [{ value: "00000000-0000-4000-8000-000000000000" }] },
      ]);
      entry = { kind: "failingGroupPatch", w: state.w, requestId: res.requestId, status: res.status, resourceId: state.group.id, marker };
    }
    ledger.push(entry);
    if (res.status === 0) return; // the server is gone; the outcome of this request is unknown
  }
}

/** After a restart: every user and group of each worker is in a whole state the requests explain. */
async function verifyState(scim: ScimHttp, workers: WorkerState[], ledger: LedgerEntry[]) {
  const problems: string[] = [];
  const unknown = ledger.filter((e) => e.status === 0 && e.applied === undefined);
  const badStatus = ledger.filter((e) => e.status !== 0 && e.applied === undefined && !expectedStatuses(e.kind).includes(e.status));
  for (const e of ledger) if (e.status !== 0 && e.applied === undefined) e.applied = e.status >= 200 && e.status < 300;
  report.check(
    "every answered request got the status its kind implies",
    badStatus.length === 0,
    badStatus.slice(0, 5).map((e) => `${e.kind} → ${e.status}`).join("; "),
  );
  for (const state of workers) {
    // An unanswered create: the user exists wholly (then it is adopted) or not at all.
    for (const e of unknown.filter((x) => x.kind === "create")) {
      if (e.w !== state.w) continue;
      const found = await scim.get<{ Resources: Record<string, unknown>[] }>(`/Users?filter=${encodeURIComponent(`userName eq "${e.marker}"`)}`);
      const doc = found.body.Resources?.[0];
      e.applied = doc !== undefined;
      if (doc) {
        const markers = markersOf(doc);
        if (new Set(markers).size !== 1) problems.push(`unanswered create ${e.marker} half-applied: ${markers}`);
        state.users.set(String(doc.id), { userName: e.marker, marker: markers[0] });
      }
    }
    for (const [id, user] of state.users) {
      const res = await scim.get(`/Users/${id}`);
      if (res.status !== 200) {
        problems.push(`user ${user.userName} (created with a 201) is missing: HTTP ${res.status}`);
        continue;
      }
      const markers = markersOf(res.body);
      if (new Set(markers).size !== 1) {
        problems.push(`user ${user.userName} is half-updated: ${markers.join(", ")}`);
        continue;
      }
      const pending = unknown.find((e) => e.kind === "userPatch" && e.resourceId === id);
      if (markers[0] === user.marker) {
        if (pending) pending.applied = false;
      } else if (pending && markers[0] === pending.marker) {
        pending.applied = true;
        user.marker = pending.marker;
      } else {
        problems.push(`user ${user.userName} shows ${markers[0]}, expected ${user.marker}${pending ? ` or ${pending.marker}` : ""}`);
      }
    }
    const g = await scim.get<{ displayName: string; members?: { value: string }[] }>(`/Groups/${state.group.id}`);
    const members = memberIds(g.body);
    const pending = unknown.find((e) => e.kind === "groupPatch" && e.resourceId === state.group.id);
    const expected = { name: groupName(state.w, state.group.marker), members: [...state.group.members].sort() };
    const sameAs = (name: string, m: string[]) => g.body.displayName === name && JSON.stringify(members) === JSON.stringify(m);
    if (sameAs(expected.name, expected.members)) {
      if (pending) pending.applied = false;
    } else if (pending && sameAs(groupName(state.w, pending.marker), pending.members!)) {
      pending.applied = true;
      state.group = { id: state.group.id, marker: pending.marker, members: new Set(pending.members) };
    } else {
      problems.push(
        `group ${state.w} is "${g.body.displayName}" with ${JSON.stringify(members)}; expected "${expected.name}" with ${JSON.stringify(expected.members)}` +
          (pending ? ` or "${groupName(state.w, pending.marker)}" with ${JSON.stringify(pending.members)}` : ""),
      );
    }
  }
  // Unanswered failing PATCHes can only have failed: their effect would have shown above.
  for (const e of unknown) if (e.applied === undefined && (e.kind === "failingUserPatch" || e.kind === "failingGroupPatch")) e.applied = false;
  report.check("no half-applied write; every 2xx write is there after the restart", problems.length === 0, problems.slice(0, 8).join("\n"));
  const resolved = unknown.map((e) => `${e.kind}:${e.applied ? "applied" : "absent"}`);
  report.info(`requests so far: ${JSON.stringify(sortedCounts(ledger.map((e) => e.status)))}; lost answers resolved: ${resolved.join(", ") || "none"}`);
}

function expectedStatuses(kind: Kind): number[] {
  if (kind === "create") return [201];
  if (kind === "userPatch") return [200];
  if (kind === "groupPatch") return [200, 204];
  if (kind === "failingUserPatch") return [409];
  return [400];
}

/** In the database: an audit event per applied request (by request id), none for the others. */
async function verifyLedger(target: { databaseUrl?: string; pgliteDataDir?: string }, ledger: LedgerEntry[]) {
  const db = await openDatabase({ databaseUrl: target.databaseUrl, pgliteDataDir: target.pgliteDataDir, poolMax: 2 });
  try {
    const rows = await db.withSession((s) =>
      s.query<{ requestId: string; action: string; n: number }>(
        `SELECT "clientRequestId" AS "requestId", action, count(*)::int AS n FROM "AuditEvent" WHERE "clientRequestId" = ANY($1::text[]) GROUP BY 1, 2`,
        [ledger.map((e) => e.requestId)],
      ),
    );
    const byRequest = new Map<string, { action: string; n: number }[]>();
    for (const r of rows) byRequest.set(r.requestId, [...(byRequest.get(r.requestId) ?? []), r]);
    const problems: string[] = [];
    for (const e of ledger) {
      const events = byRequest.get(e.requestId) ?? [];
      const action = AUDIT_ACTION[e.kind];
      if (e.applied === undefined) problems.push(`${e.kind} ${e.requestId}: outcome never resolved`);
      else if (e.applied && !events.some((x) => x.action === action && x.n === 1)) problems.push(`${e.kind} ${e.requestId} (HTTP ${e.status}) has events ${JSON.stringify(events)}, expected one ${action}`);
      else if (!e.applied && events.length > 0) problems.push(`${e.kind} ${e.requestId} (HTTP ${e.status}, not applied) left events ${JSON.stringify(events)}`);
    }
    const applied = ledger.filter((e) => e.applied).length;
    report.check(
      `every applied request (${applied} of ${ledger.length}) has its audit event, no other request has one`,
      problems.length === 0,
      problems.slice(0, 8).join("\n"),
    );
    const users = await db.withSession((s) =>
      s.query<{ n: number }>(`SELECT count(*)::int AS n FROM "User" WHERE "userName" = ANY($1::text[])`, [
        ledger.filter((e) => e.kind === "create" && e.applied).map((e) => e.marker),
      ]),
    );
    report.equal("every created user is stored once", users[0].n, ledger.filter((e) => e.kind === "create" && e.applied).length);
  } finally {
    await db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Webhooks

interface WebhookReceiver {
  url: string;
  /** What arrived, with the arrival time (ms). */
  received: { headers: IncomingMessage["headers"]; body: string; at: number }[];
  close(): void;
}

/** A local HTTP endpoint that records what is POSTed to it (the outbox's deliveries). */
async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: WebhookReceiver["received"] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      received.push({ headers: req.headers, body, at: Date.now() });
      res.writeHead(204).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}/webhook`, received, close: () => server.close() };
}

interface ExportedEvent {
  id: string;
  createdAt: string;
  action: string;
  requestId: string | null;
  /** The X-Request-Id this test sent (the ledger's requestId). */
  clientRequestId: string | null;
  after: unknown;
}

/**
 * "Outbox webhooks are delivered after the restart": every audit event of the test that the
 * endpoint subscribed to (each applied request's, matched by request id, and the seed's) reaches
 * the receiver at least once within WEBHOOK_WAIT_MS after the last restart — also the events
 * committed just before a kill, whose outbox rows or leased deliveries the killed server left
 * behind. Every delivery is signed with the endpoint's secret and names an event that exists
 * (nothing rolled back is sent). Duplicates are allowed (at least once). The expected events come
 * from the audit export over the admin API, since the server (and PGlite's folder) is still in use.
 */
async function verifyOutboxDeliveredAfterRestart(ctx: { server: BenchServer; receiver: WebhookReceiver; ledger: LedgerEntry[]; secret: string; kills: number[] }) {
  const { server, receiver, ledger } = ctx;
  const stepStarted = Date.now();
  const admin = adminHttp(server.baseUrl, await signIn(server.baseUrl, ADMIN.email, ADMIN.password));
  const exported = await admin.call<{ events: ExportedEvent[]; truncated?: boolean }>("GET", "/audit/export?format=json");
  if (exported.status !== 200 || !Array.isArray(exported.body?.events) || exported.body.truncated) throw new Error(`audit export: HTTP ${exported.status} ${JSON.stringify(exported.body).slice(0, 300)}`);
  const events = new Map(exported.body.events.map((e) => [e.id, e]));
  const typeOf = (e: ExportedEvent) => deliveredTypeFor(eventTypesOf(e), WEBHOOK_EVENTS);
  const expected = exported.body.events.filter((e) => typeOf(e) !== undefined);
  const byRequest = new Map(exported.body.events.filter((e) => e.clientRequestId).map((e) => [e.clientRequestId!, e]));
  const appliedWithEvent = ledger.filter((e) => e.applied && byRequest.has(e.requestId) && typeOf(byRequest.get(e.requestId)!) !== undefined);

  // Wait (bounded) for every expected event id to have arrived at least once.
  const firstArrival = new Map<string, number>();
  let seen = 0;
  const absorb = () => {
    for (; seen < receiver.received.length; seen++) {
      const r = receiver.received[seen];
      const id = String(r.headers[EVENT_ID_HEADER.toLowerCase()] ?? "");
      if (!firstArrival.has(id)) firstArrival.set(id, r.at);
    }
  };
  let missing: ExportedEvent[] = expected;
  for (;;) {
    absorb();
    missing = expected.filter((e) => !firstArrival.has(e.id));
    if (missing.length === 0 || Date.now() - stepStarted > WEBHOOK_WAIT_MS) break;
    await sleep(250);
  }
  const waited = Date.now() - stepStarted;

  // Each delivery: a valid signature over the raw body, headers that agree with the payload, an
  // event that exists with the type the subscription implies.
  const bad: string[] = [];
  for (const r of receiver.received) {
    const header = r.headers[SIGNATURE_HEADER.toLowerCase()];
    const verified = verifyWebhookSignature({ body: r.body, header: typeof header === "string" ? header : undefined, secret: ctx.secret, nowSeconds: Math.floor(r.at / 1000) });
    let payload: WebhookPayload | undefined;
    try {
      payload = JSON.parse(r.body) as WebhookPayload;
    } catch {
      // reported below
    }
    const event = payload ? events.get(payload.id) : undefined;
    if (!verified.ok) bad.push(`signature ${verified.reason}: ${r.body.slice(0, 120)}`);
    else if (!payload) bad.push(`not JSON: ${r.body.slice(0, 120)}`);
    else if (r.headers[EVENT_ID_HEADER.toLowerCase()] !== payload.id || r.headers[EVENT_TYPE_HEADER.toLowerCase()] !== payload.type) bad.push(`headers disagree with the payload ${payload.id}/${payload.type}`);
    else if (!event) bad.push(`event ${payload.id} (${payload.type}) is not in the audit trail: a rolled-back change was sent`);
    else if (typeOf(event) !== payload.type || (payload.data as { action?: string }).action !== event.action) bad.push(`event ${payload.id} (${event.action}) delivered as ${payload.type}`);
  }
  const distinct = new Set(receiver.received.map((r) => String(r.headers[EVENT_ID_HEADER.toLowerCase()] ?? ""))).size;
  // Events committed before a kill whose first delivery came after it: the restart delivered them.
  const acrossKill = expected.filter((e) => {
    const first = firstArrival.get(e.id);
    const at = Date.parse(e.createdAt);
    return first !== undefined && ctx.kills.some((k) => at < k && first > k);
  }).length;
  report.info(
    `${receiver.received.length} deliveries of ${distinct} events (${receiver.received.length - distinct} duplicates); ` +
      `${expected.length} events expected, ${appliedWithEvent.length} of them from applied requests of the ledger; ` +
      `${acrossKill} committed before a kill and first delivered after it; waited ${(waited / 1000).toFixed(1)} s for them`,
  );
  report.check(`every delivery is signed with the endpoint's secret and names an existing event of its subscribed type (${receiver.received.length})`, bad.length === 0, bad.slice(0, 8).join("\n"));
  report.check(
    `every subscribed event (${expected.length}) delivered at least once within ${WEBHOOK_WAIT_MS / 1000} s after the last restart`,
    missing.length === 0,
    missing.length === 0 ? undefined : `${missing.length} missing: ${missing.slice(0, 20).map((e) => `${e.id} (${e.action}${e.requestId ? ` ${e.requestId}` : ""})`).join(", ")}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(report.finish(err));
});
