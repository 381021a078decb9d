// SCIM PATCH (RFC 7644 §3.5.2) on the internal document (see normalize-resource.ts), including the
// request shapes identity providers really send (/work/shared/scim-compat.md). Pure: the caller
// loads the document, applies the patch, re-validates with normalizeResource(…, "replace") and
// persists. Every error names the failing operation (`Operations[2]: …`) and nothing is applied
// when any operation fails (RFC 7644 §3.5.2: the PATCH is atomic).
import {
  ScimError,
  invalidPath,
  invalidSyntax,
  invalidValue,
  mutability,
  noTarget,
} from "./errors";
import { elementFromFilter, matches, resolveTarget, type ResolvedTarget, type Target } from "./patch-path";
import {
  checkMultiValuedLimits,
  coerceManagerInput,
  isHollowElement,
  isManager,
  isMembers,
  isPlainObject,
  normalizeAttributeValue,
  normalizeScalar,
  safeKeys,
  type AttrContext,
  type ScimDoc,
} from "./normalize-resource";
import {
  coreSchemaOf,
  PATCH_OP,
  findAttribute,
  findExtensionUrn,
  getSchema,
  type AttributeDef,
  type ResourceTypeName,
} from "./schema";

/** Upper bound on operations per request; Entra batches membership changes but far below this. */
export const MAX_PATCH_OPERATIONS = 1000;

export type PatchOpName = "add" | "replace" | "remove";

/** One validated operation; `index` is its position in the request's `Operations` array. */
export interface PatchOperation {
  index: number;
  op: PatchOpName;
  path?: string;
  value?: unknown;
}

function getCaseInsensitive(obj: Record<string, unknown>, name: string): unknown {
  const key = safeKeys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : obj[key];
}

/**
 * Validates the PatchOp envelope and normalizes each operation. `op` is case-insensitive
 * (Entra sends "Replace", OneLogin "add"; RFC 7643 §2.1) and an unknown op is an error —
 * silently ignoring "Replace" once left users active after offboarding elsewhere.
 */
export function parsePatchBody(body: unknown): PatchOperation[] {
  if (!isPlainObject(body)) throw invalidSyntax("The PATCH body must be a JSON object.");
  const operations = getCaseInsensitive(body, "Operations");
  const schemas = getCaseInsensitive(body, "schemas");
  const declared =
    Array.isArray(schemas) &&
    schemas.some((s) => typeof s === "string" && s.toLowerCase() === PATCH_OP.toLowerCase());
  // Lenient: a body with Operations but a missing or wrong `schemas` is still a PatchOp.
  if (operations === undefined) {
    throw invalidSyntax(
      declared
        ? "The PATCH body has no Operations."
        : `The PATCH body must be a ${PATCH_OP} message with Operations.`,
    );
  }
  if (!Array.isArray(operations)) throw invalidSyntax("Operations must be an array.");
  if (operations.length === 0) throw invalidValue("Operations must not be empty.");
  if (operations.length > MAX_PATCH_OPERATIONS) {
    throw invalidValue(
      `Operations has ${operations.length} entries; the maximum is ${MAX_PATCH_OPERATIONS}.`,
    );
  }
  return operations.map((raw, index): PatchOperation => {
    const at = `Operations[${index}]`;
    if (!isPlainObject(raw)) throw invalidSyntax(`${at}: an operation must be an object.`);
    const opValue = getCaseInsensitive(raw, "op");
    if (typeof opValue !== "string") throw invalidSyntax(`${at}: "op" must be "add", "replace" or "remove".`);
    const op = opValue.trim().toLowerCase();
    if (op !== "add" && op !== "replace" && op !== "remove") {
      throw invalidSyntax(`${at}: unknown op "${opValue}"; expected "add", "replace" or "remove".`);
    }
    const rawPath = getCaseInsensitive(raw, "path");
    let path: string | undefined;
    if (typeof rawPath === "string") {
      path = rawPath.trim() === "" ? undefined : rawPath.trim();
    } else if (rawPath !== undefined && rawPath !== null) {
      throw invalidPath(`${at}: "path" must be a string.`);
    }
    const operation: PatchOperation = { index, op };
    if (path !== undefined) operation.path = path;
    const value = getCaseInsensitive(raw, "value");
    if (value !== undefined) operation.value = value;
    return operation;
  });
}

