// The one If-Match parser (optimistic concurrency): JSON routes and SCIM read the version from the
// same grammar and differ only in what they do with a header that names none.

export type IfMatch = { kind: "absent" } | { kind: "any" } | { kind: "version"; version: number } | { kind: "malformed" };

/**
 * `"3"`, `W/"3"` (or a bare `3`) → version 3; `*` → any. Of a list, the first entry counts: in
 * practice clients send one.
 */
export function parseIfMatch(header: string | null): IfMatch {
  if (header === null || header.trim() === "") return { kind: "absent" };
  if (header.trim() === "*") return { kind: "any" };
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header.split(",")[0]);
  return match ? { kind: "version", version: Number(match[1]) } : { kind: "malformed" };
}
