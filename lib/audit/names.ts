// The names of what an audit event touches, stored with the event when it is written (issue 16
// item 1): a later rename or deletion does not change what history says. Shape:
// {"<type>": {"<id>": "<name>"}}. Any type may carry names: recordAuditEvent resolves the types
// in RESOLVABLE from their tables, and a writer passes others (e.g. a rule's name) in `names`.
//
// People's names (PERSON_TYPE) are personal data: they are left out of the hashed content and a GDPR
// erasure removes them (lib/privacy/erasure.ts, migration 20261207130000).
import type { Tx } from "@/lib/db/errors";

export type AuditNames = Record<string, Record<string, string>>;

export const PERSON_TYPE = "User";

/** A UUID anywhere in a text (ids in older labels: "edit for group e01ce201-… on repository …"). */
export const UUID_PATTERN = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Types whose name is read from their table: the table and the name (SQL over the row aliased `t`). */
const RESOLVABLE: Record<string, { table: string; name: (t: string) => string }> = {
  Group: { table: "Group", name: (t) => `${t}."displayName"` },
  Repository: { table: "Repository", name: (t) => `${t}."name"` },
  Contract: { table: "Contract", name: (t) => `${t}."title"` },
  Directory: { table: "Directory", name: (t) => `${t}."name"` },
  User: { table: "User", name: (t) => `COALESCE(NULLIF(${t}."displayName", ''), ${t}."userName")` },
  // A rule's name is per version (a rename is a new version): the current one.
  AccessRule: {
    table: "AccessRule",
    name: (t) => `(SELECT v.name FROM "AccessRuleVersion" v WHERE v."ruleId" = ${t}.id AND v.version = ${t}."currentVersion")`,
  },
};

/**
 * SQL for {"<type>": {"<id>": name}} of one object read by the writing statement itself (a jsonb
 * expression, '{}' when the type is not resolvable or the row is gone), for single-statement writes.
 */
export function nameObjectSql(type: string | undefined, idSql: string): string {
  const r = type ? RESOLVABLE[type] : undefined;
  if (!r) return `'{}'::jsonb`;
  return `COALESCE((SELECT jsonb_build_object('${type}', jsonb_build_object(x.id, ${r.name("x")})) FROM "${r.table}" x WHERE x.id = ${idSql}), '{}'::jsonb)`;
}

/** Target types whose audit label is the object's name. */
const LABEL_IS_NAME = new Set(["Group", "Repository", "Contract", "Directory", "User", "AccessRule"]);

/** Whether an event's target label is the target's name (otherwise a description, e.g. a rule's). */
export const labelIsName = (targetType: string | null) => !!targetType && LABEL_IS_NAME.has(targetType);

/** Keys of recorded documents that hold the id of a named object (one id, or a list of ids). */
const ID_KEYS: Record<string, string> = {
  groupId: "Group",
  repositoryId: "Repository",
  contractId: "Contract",
  directoryId: "Directory",
  userId: "User",
  subjectId: "User",
  addedUsers: "User",
  removedUsers: "User",
  addedGroups: "Group",
  removedGroups: "Group",
};

/** Kinds of cause subjects (lib/access/change-events.ts) that name an object of a named type. */
const KIND_TYPE: Record<string, string> = { ...Object.fromEntries(Object.keys(RESOLVABLE).map((t) => [t, t])), "contract.end": "Contract" };

/** Beside an id, some documents already carry the name: no lookup needed. */
const NAME_BESIDE: Record<string, string> = { repositoryId: "repositoryName", groupId: "groupName", contractId: "contractTitle" };

/** Ids named per event, per type: the group member lists are capped at 100 already. */
const MAX_IDS_PER_TYPE = 200;

export interface NamedRef {
  type: string;
  id: string;
}

function add(names: AuditNames, type: string, id: string, name: string) {
  (names[type] ??= {})[id] = name;
}

/** Every reference an event's target, directory and documents make (documents walked 4 levels deep). */
export function referencesOf(input: {
  target?: { type: string; id: string } | null;
  directoryId?: string | null;
  before?: unknown;
  after?: unknown;
}): { refs: NamedRef[]; known: AuditNames } {
  const refs: NamedRef[] = [];
  const known: AuditNames = {};
  if (input.target) refs.push({ type: input.target.type, id: input.target.id });
  if (input.directoryId) refs.push({ type: "Directory", id: input.directoryId });
  const walk = (value: unknown, depth: number) => {
    if (depth > 4 || value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (const v of value) walk(v, depth + 1);
      return;
    }
    const doc = value as Record<string, unknown>;
    // Cause subjects of access events: {kind: "Group", id}.
    if (typeof doc.kind === "string" && typeof doc.id === "string" && KIND_TYPE[doc.kind]) refs.push({ type: KIND_TYPE[doc.kind], id: doc.id });
    for (const [key, v] of Object.entries(doc)) {
      const type = ID_KEYS[key];
      if (type) {
        for (const id of Array.isArray(v) ? v : [v]) if (typeof id === "string" && id !== "…") refs.push({ type, id });
        const beside = NAME_BESIDE[key];
        if (beside && typeof v === "string" && typeof doc[beside] === "string") add(known, type, v, doc[beside] as string);
      } else walk(v, depth + 1);
    }
  };
  walk(input.before, 0);
  walk(input.after, 0);
  return { refs, known };
}

type Queryable = Pick<Tx, "$queryRawUnsafe">;

/** Appended to a deleted group's kept name (as evidence packs mark it). */
export const DELETED_GROUP_MARK = " (deleted group)";

