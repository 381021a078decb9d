// Projects output documents for `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9):
// which attributes a response carries, given their `returned` characteristic. Pure: no I/O.
import {
  attrPath,
  commonAttributes,
  coreSchemaOf,
  extensionSchemasOf,
  findAttribute,
  findExtensionUrn,
  parseAttrName,
  resolveAttribute,
  schemasOf,
  type AttributeDef,
  type ResourceTypeName,
} from "./schema";
import { isPlainObject, safeKeys } from "./normalize-resource";

export interface ProjectionOptions {
  attributes?: string[];
  excludedAttributes?: string[];
}

interface Selection {
  schemas: Set<string>;
  whole: Set<string>;
  subs: Map<string, Set<string>>;
}

const selectionKey = (schemaUrn: string, name: string) => `${schemaUrn}|${name}`;

function parseSelection(resourceType: ResourceTypeName, names: string[] | undefined): Selection | undefined {
  if (!names) return undefined;
  const selection: Selection = { schemas: new Set(), whole: new Set(), subs: new Map() };
  let named = false;
  // Query parameters arrive comma-separated (RFC 7644 §3.4.2.5); accept either form.
  for (const name of names.flatMap((n) => n.split(",")).map((n) => n.trim())) {
    if (name === "") continue;
    named = true;
    const schema = schemasOf(resourceType).find((s) => s.id.toLowerCase() === name.toLowerCase());
    if (schema) {
      selection.schemas.add(schema.id);
      continue;
    }
    const path = parseAttrName(name);
    const resolved = path && resolveAttribute(resourceType, path);
    // Unknown names select nothing; the RFC defines no error for them.
    if (!resolved) continue;
    const key = selectionKey(resolved.schemaUrn, resolved.def.name);
    if (resolved.sub) {
      const set = selection.subs.get(key) ?? new Set<string>();
      set.add(resolved.sub.name);
      selection.subs.set(key, set);
    } else {
      selection.whole.add(key);
    }
  }
  return named ? selection : undefined;
}

type Decision = { include: false } | { include: true; keepSubs?: Set<string>; dropSubs?: Set<string> };

function decide(
  schemaUrn: string,
  def: AttributeDef,
  inc: Selection | undefined,
  exc: Selection | undefined,
): Decision {
  if (def.returned === "never") return { include: false };
  if (def.returned === "always") return { include: true };
  const key = selectionKey(schemaUrn, def.name);
  let keepSubs: Set<string> | undefined;
  if (inc) {
    if (!inc.whole.has(key) && !inc.schemas.has(schemaUrn)) {
      keepSubs = inc.subs.get(key);
      if (!keepSubs) return { include: false };
    }
  } else if (def.returned === "request") {
    return { include: false };
  }
  // excludedAttributes "SHALL have no effect on attributes whose returned is always".
  if (exc && (exc.whole.has(key) || exc.schemas.has(schemaUrn))) return { include: false };
  const dropSubs = exc?.subs.get(key);
  return { include: true, ...(keepSubs ? { keepSubs } : {}), ...(dropSubs ? { dropSubs } : {}) };
}

function projectComplex(
  def: AttributeDef,
  value: Record<string, unknown>,
  keepSubs?: Set<string>,
  dropSubs?: Set<string>,
) {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const sub = findAttribute(def.subAttributes, key);
    if (sub) {
      if (sub.returned === "never") continue;
      if (sub.returned !== "always") {
        if (keepSubs ? !keepSubs.has(sub.name) : sub.returned === "request") continue;
        if (dropSubs?.has(sub.name)) continue;
      }
    } else if (keepSubs) {
      continue;
    }
    out[key] = value[key];
  }
  return out;
}

