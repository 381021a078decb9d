// The AuthZEN decision point in Custodian's vocabulary: subject type `user` (Custodian id, userName
// case-insensitively, or externalId; `properties.directory` narrows like the REST API's
// `directory=`), resource types `contract` (id or external reference) and `repository` (id or
// name), action names = the access levels (a higher level implies the lower ones), `context.time`
// = a past instant. Every answer comes from the engine (lib/access); this file only maps words.
// Anything unknown — a subject, a resource, an action, a type — is a deny or an empty search, never
// an error (AuthZEN 1.0 §6, scenario §4.6).
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { checkAccess, contractsOfUser, whoCanAccessContract, type Denial, type Reason } from "@/lib/access/effective-access";
import { checkAccessMany } from "@/lib/access/check-many";
import { LEVELS, levelRank, type Level } from "@/lib/access/levels";
import { resolveUser } from "@/lib/api-v1/access";
import { isUuid } from "@/lib/contracts/schemas";
import { AppError } from "@/lib/errors";
import { getPrisma } from "@/lib/db/client";
import { countDecisions } from "@/lib/monitoring/metrics";
import { recordPermits } from "./decision-log";
import type { Actor } from "@/lib/audit/record";
import { recordBreachAttempts, type BreachAttemptInput } from "@/lib/walls/service";
import {
  actionSearchRequest,
  cursorOf,
  evaluationRequest,
  instantOf,
  nextToken,
  parseEvaluations,
  resourceSearchRequest,
  searchFingerprint,
  subjectSearchRequest,
  type EvaluationRequest,
  type EvaluationsSemantic,
  type PageCursor,
} from "./protocol";

type Json = Record<string, unknown>;
export interface Decision {
  decision: boolean;
  context?: Json;
}

/** Winning reasons a permit names: enough for a gateway's log, small enough for its header budget. */
const MAX_REASONS = 3;

const levelOf = (name: string): Level | null => {
  const value = name.trim().toLowerCase();
  return (LEVELS as readonly string[]).includes(value) ? (value as Level) : null;
};

const kindOf = (type: string) => {
  const value = type.trim().toLowerCase();
  return value === "contract" || value === "repository" ? value : null;
};

/**
 * The user a subject names, null when none (or not a user); ambiguity across directories is the REST
 * API's 409. Asked about a past instant, a userName means whoever held it then (as /api/v1 answers).
 */
async function userIdOf(db: PrismaClient, subject: { type: string; id: string; properties?: Json }, at?: Date): Promise<string | null> {
  if (subject.type.trim().toLowerCase() !== "user") return null;
  const directory = typeof subject.properties?.directory === "string" ? subject.properties.directory : undefined;
  try {
    return (await resolveUser(db, { ref: subject.id.trim(), directory, at })).id;
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") return null;
    throw err;
  }
}

/** Contract ids by the refs callers gave (id or external reference; an id wins), in one query. */
async function contractIdsOf(db: PrismaClient, refs: string[]): Promise<Map<string, string>> {
  const distinct = [...new Set(refs.map((r) => r.trim()))];
  if (distinct.length === 0) return new Map();
  const ids = distinct.filter(isUuid);
  const rows = await db.contract.findMany({
    where: { OR: [...(ids.length ? [{ id: { in: ids } }] : []), { externalRef: { in: distinct } }] },
    select: { id: true, externalRef: true },
  });
  const byRef = new Map<string, string>();
  for (const r of rows) if (r.externalRef) byRef.set(r.externalRef, r.id);
  for (const r of rows) if (distinct.includes(r.id)) byRef.set(r.id, r.id);
  return byRef;
}

async function repositoryIdOf(db: PrismaClient, ref: string): Promise<string | null> {
  const value = ref.trim();
  const row = await db.repository.findFirst({ where: { OR: [...(isUuid(value) ? [{ id: value }] : []), { name: value }] }, select: { id: true } });
  return row?.id ?? null;
}

