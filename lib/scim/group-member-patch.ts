// Group membership changes in a SCIM PATCH (RFC 7644 §3.5.2) as set deltas: a Group PATCH is split
// into membership steps, which the group service applies in the database, and the other
// operations, which patch.ts applies to the document. Pure: no I/O.
import { invalidFilter, invalidPath, invalidValue, mutability } from "./errors";
import type { Filter, PatchPath } from "./filter/ast";
import { parsePatchPath } from "./filter/parse-filter";
import { isPlainObject, normalizeAttributeValue, safeKeys, type AttrContext } from "./normalize-resource";
import { isClearValue, parsePatchBody, withIndex, type PatchOperation } from "./patch";
import { attrPath, findAttribute, getSchema, GROUP_SCHEMA, resolveAttribute } from "./schema";

/**
 * Member values (ids, plus one per remove-all) one Group PATCH may carry, over all its operations;
 * advertised in /ServiceProviderConfig. Entra sends a few hundred per PATCH, Okta fewer; a 1 MiB
 * body holds at most a few tens of thousands.
 */
export const MAX_PATCH_MEMBER_VALUES = 10_000;

export type MemberOpKind = "add" | "remove" | "replaceAll" | "removeAll";

/** A membership change; `ids` are member ids (empty for removeAll), `index` the operation's. */
export interface MemberOp {
  kind: MemberOpKind;
  ids: string[];
  index: number;
}

export interface GroupPatchPlan {
  /** Membership changes, in request order. */
  memberOps: MemberOp[];
  /** Everything else, in request order, for applyPatchOperations on a document without members. */
  otherOps: PatchOperation[];
}

const groupMembersDef = findAttribute(getSchema(GROUP_SCHEMA)?.attributes, "members");

function isMembersPath(pathText: string): { parsed: PatchPath } | undefined {
  let parsed: PatchPath;
  try {
    parsed = parsePatchPath(pathText);
  } catch {
    return undefined;
  }
  const resolved = resolveAttribute("Group", attrPath(parsed.path.schema, parsed.path.attr));
  return resolved && resolved.def === groupMembersDef ? { parsed } : undefined;
}

function memberIds(value: unknown, label: string): string[] {
  if (!groupMembersDef) return [];
  const ctx: AttrContext = { resourceType: "Group", schemaUrn: GROUP_SCHEMA, def: groupMembersDef };
  const elements = (normalizeAttributeValue(ctx, value, label) ?? []) as Record<string, unknown>[];
  return elements.map((e) => String(e.value));
}

/** `value eq "a"` or `value eq "a" or value eq "b"` → ids; anything else is unsupported. */
function idsFromMemberFilter(filter: Filter): string[] | undefined {
  if (
    filter.kind === "compare" &&
    filter.op === "eq" &&
    filter.path.attr.toLowerCase() === "value" &&
    filter.path.subAttr === undefined
  ) {
    return typeof filter.value === "string" ? [filter.value] : undefined;
  }
  if (filter.kind === "or") {
    const left = idsFromMemberFilter(filter.left);
    const right = idsFromMemberFilter(filter.right);
    return left && right ? [...left, ...right] : undefined;
  }
  return undefined;
}

/**
 * Splits a Group PATCH into membership changes and the rest, so the group service can apply
 * membership as set deltas in the database instead of loading a 100,000-member group.
 *
 * Two ordered lists are enough — no interleaving is needed — because the two kinds commute:
 * membership steps touch only the membership set and the other operations never touch it
 * (every `members` operation is classified as a member step, including the `members` key of a
 * path-less add/replace, which is split off from the rest of that value). Within each list the
 * request order is kept, which is what matters for Okta's remove-then-add of the same member;
 * `netMemberChanges` folds the member list into one delete set and one insert set.
 *
 * Validates the envelope and every membership operation (errors carry the operation index);
 * `otherOps` are validated when applied with applyPatchOperations.
 */
export function partitionGroupMemberOps(body: unknown): GroupPatchPlan {
  const plan: GroupPatchPlan = { memberOps: [], otherOps: [] };
  let values = 0;
  const push = (op: MemberOp) => {
    values += op.kind === "removeAll" ? 1 : op.ids.length;
    if (values > MAX_PATCH_MEMBER_VALUES) {
      throw invalidValue(
        `A PATCH may name at most ${MAX_PATCH_MEMBER_VALUES} members over all its operations (see /ServiceProviderConfig); split the change into several requests.`,
      );
    }
    plan.memberOps.push(op);
  };
  for (const operation of parsePatchBody(body)) {
    withIndex(operation.index, () => classifyGroupOperation(operation, plan, push));
  }
  return plan;
}

