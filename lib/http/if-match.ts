// The one If-Match parser (optimistic concurrency): JSON routes and SCIM read the version from the
// same grammar and differ only in their policy for the rest (see each caller).

export type IfMatch =
  | { kind: "absent" }
  | { kind: "any" }
  /** `quoted`: an entity-tag as RFC 9110 writes it; `list`: the header named more than one tag. */
  | { kind: "version"; version: number; quoted: boolean; list: boolean }
  | { kind: "malformed" };

/**
 * `"3"` or `W/"3"` (or a bare `3`) → version 3; `*` → any; of a list the first entry is read and
 * `list` says there were more. An empty header or an unbalanced quote is malformed.
 */
export function parseIfMatch(header: string | null): IfMatch {
  if (header === null) return { kind: "absent" };
  const first = header.split(",")[0].trim();
  if (first === "*") return { kind: "any" };
  const match = /^(?:W\/)?(?:"(\d{1,9})"|(\d{1,9}))$/.exec(first);
  if (!match) return { kind: "malformed" };
  return { kind: "version", version: Number(match[1] ?? match[2]), quoted: match[1] !== undefined, list: header.includes(",") };
}