/**
 * The patched copy of the document and the names of the attributes the operations carried that
 * Custodian does not know and dropped (RFC 7644 §3.3), for the request log.
 */
export interface PatchResult {
  doc: ScimDoc;
  ignored: string[];
}

/** Applies a PATCH request body to a copy of `doc`; throws (and changes nothing) on any error. */
export function applyPatch(resourceType: ResourceTypeName, doc: ScimDoc, body: unknown): PatchResult {
  return applyPatchOperations(resourceType, doc, parsePatchBody(body));
}

/**
 * Applies already-parsed operations (e.g. `otherOps` from partitionGroupMemberOps), reporting
 * errors with each operation's original index.
 */
export function applyPatchOperations(
  resourceType: ResourceTypeName,
  doc: ScimDoc,
  operations: readonly PatchOperation[],
): PatchResult {
  const working = cloneJson(doc) as ScimDoc;
  const ignored: string[] = [];
  for (const operation of operations) {
    withIndex(operation.index, () => applyOperation(resourceType, working, operation, ignored));
  }
  return { doc: working, ignored };
}

/** Runs `run`, prefixing a SCIM error with the operation's index (`Operations[2]: …`). */
export function withIndex<T>(index: number, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof ScimError) throw new ScimError(err.code, `Operations[${index}]: ${err.message}`);
    throw err;
  }
}

function cloneJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of safeKeys(value)) out[key] = cloneJson(value[key]);
    return out;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Operations

/** `ignored` collects the unknown attribute names the operation drops. */
function applyOperation(resourceType: ResourceTypeName, doc: ScimDoc, operation: PatchOperation, ignored: string[]): void {
  const { op, path, value } = operation;
  if (op === "remove") {
    // RFC 7644 §3.5.2.2: remove without a path is 400 noTarget.
    if (path === undefined) throw noTarget("remove requires a path.");
    const resolved = resolveTarget(resourceType, path);
    if (resolved.kind === "extension") {
      delete doc[resolved.schemaUrn];
      return;
    }
    checkWritable(resolved.target);
    removeAt(resourceType, doc, resolved.target, value);
    return;
  }
  if (value === undefined) throw invalidValue(`${op} requires a value.`);
  if (path === undefined) {
    applyPathless(resourceType, doc, op, value, ignored);
    return;
  }
  const resolved = resolveTarget(resourceType, path);
  if (resolved.kind === "extension") {
    applyExtensionObject(resourceType, doc, op, resolved.schemaUrn, value, ignored);
    return;
  }
  checkWritable(resolved.target);
  setAt(resourceType, doc, op, resolved.target, value);
}

/** RFC 7643 §2.2 / RFC 7644 §3.5.2: readOnly attributes cannot be written through a path. */
function checkWritable(target: Target): void {
  if (target.def.mutability === "readOnly" || target.sub?.mutability === "readOnly") {
    throw mutability(`${target.label} is read-only.`);
  }
}

/**
 * Path-less add/replace: the value's keys are attribute names, paths (Entra with
 * aadOptscim062020 sends `"name.givenName"` and `"urn:…:User:employeeNumber"` keys) or extension
 * URNs. Unknown and read-only keys are ignored (Okta sends the read-only `id`).
 */
