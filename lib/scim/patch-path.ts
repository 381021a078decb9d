// PATCH paths (RFC 7644 §3.5.2): what an operation's `path` addresses in a resource's schema —
// an attribute, a sub-attribute, elements selected by a value filter, or a whole extension.
// Pure: no I/O.
import { invalidPath } from "./errors";
import type { Filter, PatchPath } from "./filter/ast";
import { matchesFilter } from "./filter/evaluate-filter";
import { parsePatchPath } from "./filter/parse-filter";
import { isPlainObject, normalizeScalar } from "./normalize-resource";
import { attrPath, findAttribute, findExtensionUrn, resolveAttribute, type AttributeDef, type ResourceTypeName } from "./schema";

export interface Target {
  schemaUrn: string;
  def: AttributeDef;
  /** `name.givenName`, or the part after a value filter: `emails[type eq "work"].value`. */
  sub?: AttributeDef;
  /** Value filter with sub-attribute names in canonical case and boolean literals coerced. */
  filter?: Filter;
  label: string;
}

export type ResolvedTarget = { kind: "attribute"; target: Target } | { kind: "extension"; schemaUrn: string };

export function resolveTarget(resourceType: ResourceTypeName, pathText: string): ResolvedTarget {
  // A bare extension URN addresses the whole extension object (some clients add
  // `{"path": "urn:…:enterprise:2.0:User", "value": {"department": "x"}}`).
  const extUrn = findExtensionUrn(resourceType, pathText);
  if (extUrn) return { kind: "extension", schemaUrn: extUrn };
  const parsed: PatchPath = parsePatchPath(pathText);
  const resolved = resolveAttribute(resourceType, attrPath(parsed.path.schema, parsed.path.attr));
  if (!resolved) throw invalidPath(`"${pathText}" is not an attribute of ${resourceType}.`);
  const { def } = resolved;
  const subName = parsed.path.subAttr ?? parsed.subAttr;
  let sub: AttributeDef | undefined;
  if (subName !== undefined) {
    sub = findAttribute(def.subAttributes, subName);
    if (!sub) throw invalidPath(`"${pathText}": ${def.name} has no sub-attribute "${subName}".`);
  }
  const target: Target = { schemaUrn: resolved.schemaUrn, def, label: pathText };
  if (sub) target.sub = sub;
  if (parsed.valueFilter) {
    if (!def.multiValued || def.type !== "complex") {
      throw invalidPath(`"${pathText}": a value filter needs a multi-valued complex attribute.`);
    }
    if (parsed.path.subAttr !== undefined) throw invalidPath(`"${pathText}" is not a valid path.`);
    target.filter = canonicalizeFilter(def, parsed.valueFilter, pathText);
  }
  return { kind: "attribute", target };
}

/**
 * Rewrites filter paths to the schema's sub-attribute names and turns Entra's "True"/"False"
 * literals into booleans for boolean sub-attributes (`roles[primary eq "True"]`), so that
 * matching and element creation see typed values.
 */
function canonicalizeFilter(def: AttributeDef, filter: Filter, pathText: string): Filter {
  const subOf = (path: { schema?: string; attr: string; subAttr?: string }) => {
    const sub =
      path.schema === undefined && path.subAttr === undefined
        ? findAttribute(def.subAttributes, path.attr)
        : undefined;
    if (!sub) throw invalidPath(`"${pathText}": ${def.name} has no sub-attribute "${path.attr}".`);
    return sub;
  };
  switch (filter.kind) {
    case "and":
    case "or":
      return {
        kind: filter.kind,
        left: canonicalizeFilter(def, filter.left, pathText),
        right: canonicalizeFilter(def, filter.right, pathText),
      };
    case "not":
      return { kind: "not", filter: canonicalizeFilter(def, filter.filter, pathText) };
    case "present":
      return { kind: "present", path: { attr: subOf(filter.path).name } };
    case "compare": {
      const sub = subOf(filter.path);
      let value = filter.value;
      if (sub.type === "boolean" && typeof value === "string") {
        const lower = value.trim().toLowerCase();
        if (lower === "true" || lower === "false") value = lower === "true";
      }
      return { kind: "compare", path: { attr: sub.name }, op: filter.op, value };
    }
    case "valuePath":
      throw invalidPath(`"${pathText}": nested value filters are not supported.`);
  }
}

export function matches(def: AttributeDef, filter: Filter, element: unknown): element is Record<string, unknown> {
  if (!isPlainObject(element)) return false;
  return matchesFilter(filter, element, {
    isCaseExact: (name) => findAttribute(def.subAttributes, name)?.caseExact ?? false,
  });
}

/**
 * For `emails[type eq "work"].value` with no work e-mail, Entra expects the element to be created
 * from the filter's equality terms. Only `eq` terms joined by `and` describe a new element.
 */
export function elementFromFilter(
  def: AttributeDef,
  filter: Filter,
  label: string,
): Record<string, unknown> | undefined {
  if (filter.kind === "compare" && filter.op === "eq" && filter.value !== null) {
    const sub = findAttribute(def.subAttributes, filter.path.attr);
    if (!sub) return undefined;
    const value = normalizeScalar(sub, filter.value, `${label}: ${sub.name}`);
    const out: Record<string, unknown> = {};
    if (value !== undefined) out[sub.name] = value;
    return out;
  }
  if (filter.kind === "and") {
    const left = elementFromFilter(def, filter.left, label);
    const right = elementFromFilter(def, filter.right, label);
    if (!left || !right) return undefined;
    for (const key of Object.keys(right)) {
      if (key in left && left[key] !== right[key]) return undefined;
      left[key] = right[key];
    }
    return left;
  }
  return undefined;
}