/** A reason as a gateway reads it: the rule, how it reaches the person, since and until when. */
function compactReason(r: Reason) {
  const starts = [r.rule.validFrom ?? r.rule.recordedFrom, ...(r.via.kind === "group" ? r.via.path.map((h) => h.memberSince) : [])];
  return {
    rule: r.rule.ruleId,
    ruleName: r.rule.name,
    level: r.level,
    via: r.via.kind === "group" ? r.via.path.map((h) => ({ group: h.groupId, name: h.displayName })) : "direct",
    since: new Date(Math.max(...starts.map((d) => new Date(d).getTime()))).toISOString(),
    until: r.contract.grantsUntil ? new Date(r.contract.grantsUntil).toISOString() : null,
  };
}

const permitContext = (level: Level, reasons: Reason[]) => ({ level, reasons: reasons.filter((r) => r.winning).slice(0, MAX_REASONS).map(compactReason) });
const denyContext = (reason: string, extra: Json = {}) => ({ reason, ...extra });
/** A denial as a gateway may read it: an exclusion's free-text reason and its author stay in Custodian. */
const PRIVATE_DENIAL_FIELDS = new Set(["reason", "by"]);
const publicDenial = (d: Denial) => (d.code === "excluded" ? Object.fromEntries(Object.entries(d).filter(([k]) => !PRIVATE_DENIAL_FIELDS.has(k))) : { ...d });
/** A wall's denial tells the gateway "denied" and nothing else (neither the wall nor the other facts). */
const denialContext = (denial: Denial[], level: Level | null) =>
  denial.some((d) => d.code === "wall")
    ? denyContext("denied")
    : denyContext(denial[0]?.code ?? "no_rule", { ...(level ? { level } : {}), denials: denial.map(publicDenial) });

/** The denials walls caused in decisions about now: breach attempts, recorded (lib/walls) before the answer goes out. */
async function recordWallDenials(db: PrismaClient, attempts: BreachAttemptInput[], actor: Actor | undefined) {
  if (attempts.length === 0) return;
  await recordBreachAttempts(db, { attempts, source: "authzen", actor: actor ?? { type: "system", label: "AuthZEN" } });
}

/** Whether the person can open at least one contract of the repository at the level (the repository's decision). */
async function repositoryDecision(db: PrismaClient, options: { userId: string; repositoryId: string; level: Level; at?: Date }): Promise<Decision> {
  const page = await contractsOfUser(db, { userId: options.userId, at: options.at, offset: 0, limit: 1, filter: { repositoryId: options.repositoryId, level: options.level }, reasons: false });
  return page.total > 0
    ? { decision: true, context: { level: options.level, contracts: page.total } }
    : { decision: false, context: denyContext("no_contract_at_level") };
}

/** POST /access/v1/evaluation (§6). */
export async function evaluate(db: PrismaClient, options: { body: unknown; actor?: Actor }): Promise<Decision> {
  const result = await decideOne(db, evaluationRequest.parse(options.body), options.actor);
  countDecisions({ endpoint: "evaluation", permit: result.decision ? 1 : 0, deny: result.decision ? 0 : 1, error: 0 });
  return result;
}

async function decideOne(db: PrismaClient, request: EvaluationRequest, actor?: Actor): Promise<Decision> {
  const at = instantOf(request.context);
  const level = levelOf(request.action.name);
  const kind = kindOf(request.resource.type);
  // The subject and the resource are looked up side by side: two round trips in the time of one.
  const [userId, resourceId] = await Promise.all([
    userIdOf(db, request.subject, at),
    kind === "repository"
      ? repositoryIdOf(db, request.resource.id)
      : kind === "contract"
        ? contractIdsOf(db, [request.resource.id]).then((m) => m.get(request.resource.id.trim()) ?? null)
        : null,
  ]);
  if (!userId) return { decision: false, context: denyContext("unknown_subject") };
  if (!level) return { decision: false, context: denyContext("unknown_action", { actions: LEVELS }) };
  if (!resourceId) return { decision: false, context: denyContext("unknown_resource") };
  if (kind === "repository") return repositoryDecision(db, { userId, repositoryId: resourceId, level, at });
  const contractId = resourceId;
  const check = await checkAccess(db, { userId, contractId, level, at });
  if (check.allowed && !at) recordPermits({ db: getPrisma, pairs: [{ userId, contractId }], at: new Date() });
  const walls = check.denial.flatMap((d) => (d.code === "wall" ? [d] : []));
  if (walls.length && !at) await recordWallDenials(db, [{ userId, contractId, walls, action: level }], actor);
  return check.allowed ? { decision: true, context: permitContext(check.level!, check.reasons) } : { decision: false, context: denialContext(check.denial, check.level) };
}