function applyPathless(
  resourceType: ResourceTypeName,
  doc: ScimDoc,
  op: "add" | "replace",
  value: unknown,
  ignored: string[],
): void {
  if (!isPlainObject(value)) throw invalidValue(`${op} without a path needs an object value.`);
  for (const key of safeKeys(value)) {
    if (key.toLowerCase() === "schemas") continue;
    const extUrn = findExtensionUrn(resourceType, key);
    if (extUrn) {
      applyExtensionObject(resourceType, doc, op, extUrn, value[key], ignored);
      continue;
    }
    let resolved: ResolvedTarget;
    try {
      resolved = resolveTarget(resourceType, key);
    } catch (err) {
      if (err instanceof ScimError && (err.scimType === "invalidPath" || err.scimType === "invalidFilter")) {
        ignored.push(key);
        continue;
      }
      throw err;
    }
    if (resolved.kind === "extension") continue;
    const { target } = resolved;
    if (target.def.mutability === "readOnly" || target.sub?.mutability === "readOnly") continue;
    setAt(resourceType, doc, op, target, value[key]);
  }
}

function applyExtensionObject(
  resourceType: ResourceTypeName,
  doc: ScimDoc,
  op: "add" | "replace",
  schemaUrn: string,
  value: unknown,
  ignored: string[],
): void {
  if (value === null) {
    // Entra clears with null.
    delete doc[schemaUrn];
    return;
  }
  if (!isPlainObject(value)) throw invalidValue(`${schemaUrn} must be an object.`);
  const schema = getSchema(schemaUrn);
  for (const key of safeKeys(value)) {
    const def = findAttribute(schema?.attributes, key);
    if (!def) ignored.push(`${schemaUrn}:${key}`);
    if (!def || def.mutability === "readOnly") continue;
    setAt(resourceType, doc, op, { schemaUrn, def, label: `${schemaUrn}:${def.name}` }, value[key]);
  }
}

function containerOf(doc: ScimDoc, resourceType: ResourceTypeName, schemaUrn: string, create: boolean) {
  if (schemaUrn === coreSchemaOf(resourceType).id) return doc;
  const existing = doc[schemaUrn];
  if (isPlainObject(existing)) return existing;
  if (!create) return undefined;
  const fresh: Record<string, unknown> = {};
  doc[schemaUrn] = fresh;
  return fresh;
}

function elementsOf(
  container: Record<string, unknown> | undefined,
  def: AttributeDef,
): Record<string, unknown>[] {
  const v = container?.[def.name];
  return Array.isArray(v) ? v.filter(isPlainObject) : [];
}

/** Entra clears a value by sending `""` or `null` (scim-compat.md, "Clearing"). */
export function isClearValue(value: unknown): boolean {
  return value === null || value === "";
}

function sameScalar(def: AttributeDef | undefined, a: unknown, b: unknown): boolean {
  if (typeof a === "string" && typeof b === "string" && !(def?.caseExact ?? false)) {
    return a.toLowerCase() === b.toLowerCase();
  }
  return a === b;
}

/**
 * Whether `incoming` denotes an element already present (RFC 7644 §3.5.2.1: adding a value
 * that is already there changes nothing). Members are identified by id; value-bearing elements
 * by value and, when given, type; others (addresses) by all their descriptive sub-attributes.
 */
function sameElement(
  ctx: AttrContext,
  existing: Record<string, unknown>,
  incoming: Record<string, unknown>,
): boolean {
  const { def } = ctx;
  const valueDef = findAttribute(def.subAttributes, "value");
  if (isMembers(ctx)) return existing.value === incoming.value;
  if (valueDef) {
    if (!sameScalar(valueDef, existing.value, incoming.value)) return false;
    return (
      incoming.type === undefined ||
      sameScalar(findAttribute(def.subAttributes, "type"), existing.type, incoming.type)
    );
  }
  const keys = new Set(
    [...Object.keys(existing), ...Object.keys(incoming)].filter((k) => k !== "primary" && k !== "display"),
  );
  return [...keys].every((k) => sameScalar(findAttribute(def.subAttributes, k), existing[k], incoming[k]));
}

/** Sets one sub-attribute, refusing to change an immutable one that already has a value. */
function setSub(target: Target, element: Record<string, unknown>, sub: AttributeDef, value: unknown): void {
  if (
    sub.mutability === "immutable" &&
    element[sub.name] !== undefined &&
    !sameScalar(sub, element[sub.name], value)
  ) {
    throw mutability(`${target.label}: ${target.def.name}.${sub.name} is immutable.`);
  }
  if (value === undefined) delete element[sub.name];
  else element[sub.name] = value;
}

