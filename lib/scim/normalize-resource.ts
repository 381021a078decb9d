// The internal representation of a SCIM resource is the SCIM JSON document itself, minus
// `schemas` and `meta` (added at serialization): core attributes at the top level, extension
// attributes under their schema URN, attribute names in the schema's canonical casing.
// This module turns POST/PUT bodies into that form (RFC 7644 §3.3, §3.5.1); project-resource.ts
// projects output documents. Pure: no I/O.
import { unstorableText } from "./text";
import { invalidSyntax, invalidValue } from "./errors";
import { isIsoDateTime } from "./filter/date-time";
import {
  coreSchemaOf,
  ENTERPRISE_USER_SCHEMA,
  extensionSchemasOf,
  findAttribute,
  findExtensionUrn,
  getSchema,
  parseAttrName,
  resolveAttribute,
  type AttributeDef,
  type ResourceTypeName,
} from "./schema";

export type ScimDoc = Record<string, unknown>;

/** Longest accepted string value; protects storage and indexes from oversized input. */
export const MAX_STRING_LENGTH = 1024;
/** Base64 X.509 certificates (x509Certificates.value) are larger than ordinary strings. */
export const MAX_BINARY_LENGTH = 16_384;
/** Most values a multi-valued attribute may hold, except Group.members (large groups are normal). */
export const MAX_MULTI_VALUES = 100;

// Keys that would reach Object.prototype when assigned with bracket syntax. Attribute names
// come from the schema, so they can never be one of these; dropping them early keeps it obvious.
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Own enumerable keys of untrusted input, without prototype-pollution keys. */
export function safeKeys(value: Record<string, unknown>): string[] {
  return Object.keys(value).filter((k) => !FORBIDDEN_KEYS.has(k));
}

/** Where an attribute lives: its schema and its definition. */
export interface AttrContext {
  resourceType: ResourceTypeName;
  schemaUrn: string;
  def: AttributeDef;
}

const membersDef = findAttribute(coreSchemaOf("Group").attributes, "members");
// members.type is a closed list (RFC 7643 §4.2: "User" or "Group"); elsewhere canonical values
// are only suggestions (§2.3.1 lets clients send others, e.g. Entra's custom e-mail types).
const closedCanonical = new Set<AttributeDef>(
  [findAttribute(membersDef?.subAttributes, "type")].filter((d): d is AttributeDef => d !== undefined),
);

export function isMembers(ctx: AttrContext): boolean {
  return ctx.resourceType === "Group" && ctx.def === membersDef;
}

