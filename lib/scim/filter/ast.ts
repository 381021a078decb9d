// AST of RFC 7644 §3.4.2.2 filters and §3.5.2 PATCH paths. Names keep the case they were
// written in; resolution against schema definitions is case-insensitive (RFC 7643 §2.1).

export type CompareOp = "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "ge" | "lt" | "le";

export type FilterValue = string | number | boolean | null;

/** `urn:...:User:name.givenName` → { schema: "urn:...:User", attr: "name", subAttr: "givenName" } */
export interface AttrPath {
  schema?: string;
  attr: string;
  subAttr?: string;
}

export type Filter =
  | { kind: "compare"; path: AttrPath; op: CompareOp; value: FilterValue }
  | { kind: "present"; path: AttrPath }
  | { kind: "and"; left: Filter; right: Filter }
  | { kind: "or"; left: Filter; right: Filter }
  | { kind: "not"; filter: Filter }
  // `emails[type eq "work"]`: `filter` is evaluated against each element of the multi-valued
  // attribute `path`; its own paths are relative to the element (e.g. { attr: "type" }).
  | { kind: "valuePath"; path: AttrPath; filter: Filter };

/** PATCH path: `attrPath`, or `attr[filter]` optionally followed by `.subAttr`. */
export interface PatchPath {
  path: AttrPath;
  valueFilter?: Filter;
  /** Sub-attribute after a value filter: `emails[type eq "work"].value` → "value". */
  subAttr?: string;
}