/**
 * Merges a complex value into an element: sub-attributes given replace, others stay
 * (RFC 7644 §3.5.2.3, "complex attribute"). `""`/null clear a sub-attribute.
 */
function mergeComplex(target: Target, element: Record<string, unknown>, value: unknown): void {
  if (!isPlainObject(value)) throw invalidValue(`${target.label} must be an object.`);
  for (const key of safeKeys(value)) {
    const sub = findAttribute(target.def.subAttributes, key);
    if (!sub || sub.mutability === "readOnly") continue;
    const raw = value[key];
    const v = isClearValue(raw) ? undefined : normalizeScalar(sub, raw, `${target.label}.${sub.name}`);
    setSub(target, element, sub, v);
  }
}

function setAt(
  resourceType: ResourceTypeName,
  doc: ScimDoc,
  op: "add" | "replace",
  target: Target,
  value: unknown,
): void {
  const { def, sub, filter } = target;
  const ctx: AttrContext = { resourceType, schemaUrn: target.schemaUrn, def };
  if (isClearValue(value)) {
    // Adding "nothing" to a multi-valued attribute is a no-op; everything else clears.
    if (op === "add" && def.multiValued && !sub && !filter) return;
    removeAt(resourceType, doc, target, undefined);
    return;
  }
  const container = containerOf(doc, resourceType, target.schemaUrn, true) ?? doc;
  const touched = new Set<Record<string, unknown>>();

  if (def.multiValued) {
    const elements = elementsOf(container, def);
    if (filter) {
      const matched = elements.filter((e) => matches(def, filter, e));
      if (matched.length === 0) {
        const created = elementFromFilter(def, filter, target.label);
        // RFC 7644 §3.5.2.3: replace with an unmatched filter is noTarget — except Entra's
        // `emails[type eq "work"].value` form, which creates the element; add creates too.
        if (!created || (op === "replace" && !sub)) throw noTarget(`${target.label} matched no value.`);
        if (sub) setSub(target, created, sub, normalizeScalar(sub, value, target.label));
        else mergeComplex(target, created, value);
        elements.push(created);
        touched.add(created);
      } else {
        for (const element of matched) {
          if (sub) setSub(target, element, sub, normalizeScalar(sub, value, target.label));
          else mergeComplex(target, element, value);
          touched.add(element);
        }
      }
      container[def.name] = elements;
    } else if (sub) {
      // `emails.value` without a filter addresses every element (creating one if none exist).
      const v = normalizeScalar(sub, value, target.label);
      if (elements.length === 0) elements.push({});
      for (const element of elements) {
        setSub(target, element, sub, v);
        touched.add(element);
      }
      container[def.name] = elements;
    } else {
      const incoming = (normalizeAttributeValue(ctx, value, target.label) ?? []) as Record<string, unknown>[];
      if (op === "replace") {
        // RFC 7644 §3.5.2.3: no filter → the attribute and all its values are replaced.
        container[def.name] = incoming;
      } else {
        // RFC 7644 §3.5.2.1: values are added; a value already present is not duplicated.
        for (const element of incoming) {
          const existing = elements.find((e) => sameElement(ctx, e, element));
          if (existing && isMembers(ctx)) continue;
          if (existing) {
            Object.assign(existing, element);
            touched.add(existing);
          } else {
            elements.push(element);
            touched.add(element);
          }
        }
        container[def.name] = elements;
      }
    }
  } else if (def.type === "complex") {
    const current = container[def.name];
    const element: Record<string, unknown> = isPlainObject(current) ? current : {};
    if (sub) {
      setSub(target, element, sub, normalizeScalar(sub, value, target.label));
    } else if (isManager(ctx)) {
      // Entra: bare id string or legacy `[{"$ref": …, "value": …}]`.
      const coerced = coerceManagerInput(value, target.label);
      if (coerced === null) delete element.value;
      else mergeComplex(target, element, coerced);
    } else {
      mergeComplex(target, element, value);
    }
    container[def.name] = element;
  } else {
    const v = normalizeScalar(def, value, target.label);
    if (
      def.mutability === "immutable" &&
      container[def.name] !== undefined &&
      !sameScalar(def, container[def.name], v)
    ) {
      throw mutability(`${target.label} is immutable.`);
    }
    container[def.name] = v;
  }
  tidy(doc, resourceType, ctx, touched, target.label);
}