function classifyGroupOperation(operation: PatchOperation, plan: GroupPatchPlan, pushOp: (op: MemberOp) => void): void {
  const { op, path, value, index } = operation;
  const push = (kind: MemberOpKind, ids: string[]) => pushOp({ kind, ids, index });

  if (path === undefined) {
    if (op === "remove" || !isPlainObject(value)) {
      plan.otherOps.push(operation);
      return;
    }
    const rest: Record<string, unknown> = {};
    let restKeys = 0;
    for (const key of safeKeys(value)) {
      const members = isMembersPath(key);
      if (!members) {
        rest[key] = value[key];
        restKeys++;
        continue;
      }
      checkWholeMembersPath(members.parsed, key);
      addOrReplaceMembers(op, value[key], key, push);
    }
    if (restKeys > 0) plan.otherOps.push({ ...operation, value: rest });
    return;
  }

  const members = isMembersPath(path);
  if (!members) {
    plan.otherOps.push(operation);
    return;
  }
  const { parsed } = members;
  if (
    parsed.valueFilter &&
    parsed.path.subAttr === undefined &&
    parsed.subAttr === undefined &&
    op === "remove"
  ) {
    // Okta and Entra: `remove members[value eq "id"]`.
    const ids = idsFromMemberFilter(parsed.valueFilter);
    if (!ids) throw invalidFilter(`${path}: only "value eq" filters are supported on members.`);
    push("remove", [...new Set(ids)]);
    return;
  }
  checkWholeMembersPath(parsed, path);
  if (op === "remove") {
    // RFC 7644 §3.5.2.2: no value → all members; with a value list (Entra) → only those.
    if (value === undefined || value === null) push("removeAll", []);
    else {
      const ids = memberIds(value, path);
      if (ids.length > 0) push("remove", ids);
    }
    return;
  }
  if (value === undefined) throw invalidValue(`${op} requires a value.`);
  addOrReplaceMembers(op, value, path, push);
}

/**
 * Members are immutable in place (RFC 7643 §4.2: value, $ref and type are immutable; display
 * is read-only): only whole elements can be added or removed.
 */
function checkWholeMembersPath(parsed: PatchPath, label: string): void {
  const subName = parsed.path.subAttr ?? parsed.subAttr;
  if (subName !== undefined) {
    const sub = findAttribute(groupMembersDef?.subAttributes, subName);
    if (!sub) throw invalidPath(`"${label}": members has no sub-attribute "${subName}".`);
    throw mutability(`${label}: members.${sub.name} cannot be modified; add or remove the member instead.`);
  }
  if (parsed.valueFilter) {
    throw mutability(`${label}: members cannot be modified in place; add or remove the member instead.`);
  }
}

function addOrReplaceMembers(
  op: "add" | "replace",
  value: unknown,
  label: string,
  push: (kind: MemberOpKind, ids: string[]) => void,
): void {
  const ids = isClearValue(value) ? [] : memberIds(value, label);
  if (op === "add") {
    if (ids.length > 0) push("add", ids);
  } else if (ids.length === 0) {
    push("removeAll", []);
  } else {
    push("replaceAll", ids);
  }
}

/** Net effect of ordered member steps: final = (reset ? ∅ : current − remove) ∪ add. */
export interface NetMemberChanges {
  /** Delete every current membership first (a replace or remove-all happened). */
  reset: boolean;
  add: string[];
  /** Only meaningful when reset is false; disjoint from add. */
  remove: string[];
}

export function netMemberChanges(memberOps: readonly MemberOp[]): NetMemberChanges {
  let reset = false;
  const add = new Set<string>();
  const remove = new Set<string>();
  for (const step of memberOps) {
    switch (step.kind) {
      case "replaceAll":
        reset = true;
        add.clear();
        remove.clear();
        step.ids.forEach((id) => add.add(id));
        break;
      case "removeAll":
        reset = true;
        add.clear();
        remove.clear();
        break;
      case "add":
        for (const id of step.ids) {
          remove.delete(id);
          add.add(id);
        }
        break;
      case "remove":
        for (const id of step.ids) {
          add.delete(id);
          if (!reset) remove.add(id);
        }
        break;
    }
  }
  return { reset, add: [...add], remove: [...remove] };
}

/** What the group service applies: `{ kind: "removeAll" }` or a kind with its ids. */
export type MemberStepOf = { kind: "add" | "remove" | "replaceAll"; ids: string[] } | { kind: "removeAll" };

/**
 * The member operations of one PATCH folded into their net change, as at most two steps (or one
 * replace): the database sees one set change however many operations the request had, so a
 * 1,000-operation add/remove churn of one member holds the group's lock for one statement, not
 * a thousand, and a member removed and re-added is never touched.
 */
export function foldMemberOps(memberOps: readonly MemberOp[]): MemberStepOf[] {
  if (memberOps.length === 0) return [];
  const net = netMemberChanges(memberOps);
  if (net.reset) return [net.add.length > 0 ? { kind: "replaceAll", ids: net.add } : { kind: "removeAll" }];
  const steps: MemberStepOf[] = [];
  if (net.remove.length > 0) steps.push({ kind: "remove", ids: net.remove });
  if (net.add.length > 0) steps.push({ kind: "add", ids: net.add });
  return steps;
}