function projectValue(def: AttributeDef, value: unknown, d: Decision & { include: true }): unknown {
  if (def.type !== "complex") return value;
  if (def.multiValued && Array.isArray(value)) {
    const elements = value
      .map((e) => (isPlainObject(e) ? projectComplex(def, e, d.keepSubs, d.dropSubs) : e))
      .filter((e) => !isPlainObject(e) || Object.keys(e).length > 0);
    return elements.length > 0 ? elements : undefined;
  }
  if (isPlainObject(value)) {
    const out = projectComplex(def, value, d.keepSubs, d.dropSubs);
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value;
}

function projectOne(
  schemaUrn: string,
  attributes: readonly AttributeDef[],
  key: string,
  value: unknown,
  inc: Selection | undefined,
  exc: Selection | undefined,
  out: Record<string, unknown>,
): void {
  const def = findAttribute(attributes, key);
  if (!def) {
    // Not in the schema: nothing to decide on, so only the unprojected default keeps it.
    if (!inc) out[key] = value;
    return;
  }
  const d = decide(schemaUrn, def, inc, exc);
  if (!d.include) return;
  const v = projectValue(def, value, d);
  if (v !== undefined) out[key] = v;
}

/**
 * Per resource type, the top-level core attributes the default projection drops (`returned:
 * never`) — or undefined when the schema has any other attribute whose default projection is not
 * "keep as is" (a `never` or `request` sub-attribute or extension attribute), which takes the
 * full projection.
 */
const DEFAULT_PROJECTION_DROPS: Record<ResourceTypeName, string[] | undefined> = (() => {
  const notDefault = (a: AttributeDef) => a.returned === "never" || a.returned === "request";
  const nested = (defs: readonly AttributeDef[]): boolean => defs.some((a) => (a.subAttributes ?? []).some((s) => notDefault(s) || nested([s])));
  const of = (t: ResourceTypeName) => {
    const core = [...commonAttributes, ...coreSchemaOf(t).attributes];
    const extensions = extensionSchemasOf(t).flatMap((e) => e.attributes);
    if (nested(core) || extensions.some((a) => notDefault(a) || nested([a])) || core.some((a) => a.returned === "request")) return undefined;
    return core.filter((a) => a.returned === "never").map((a) => a.name.toLowerCase());
  };
  return { User: of("User"), Group: of("Group") };
})();

/**
 * Applies `attributes` / `excludedAttributes` to a full output document (with `schemas`, `id`,
 * `meta`). `returned: "never"` attributes (password) are always dropped, `always` ones (id,
 * userName) always kept, `request` ones only when named. Both lists may be given: `attributes`
 * selects, then `excludedAttributes` removes.
 */
export function projectResource(
  resourceType: ResourceTypeName,
  doc: Record<string, unknown>,
  options: ProjectionOptions,
): Record<string, unknown> {
  // No attributes asked for (nearly every identity-provider request): the default projection only
  // drops the never-returned top-level attributes, when those are the only non-default ones, and
  // empty multi-valued attributes.
  if (!options.attributes && !options.excludedAttributes && DEFAULT_PROJECTION_DROPS[resourceType]) {
    const drops = DEFAULT_PROJECTION_DROPS[resourceType];
    const empty = (value: unknown) => (Array.isArray(value) ? value.length === 0 || value.some(empty) : isPlainObject(value) && Object.keys(value).length === 0);
    const unchanged = Object.entries(doc).every(([key, value]) => !drops.includes(key.toLowerCase()) && !empty(value) && !(isPlainObject(value) && Object.values(value).some(empty)));
    if (unchanged) return doc;
  }
  const inc = parseSelection(resourceType, options.attributes);
  const exc = parseSelection(resourceType, options.excludedAttributes);
  const core = coreSchemaOf(resourceType);
  const extensions = extensionSchemasOf(resourceType);
  const coreDefs = [...commonAttributes, ...core.attributes];
  const out: Record<string, unknown> = {};
  for (const key of safeKeys(doc)) {
    const value = doc[key];
    if (key === "schemas") {
      out.schemas = value;
      continue;
    }
    const ext = extensions.find((e) => e.id === findExtensionUrn(resourceType, key));
    if (ext && isPlainObject(value)) {
      const projected: Record<string, unknown> = {};
      for (const k of safeKeys(value)) projectOne(ext.id, ext.attributes, k, value[k], inc, exc, projected);
      if (Object.keys(projected).length > 0) out[key] = projected;
      continue;
    }
    projectOne(core.id, coreDefs, key, value, inc, exc, out);
  }
  return out;
}

/**
 * Whether any part of a top-level attribute would survive projection, so a service can skip
 * loading it — e.g. the members of a 100,000-member group read by Entra with
 * `excludedAttributes=members`.
 */
export function isAttributeReturned(
  resourceType: ResourceTypeName,
  name: string,
  options: ProjectionOptions,
): boolean {
  const path = parseAttrName(name);
  const resolved = path && resolveAttribute(resourceType, attrPath(path.schema, path.attr));
  if (!resolved) return false;
  return decide(
    resolved.schemaUrn,
    resolved.def,
    parseSelection(resourceType, options.attributes),
    parseSelection(resourceType, options.excludedAttributes),
  ).include;
}