/** POST /access/v1/evaluations (§7): defaults and overrides, one set-based engine read per instant. */
export async function evaluateMany(db: PrismaClient, options: { body: unknown; actor?: Actor }): Promise<Decision | { evaluations: Decision[] }> {
  const input = parseEvaluations(options.body);
  if (input.kind === "single") {
    const result = await decideOne(db, input.request, options.actor);
    countDecisions({ endpoint: "evaluations", permit: result.decision ? 1 : 0, deny: result.decision ? 0 : 1, error: 0 });
    return result;
  }
  const answers: (Decision | undefined)[] = new Array(input.items.length);
  const errors = new Set<number>();
  // Resolve every distinct subject once, every contract in one query.
  const subjects = new Map<string, Promise<{ userId: string | null } | { error: AppError }>>();
  const subjectOf = (s: EvaluationRequest["subject"], context: EvaluationRequest["context"]) => {
    // An item's bad time is reported below as that item's error; its subject is then looked up as of now.
    let at: Date | undefined;
    try {
      at = instantOf(context);
    } catch {
      at = undefined;
    }
    const key = JSON.stringify([s.type, s.id, s.properties?.directory ?? null, at?.getTime() ?? null]);
    if (!subjects.has(key)) subjects.set(key, userIdOf(db, s, at).then((userId) => ({ userId }), (error) => (error instanceof AppError ? { error } : Promise.reject(error))));
    return subjects.get(key)!;
  };
  const requests = input.items.map((item) => (item.ok ? item.request : null));
  const contractRefs = requests.flatMap((r) => (r && kindOf(r.resource.type) === "contract" ? [r.resource.id] : []));
  const [contracts, users] = await Promise.all([contractIdsOf(db, contractRefs), Promise.all(requests.map((r) => (r ? subjectOf(r.subject, r.context) : null)))]);
  const pending: { index: number; userId: string; contractId: string; level: Level; at: Date | undefined }[] = [];
  for (const [index, item] of input.items.entries()) {
    if (!item.ok) {
      answers[index] = { decision: false, context: { error: item.error } };
      errors.add(index);
      continue;
    }
    const r = item.request;
    const user = users[index]!;
    if ("error" in user) {
      answers[index] = { decision: false, context: { error: { code: user.error.code, message: user.error.message, details: user.error.details } } };
      errors.add(index);
      continue;
    }
    let at: Date | undefined;
    try {
      at = instantOf(r.context);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      answers[index] = { decision: false, context: { error: { code: err.code, message: err.message, details: err.details } } };
      errors.add(index);
      continue;
    }
    const level = levelOf(r.action.name);
    const kind = kindOf(r.resource.type);
    if (!user.userId) answers[index] = { decision: false, context: denyContext("unknown_subject") };
    else if (!level) answers[index] = { decision: false, context: denyContext("unknown_action", { actions: LEVELS }) };
    else if (kind === "repository") {
      const repositoryId = await repositoryIdOf(db, r.resource.id);
      answers[index] = repositoryId ? await repositoryDecision(db, { userId: user.userId, repositoryId, level, at }) : { decision: false, context: denyContext("unknown_resource") };
    } else {
      const contractId = kind === "contract" ? contracts.get(r.resource.id.trim()) : undefined;
      if (!contractId) answers[index] = { decision: false, context: denyContext("unknown_resource") };
      else pending.push({ index, userId: user.userId, contractId, level, at });
    }
  }
  // One engine read per distinct instant (a batch normally has one: now).
  const byInstant = new Map<number, typeof pending>();
  const now = new Date();
  for (const p of pending) {
    const t = (p.at ?? now).getTime();
    byInstant.set(t, [...(byInstant.get(t) ?? []), p]);
  }
  const walled: BreachAttemptInput[] = [];
  for (const [t, group] of byInstant) {
    // "Now" is passed as no instant: groups then carry their current names, with no look-up of
    // renames since (two statements), as a single evaluation does.
    const checks = await checkAccessMany(db, { pairs: group, at: t === now.getTime() && group.every((p) => !p.at) ? undefined : new Date(t) });
    for (const p of group) {
      const check = checks.get(`${p.userId}|${p.contractId}`)!;
      const allowed = check.level !== null && levelRank(check.level) >= levelRank(p.level);
      if (!allowed && check.walls.length && !p.at) walled.push({ userId: p.userId, contractId: p.contractId, walls: check.walls, action: p.level });
      answers[p.index] = allowed
        ? { decision: true, context: permitContext(check.level!, check.reasons) }
        : {
            decision: false,
            context: check.walls.length
              ? denyContext("denied")
              : check.excluded
                ? denyContext("excluded")
                : denyContext(check.level ? "level_too_low" : "no_rule", check.level ? { level: check.level } : {}),
          };
    }
  }
  await recordWallDenials(db, walled, options.actor);
  const evaluations = applySemantic(answers as Decision[], input.semantic);
  const permitted = new Set(evaluations.flatMap((e, i) => (e.decision ? [i] : [])));
  const logged = pending.filter((p) => !p.at && permitted.has(p.index));
  if (logged.length) recordPermits({ db: getPrisma, pairs: logged, at: now });
  const error = evaluations.filter((_, i) => errors.has(i)).length;
  countDecisions({ endpoint: "evaluations", permit: permitted.size, deny: evaluations.length - permitted.size - error, error });
  return { evaluations };
}

