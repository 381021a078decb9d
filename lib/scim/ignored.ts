// Attributes a request carried that Custodian does not know and dropped (RFC 7644 §3.3 lets a
// service provider ignore what it does not support). Normalizing a document and applying a
// PATCH return the names they dropped; the handler adds them to its request's set and the router
// writes them to the request log, so an admin can see what an identity provider sends in vain
// (a mapping to an attribute that does not exist here).

/** Names kept per request; the count is exact. */
const MAX_NAMES = 10;
const MAX_NAME_LENGTH = 100;

/** The request-log columns for the ignored names of a request. */
export function ignoredColumns(names: ReadonlySet<string>): { ignoredCount: number; ignoredAttributes: string | null } {
  const list = [...new Set([...names].map((name) => name.slice(0, MAX_NAME_LENGTH)))];
  return { ignoredCount: list.length, ignoredAttributes: list.length ? list.slice(0, MAX_NAMES).join(",") : null };
}