function removeAt(resourceType: ResourceTypeName, doc: ScimDoc, target: Target, value: unknown): void {
  const { def, sub, filter } = target;
  const ctx: AttrContext = { resourceType, schemaUrn: target.schemaUrn, def };
  if (def.required && !sub && !filter) throw mutability(`${target.label} is required and cannot be removed.`);
  if (def.mutability === "immutable" && !sub) throw mutability(`${target.label} is immutable.`);
  const container = containerOf(doc, resourceType, target.schemaUrn, false);
  if (!container || container[def.name] === undefined) return;

  const clearSub = (element: Record<string, unknown>, s: AttributeDef) => {
    if (element[s.name] === undefined) return;
    if (s.mutability === "immutable")
      throw mutability(`${target.label}: ${def.name}.${s.name} is immutable.`);
    delete element[s.name];
  };

  if (def.multiValued) {
    const elements = elementsOf(container, def);
    if (filter) {
      const matched = new Set(elements.filter((e) => matches(def, filter, e)));
      // RFC 7644 §3.5.2.2: with a filter, only matching values are removed; no match, no change.
      if (sub) matched.forEach((e) => clearSub(e, sub));
      else container[def.name] = elements.filter((e) => !matched.has(e));
    } else if (sub) {
      elements.forEach((e) => clearSub(e, sub));
    } else if (value !== undefined && value !== null) {
      // Entra removes members with `{"op":"Remove","path":"members","value":[{"value":"id"}]}`:
      // only the listed values go — never the whole attribute.
      const listed = (normalizeAttributeValue(ctx, value, target.label) ?? []) as Record<string, unknown>[];
      container[def.name] = elements.filter((e) => !listed.some((l) => sameElement(ctx, e, l)));
    } else {
      delete container[def.name];
    }
  } else if (sub) {
    const current = container[def.name];
    if (isPlainObject(current)) clearSub(current, sub);
  } else {
    // Includes Entra's remove of the enterprise manager, which may carry the old value.
    delete container[def.name];
  }
  tidy(doc, resourceType, ctx, new Set(), target.label);
}

/**
 * Restores the document's invariants after an operation: no hollow elements, empty values
 * unassigned (RFC 7643 §2.5), manager as `{ value }`, one primary (a value newly marked primary
 * demotes the others, RFC 7643 §2.4), size limits.
 */
function tidy(
  doc: ScimDoc,
  resourceType: ResourceTypeName,
  ctx: AttrContext,
  touched: Set<Record<string, unknown>>,
  label: string,
): void {
  const { def } = ctx;
  const container = containerOf(doc, resourceType, ctx.schemaUrn, false);
  if (!container) return;
  const value = container[def.name];
  if (def.multiValued && Array.isArray(value)) {
    const elements = value.filter((e) => !(isPlainObject(e) && isHollowElement(def, e)));
    if ([...touched].some((e) => e.primary === true && elements.includes(e))) {
      for (const e of elements)
        if (isPlainObject(e) && !touched.has(e) && e.primary === true) e.primary = false;
    }
    checkMultiValuedLimits(ctx, elements, label);
    if (elements.length === 0) delete container[def.name];
    else container[def.name] = elements;
  } else if (def.type === "complex" && isPlainObject(value)) {
    if (isManager(ctx)) {
      if (value.value === undefined) delete container[def.name];
      else container[def.name] = { value: value.value };
    } else if (Object.keys(value).length === 0) {
      delete container[def.name];
    }
  } else if (value === undefined) {
    delete container[def.name];
  }
  if (container !== doc && Object.keys(container).length === 0) delete doc[ctx.schemaUrn];
}