/**
 * §7.2 evaluations semantics: `execute_all` answers every item; `deny_on_first_deny` and
 * `permit_on_first_permit` end the response at the deciding item, whose context names the semantic.
 */
function applySemantic(answers: Decision[], semantic: EvaluationsSemantic): Decision[] {
  if (semantic === "execute_all") return answers;
  const stopOn = semantic === "permit_on_first_permit";
  const at = answers.findIndex((a) => a.decision === stopOn);
  if (at < 0) return answers;
  const deciding = answers[at];
  return [...answers.slice(0, at), { ...deciding, context: { ...deciding.context, evaluations_semantic: semantic } }];
}

interface SearchPage<T> {
  results: T[];
  page: { next_token: string; count: number; total?: number };
}

const empty = <T>(): SearchPage<T> => ({ results: [], page: { next_token: "", count: 0, total: 0 } });

function pageOf<T>(results: T[], options: { cursor: PageCursor; fingerprint: string; scanned: number; total: number; exactTotal: boolean }): SearchPage<T> {
  const more = options.cursor.offset + options.scanned < options.total;
  return {
    results,
    page: { next_token: nextToken({ cursor: options.cursor, fingerprint: options.fingerprint, more }), count: results.length, ...(options.exactTotal ? { total: options.total } : {}) },
  };
}

/**
 * POST /access/v1/search/subject (§8.4): who can open this contract at (at least) this level, in
 * userName order. A page reads `limit` readers; above `view` it keeps those at the level, so a page
 * may hold fewer than `limit` results (and `total` counts readers at any level only for `view`).
 */
