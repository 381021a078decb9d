// The dashboard's one query-key factory (client side). A key is the admin API URL it reads: the
// path under /api/admin split into segments, then the query string when there is one. So a path
// prefix names everything read below it — ["contracts"] every contract list, detail and type
// list; ["groups", id] one group and its members and access — and a mutation invalidates exactly
// the prefixes it changes (`affected`), never the whole cache.

import type { QueryClient } from "@tanstack/react-query";

const PREFIX = "/api/admin/";

/** The key of a GET under /api/admin (`url` with or without its query string). */
export function adminKey(url: string): readonly string[] {
  const [path, query] = url.split("?", 2);
  const segments = (path.startsWith(PREFIX) ? path.slice(PREFIX.length) : path).split("/").filter(Boolean);
  return query ? [...segments, `?${query}`] : segments;
}

/** What each kind of change makes stale, as key prefixes (every write also adds to the audit trail). */
export const affected = {
  /** Who can open what: every view that answers it or counts it. */
  access: [["access"], ["users"], ["groups"], ["overview"], ["evidence"], ["audit"]],
  /** A repository's name, owner or description (contract views carry its name). */
  repository: [["repositories"], ["contracts"], ["rules"], ["access"], ["evidence"], ["overview"], ["audit"]],
  /** Contracts (their repository, type, confidentiality or end date decide access). */
  contract: [["contracts"], ["repositories"], ["rules"], ["access"], ["users"], ["groups"], ["overview"], ["evidence"], ["audit"]],
  /** Access rules. */
  rule: [["rules"], ["contracts"], ["repositories"], ["access"], ["users"], ["groups"], ["overview"], ["evidence"], ["audit"]],
} as const;

/** Marks stale (and refetches what is on screen) everything below the given prefixes. */
export async function invalidatePrefixes(client: QueryClient, prefixes: readonly (readonly string[])[]): Promise<void> {
  await Promise.all(prefixes.map((queryKey) => client.invalidateQueries({ queryKey })));
}