/** The current names of the given references (those still on record), in one query. */
export async function currentNames(db: Queryable, refs: NamedRef[]): Promise<AuditNames> {
  const byType = new Map<string, Set<string>>();
  for (const r of refs) {
    if (!(r.type in RESOLVABLE)) continue;
    const ids = byType.get(r.type) ?? new Set<string>();
    if (ids.size < MAX_IDS_PER_TYPE) ids.add(r.id);
    byType.set(r.type, ids);
  }
  if (byType.size === 0) return {};
  const parts: string[] = [];
  const params: string[][] = [];
  for (const [type, ids] of byType) {
    params.push([...ids]);
    const { table, name } = RESOLVABLE[type];
    parts.push(`SELECT '${type}' AS type, t.id, ${name("t")} AS name FROM "${table}" t WHERE t.id = ANY($${params.length}::text[])`);
    // A deleted group keeps its display name (DeletedGroup, issue 15), marked so no one reads it
    // as a live group; a live row with the same id wins.
    if (type === "Group") {
      parts.push(
        `SELECT 'Group', d.id, d."displayName" || '${DELETED_GROUP_MARK}' FROM "DeletedGroup" d
          WHERE d.id = ANY($${params.length}::text[]) AND NOT EXISTS (SELECT 1 FROM "Group" g WHERE g.id = d.id)`,
      );
    }
  }
  const rows = await db.$queryRawUnsafe<{ type: string; id: string; name: string | null }[]>(parts.join(" UNION ALL "), ...params);
  const out: AuditNames = {};
  for (const r of rows) if (r.name) add(out, r.type, r.id, r.name);
  return out;
}

/** Current names of ids of any resolvable type (ids found in older labels, type unknown). */
export function currentNamesOfIds(db: Queryable, ids: string[]): Promise<AuditNames> {
  const unique = [...new Set(ids)];
  return currentNames(db, Object.keys(RESOLVABLE).flatMap((type) => unique.map((id) => ({ type, id }))));
}

/** Later entries win; undefined when there is nothing. */
export function mergeNames(...all: (AuditNames | undefined)[]): AuditNames | undefined {
  const out: AuditNames = {};
  for (const names of all) for (const [type, byId] of Object.entries(names ?? {})) for (const [id, name] of Object.entries(byId)) if (name) add(out, type, id, name);
  return Object.keys(out).length ? out : undefined;
}

/**
 * The names to store with an event, as they are now in the writing transaction: the target's
 * label where it is the name, names the documents carry, names the writer passes, and the rest
 * looked up (one query, only when something is left unnamed).
 */
export async function namesForEvent(
  tx: Queryable,
  input: { target?: { type: string; id: string; label?: string | null } | null; directoryId?: string | null; before?: unknown; after?: unknown; names?: AuditNames },
): Promise<AuditNames | undefined> {
  const { refs, known } = referencesOf(input);
  const given = mergeNames(
    known,
    input.target?.label && LABEL_IS_NAME.has(input.target.type) ? { [input.target.type]: { [input.target.id]: input.target.label } } : undefined,
    input.names,
  );
  // A target described by its label (a rule: "edit for group … on repository …") is named by the
  // names of what the label mentions, not by a lookup of the target in the middle of its change.
  const t = input.target;
  const described = (r: NamedRef) => !!t?.label && !LABEL_IS_NAME.has(t.type) && r.type === t.type && r.id === t.id;
  const missing = refs.filter((r) => r.type in RESOLVABLE && !given?.[r.type]?.[r.id] && !described(r));
  return mergeNames(missing.length ? await currentNames(tx, missing) : undefined, given);
}

/** The names an event holds without a lookup (for single-statement writes). */
export function namesGiven(input: { target?: { type: string; id: string; label?: string | null } | null; names?: AuditNames }): AuditNames | undefined {
  const t = input.target;
  return mergeNames(t?.label && LABEL_IS_NAME.has(t.type) ? { [t.type]: { [t.id]: t.label } } : undefined, input.names);
}

/** id → { type, name } over every type (ids are UUIDs: unique across tables). */
export function nameIndex(...all: (AuditNames | null | undefined)[]): Map<string, { type: string; name: string }> {
  const out = new Map<string, { type: string; name: string }>();
  for (const names of all) for (const [type, byId] of Object.entries(names ?? {})) for (const [id, name] of Object.entries(byId)) if (!out.has(id)) out.set(id, { type, name });
  return out;
}

/**
 * Groups' display names as they were at `at`, from the audit trail: a group's only rename path
 * (lib/groups/service.ts updateGroup) records `group.updated` with the old name in `before`, so the
 * name at T is the old name of the first rename after T, and the name today (or kept at deletion,
 * DeletedGroup) when there was none. Answers only when the trail after T is whole: retention deletes
 * events older than its cutoff, so for T before a retention cutoff a rename may be gone, and the map
 * is empty (callers keep today's name). Ids without a rename after T are absent (today's name holds).
 */
export async function groupNamesAt(db: Queryable, groupIds: string[], at: Date): Promise<Map<string, string> | undefined> {
  if (groupIds.length === 0) return new Map();
  const [{ cutoff }] = await db.$queryRawUnsafe<{ cutoff: Date | null }[]>(`SELECT max(cutoff) AS cutoff FROM "AuditChainCheckpoint"`);
  if (cutoff !== null && new Date(cutoff).getTime() > at.getTime()) return undefined;
  const rows = await db.$queryRawUnsafe<{ id: string; name: string }[]>(
    `SELECT DISTINCT ON (e."targetId") e."targetId" AS id, e.before->>'displayName' AS name
       FROM "AuditEvent" e
      WHERE e."targetType" = 'Group' AND e."targetId" = ANY($1::text[]) AND e.action = 'group.updated'
        AND e."createdAt" > $2::timestamp(3) AND e.before->>'displayName' IS NOT NULL
      ORDER BY e."targetId", e.seq`,
    [...new Set(groupIds)],
    at,
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}