export async function searchSubjects(db: PrismaClient, options: { body: unknown }) {
  const q = subjectSearchRequest.parse(options.body);
  const at = instantOf(q.context);
  const fingerprint = searchFingerprint(["subject", q.subject.type, q.action.name, q.resource.type, q.resource.id]);
  const cursor = cursorOf({ page: q.page, fingerprint, at });
  const level = levelOf(q.action.name);
  if (q.subject.type.trim().toLowerCase() !== "user" || !level || kindOf(q.resource.type) !== "contract") return empty();
  const contractId = (await contractIdsOf(db, [q.resource.id])).get(q.resource.id.trim());
  if (!contractId) return empty();
  // Results name readers and levels, not why: no reasons are read.
  const page = await whoCanAccessContract(db, { contractId, at: cursor.at, offset: cursor.offset, limit: cursor.limit, reasons: false });
  const results = page.items
    .filter((i) => levelRank(i.level) >= levelRank(level))
    .map((i) => ({ type: "user", id: i.user.userName ?? i.user.id, properties: { custodian_id: i.user.id, level: i.level } }));
  return pageOf(results, { cursor, fingerprint, scanned: page.items.length, total: page.total, exactTotal: level === "view" });
}

/** POST /access/v1/search/resource (§8.5): the contracts this person can open at (at least) this level, in title order. */
export async function searchResources(db: PrismaClient, options: { body: unknown }) {
  const q = resourceSearchRequest.parse(options.body);
  const at = instantOf(q.context);
  const fingerprint = searchFingerprint(["resource", q.subject.type, q.subject.id, q.subject.properties?.directory ?? null, q.action.name, q.resource.type]);
  const cursor = cursorOf({ page: q.page, fingerprint, at });
  const level = levelOf(q.action.name);
  if (!level || kindOf(q.resource.type) !== "contract") return empty();
  const userId = await userIdOf(db, q.subject, at);
  if (!userId) return empty();
  // Results name contracts and levels, not why: no reasons are read.
  const page = await contractsOfUser(db, { userId, at: cursor.at, offset: cursor.offset, limit: cursor.limit, filter: { level }, reasons: false });
  const results = page.items.map((i) => ({ type: "contract", id: i.contract.externalRef ?? i.contract.id, properties: { custodian_id: i.contract.id, level: i.level } }));
  return pageOf(results, { cursor, fingerprint, scanned: page.items.length, total: page.total, exactTotal: true });
}

/** POST /access/v1/search/action (§8.6): the levels this person has on this contract or repository (all up to the highest). */
export async function searchActions(db: PrismaClient, options: { body: unknown }) {
  const q = actionSearchRequest.parse(options.body);
  const at = instantOf(q.context);
  const kind = kindOf(q.resource.type);
  const userId = kind ? await userIdOf(db, q.subject, at) : null;
  if (!userId) return empty<{ name: string }>();
  let level: Level | null = null;
  if (kind === "contract") {
    const contractId = (await contractIdsOf(db, [q.resource.id])).get(q.resource.id.trim());
    if (contractId) level = (await checkAccess(db, { userId, contractId, at })).level;
  } else {
    const repositoryId = await repositoryIdOf(db, q.resource.id);
    for (const candidate of [...LEVELS].reverse()) {
      if (!repositoryId) break;
      if ((await repositoryDecision(db, { userId, repositoryId, level: candidate, at })).decision) {
        level = candidate;
        break;
      }
    }
  }
  const results = level ? LEVELS.slice(0, levelRank(level)).map((name) => ({ name })) : [];
  return { results, page: { next_token: "", count: results.length, total: results.length } };
}

/**
 * GET /.well-known/authzen-configuration (§9): the endpoints under the public base URL the
 * metadata was fetched under (lib/http/client.ts publicBaseUrl: NEXTAUTH_URL, or a trusted proxy's
 * forwarded host, or the Host asked for).
 */
export function metadataOf(baseUrl: string) {
  return {
    policy_decision_point: baseUrl,
    access_evaluation_endpoint: `${baseUrl}/access/v1/evaluation`,
    access_evaluations_endpoint: `${baseUrl}/access/v1/evaluations`,
    search_subject_endpoint: `${baseUrl}/access/v1/search/subject`,
    search_resource_endpoint: `${baseUrl}/access/v1/search/resource`,
    search_action_endpoint: `${baseUrl}/access/v1/search/action`,
  };
}