export function isManager(ctx: AttrContext): boolean {
  return ctx.schemaUrn === ENTERPRISE_USER_SCHEMA && ctx.def.name === "manager";
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Validates and coerces a single scalar value (RFC 7643 §2.3). Returns undefined for an empty
 * string: Entra sends `""` to mean "clear", so an empty string is treated as unassigned.
 */
export function normalizeScalar(def: AttributeDef, value: unknown, label: string): unknown {
  if (value === "") return undefined;
  switch (def.type) {
    case "string":
    case "reference":
    case "binary": {
      if (typeof value !== "string") throw invalidValue(`${label} must be a string`);
      const unstorable = unstorableText(value);
      if (unstorable) throw invalidValue(`${label} ${unstorable}`);
      const max = def.type === "binary" ? MAX_BINARY_LENGTH : MAX_STRING_LENGTH;
      if (value.length > max) throw invalidValue(`${label} exceeds ${max} characters`);
      if (def.type === "binary" && !BASE64.test(value.replace(/\s+/g, ""))) {
        throw invalidValue(`${label} must be base64-encoded`);
      }
      if (closedCanonical.has(def) && def.canonicalValues) {
        const canonical = def.canonicalValues.find((c) => c.toLowerCase() === value.toLowerCase());
        if (!canonical) throw invalidValue(`${label} must be one of ${def.canonicalValues.join(", ")}`);
        return canonical;
      }
      return value;
    }
    case "boolean": {
      if (typeof value === "boolean") return value;
      // Entra ID (without aadOptscim062020) sends booleans as "True"/"False".
      if (typeof value === "string") {
        const lower = value.trim().toLowerCase();
        if (lower === "true") return true;
        if (lower === "false") return false;
      }
      throw invalidValue(`${label} must be a boolean`);
    }
    case "integer":
      if (typeof value !== "number" || !Number.isSafeInteger(value))
        throw invalidValue(`${label} must be an integer`);
      return value;
    case "decimal":
      if (typeof value !== "number" || !Number.isFinite(value))
        throw invalidValue(`${label} must be a number`);
      return value;
    case "dateTime":
      // RFC 7643 §2.3.5: xsd:dateTime.
      // Same reading as the filter evaluator and SQL compiler, so a stored value is filterable.
      if (typeof value !== "string" || !isIsoDateTime(value)) {
        throw invalidValue(`${label} must be an ISO 8601 date-time`);
      }
      return value;
    case "complex":
      throw invalidValue(`${label} must not be a complex value`);
  }
}

/**
 * Entra ID sends the enterprise manager as a bare id string or, in its legacy form, as
 * `[{"$ref": ..., "value": "<id>"}]`; RFC 7643 §4.3 defines a complex `{ value }`.
 * Returns null for "clear" (empty string, empty array).
 */
export function coerceManagerInput(value: unknown, label: string): unknown {
  if (typeof value === "string") return value.trim() === "" ? null : { value };
  if (Array.isArray(value)) {
    if (value.length === 0) return null;
    if (value.length > 1) throw invalidValue(`${label} must be a single value`);
    return value[0];
  }
  return value;
}

/** Single complex value: known, writable sub-attributes only; undefined when nothing is left. */
export function normalizeComplex(
  def: AttributeDef,
  value: unknown,
  label: string,
): Record<string, unknown> | undefined {
  if (!isPlainObject(value)) throw invalidValue(`${label} must be an object`);
  const out: Record<string, unknown> = {};
  for (const key of safeKeys(value)) {
    const sub = findAttribute(def.subAttributes, key);
    // Unknown sub-attributes and read-only ones (members.display, manager.displayName) are
    // computed by us, never taken from the client (RFC 7644 §3.5.1).
    if (!sub || sub.mutability === "readOnly") continue;
    const raw = value[key];
    if (raw === null || raw === undefined) continue;
    const v = normalizeScalar(sub, raw, `${label}.${sub.name}`);
    if (v !== undefined) out[sub.name] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * An element that lost its identifying part carries no information: an e-mail without `value`
 * (Entra clears `emails[type eq "work"].value` with ""), an address with only `type`.
 */
export function isHollowElement(def: AttributeDef, element: Record<string, unknown>): boolean {
  if (findAttribute(def.subAttributes, "value")) return element.value === undefined;
  return Object.keys(element).every((k) => k === "type" || k === "primary" || k === "display");
}

/** Normalizes one element of a multi-valued attribute; undefined when it carries nothing. */
export function normalizeElement(ctx: AttrContext, value: unknown, label: string): unknown {
  const { def } = ctx;
  if (def.type !== "complex") return normalizeScalar(def, value, label);
  let input = value;
  // A bare value where an element is expected (`"members": ["id"]`, Entra's
  // `"roles": "<JSON-encoded string>"`) is the element's `value`.
  if (typeof input !== "object" && findAttribute(def.subAttributes, "value")) input = { value: input };
  const element = normalizeComplex(def, input, label);
  if (isMembers(ctx) && element?.value === undefined) throw invalidValue(`${label}.value is required`);
  if (!element || isHollowElement(def, element)) return undefined;
  return element;
}

function countPrimary(elements: readonly unknown[]): number {
  return elements.filter((e) => isPlainObject(e) && e.primary === true).length;
}

export function checkMultiValuedLimits(ctx: AttrContext, elements: readonly unknown[], label: string): void {
  if (!isMembers(ctx) && elements.length > MAX_MULTI_VALUES) {
    throw invalidValue(`${label} has more than ${MAX_MULTI_VALUES} values`);
  }
  // RFC 7643 §2.4: primary "true" MUST appear no more than once.
  if (countPrimary(elements) > 1) throw invalidValue(`${label} has more than one primary value`);
}

/**
 * Normalizes a whole attribute value. Returns undefined when the attribute ends up unassigned
 * (null, "", [], an empty complex value) — RFC 7643 §2.5 treats those as the same state.
 */
export function normalizeAttributeValue(ctx: AttrContext, value: unknown, label: string): unknown {
  const { def } = ctx;
  if (value === null || value === undefined) return undefined;
  if (def.multiValued) {
    // A single element where an array is expected is wrapped (lenient, RFC 7644 §3.5.2 shows
    // clients sending single objects).
    const input = Array.isArray(value) ? value : [value];
    if (!isMembers(ctx) && input.length > MAX_MULTI_VALUES) {
      throw invalidValue(`${label} has more than ${MAX_MULTI_VALUES} values`);
    }
    const out: unknown[] = [];
    const seenMembers = new Set<unknown>();
    input.forEach((raw, i) => {
      if (raw === null || raw === undefined) return;
      const element = normalizeElement(ctx, raw, `${label}[${i}]`);
      if (element === undefined) return;
      if (isMembers(ctx) && isPlainObject(element)) {
        // The same member listed twice is one membership.
        if (seenMembers.has(element.value)) return;
        seenMembers.add(element.value);
      }
      out.push(element);
    });
    checkMultiValuedLimits(ctx, out, label);
    return out.length > 0 ? out : undefined;
  }
  if (def.type === "complex") {
    if (isManager(ctx)) {
      const coerced = coerceManagerInput(value, label);
      if (coerced === null) return undefined;
      const manager = normalizeComplex(def, coerced, label);
      // Returned as `{ "value": "<id>" }` (Entra cannot read anything else); $ref and
      // displayName are derived from the id at serialization.
      return manager?.value === undefined ? undefined : { value: manager.value };
    }
    return normalizeComplex(def, value, label);
  }
  return normalizeScalar(def, value, label);
}

export interface NormalizeOptions {
  /**
   * "create" for POST, "replace" for PUT and for re-validating a patched document. Both build a
   * complete document from the body, so omitted attributes are unassigned either way
   * (RFC 7644 §3.5.1); the mode is carried for callers and error wording.
   */
  mode: "create" | "replace";
}

/**
 * The canonical document and the names of the attributes the body carried that Custodian does
 * not know and dropped (RFC 7644 §3.3), for the request log.
 */
export interface NormalizedResource {
  doc: ScimDoc;
  ignored: string[];
}

/**
 * Turns a POST/PUT body (or a patched document) into the canonical internal document.
 * Lenient where identity providers are known to deviate (see /work/shared/scim-compat.md):
 * unknown attributes and schema URNs, read-only attributes and nulls are ignored; string
 * booleans are coerced; single objects for multi-valued attributes are wrapped.
 */
export function normalizeResource(
  resourceType: ResourceTypeName,
  body: unknown,
  options: NormalizeOptions,
): NormalizedResource {
  if (!isPlainObject(body)) {
    throw invalidSyntax(`${options.mode === "create" ? "POST" : "PUT"} body must be a JSON object`);
  }
  const core = coreSchemaOf(resourceType);
  const extensions = extensionSchemasOf(resourceType);
  const values = new Map<string, Record<string, unknown>>([[core.id, {}]]);
  const ignored: string[] = [];
  for (const ext of extensions) values.set(ext.id, {});

  const assign = (schemaUrn: string, def: AttributeDef, raw: unknown, label: string) => {
    // RFC 7644 §3.5.1: readOnly values in a PUT are ignored (Okta PUTs back id, meta, groups).
    if (def.mutability === "readOnly") return;
    // Nulls are "not provided" on POST and "cleared" on PUT — the same state in a fresh document
    // (Entra's legacy bodies carry `"phoneNumbers": null`).
    if (raw === null || raw === undefined) return;
    const target = values.get(schemaUrn);
    if (!target) return;
    const v = normalizeAttributeValue({ resourceType, schemaUrn, def }, raw, label);
    if (v === undefined) delete target[def.name];
    else target[def.name] = v;
  };

  const extensionBodies: Array<[string, Record<string, unknown>]> = [];
  for (const key of safeKeys(body)) {
    if (key.toLowerCase() === "schemas") continue;
    const raw = body[key];
    const extUrn = findExtensionUrn(resourceType, key);
    if (extUrn) {
      if (raw === null) continue;
      if (!isPlainObject(raw)) throw invalidValue(`${extUrn} must be an object`);
      extensionBodies.push([extUrn, raw]);
      continue;
    }
    // Unknown schema URNs (Entra once sent a malformed enterprise URN) and unknown attributes
    // are ignored (RFC 7644 §3.3 lets the service provider drop what it does not support).
    const path = parseAttrName(key);
    const resolved = path && path.subAttr === undefined ? resolveAttribute(resourceType, path) : undefined;
    if (!resolved) {
      ignored.push(key);
      continue;
    }
    assign(resolved.schemaUrn, resolved.def, raw, resolved.def.name);
  }
  // The extension object is the standard place for extension attributes (RFC 7643 §3.3), so it
  // wins over the same attribute sent unqualified at the top level.
  for (const [urn, extBody] of extensionBodies) {
    const schema = getSchema(urn);
    if (!schema) continue;
    for (const key of safeKeys(extBody)) {
      const def = findAttribute(schema.attributes, key);
      if (def) assign(urn, def, extBody[key], `${urn}:${def.name}`);
      else ignored.push(`${urn}:${key}`);
    }
  }

  // Canonical key order (schema order) keeps serialized output stable across writes.
  const doc: ScimDoc = {};
  const coreValues = values.get(core.id) ?? {};
  for (const name of ["id", "externalId", ...core.attributes.map((a) => a.name)]) {
    if (coreValues[name] !== undefined) doc[name] = coreValues[name];
  }
  for (const ext of extensions) {
    const extValues = values.get(ext.id) ?? {};
    const ordered: Record<string, unknown> = {};
    for (const a of ext.attributes) if (extValues[a.name] !== undefined) ordered[a.name] = extValues[a.name];
    if (Object.keys(ordered).length > 0) doc[ext.id] = ordered;
  }

  for (const schema of [core, ...extensions]) {
    for (const a of schema.attributes) {
      if (!a.required) continue;
      const container = schema === core ? doc : doc[schema.id];
      const v = isPlainObject(container) ? container[a.name] : undefined;
      if (v === undefined || (typeof v === "string" && v.trim() === "")) {
        throw invalidValue(`${a.name} is required`);
      }
    }
  }
  return { doc, ignored };
}
