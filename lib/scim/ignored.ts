// Attributes a request carried that Custodian does not know and dropped (RFC 7644 §3.3 lets a
// service provider ignore what it does not support). The pure SCIM code notes them here; the
// router collects them per request into the request log, so an admin can see what an identity
// provider sends in vain (a mapping to an attribute that does not exist here). Outside a
// collecting scope (unit tests of the pure code) noting is a no-op.
import { AsyncLocalStorage } from "node:async_hooks";

const scope = new AsyncLocalStorage<Set<string>>();
/** Names kept per request; the count is exact. */
const MAX_NAMES = 10;
const MAX_NAME_LENGTH = 100;

export function noteIgnoredAttribute(name: string): void {
  const names = scope.getStore();
  if (names) names.add(name.slice(0, MAX_NAME_LENGTH));
}

/** Runs `fn`, adding what it ignores to `names` (kept when `fn` throws, too). */
export function collectIgnored<T>(names: Set<string>, fn: () => T): T {
  return scope.run(names, fn);
}

/** The request-log columns for the ignored names of a request. */
export function ignoredColumns(names: Set<string>): { ignoredCount: number; ignoredAttributes: string | null } {
  const list = [...names];
  return { ignoredCount: list.length, ignoredAttributes: list.length ? list.slice(0, MAX_NAMES).join(",") : null };
}
