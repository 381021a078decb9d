// Verified SCIM credentials, remembered for a few seconds so that authenticating a SCIM request
// costs no database round trip (it was one query per request, the largest share of a cheap
// request's time). Only successful look-ups are kept, keyed by the token's SHA-256 (never the
// secret) or the OAuth client id, so the map holds at most one entry per live credential.
//
// Revocation semantics (DESIGN.md §1: instances share nothing that correctness depends on):
// - on the instance that revokes a credential, forgetCredential() runs after the revocation
//   commits, and a look-up that started before it is not stored: refused at once;
// - on every other instance the entry expires after SCIM_CREDENTIAL_CACHE_SECONDS (default 5),
//   so a revocation, an expiry date moved earlier, or a directory's new rate limit takes effect
//   there within that bound. 0 turns the cache off (every request reads the database).
// An expiry date is checked on every request against the remembered value, so a token expires
// on time on every instance.
import { getConfig } from "@/lib/config";

export interface CachedCredential<P> {
  principal: P;
  /** When the credential itself stops being valid (ms since epoch), or null. */
  expiresAt: number | null;
  /** The stored lastUsedAt (ms since epoch), or null: it is refreshed at most once a minute. */
  lastUsedAt: number | null;
}

interface Entry {
  value: CachedCredential<unknown>;
  checkedAt: number;
}

const MAX_ENTRIES = 10_000;

// On globalThis: Next.js may instantiate this module once per route bundle; the admin route that
// revokes and the SCIM route that authenticates must see one cache.
const state = ((globalThis as unknown as { __custodianCredentialCache?: { entries: Map<string, Entry>; generation: number } })
  .__custodianCredentialCache ??= { entries: new Map(), generation: 0 });

const ttlMs = () => getConfig().SCIM_CREDENTIAL_CACHE_SECONDS * 1000;

export const bearerKey = (tokenHash: string) => `token:${tokenHash}`;
export const oauthClientKey = (clientId: string) => `oauth:${clientId}`;

/** The remembered credential, if it was verified against the database less than the TTL ago. */
export function cachedCredential<P>(key: string, now = Date.now()): CachedCredential<P> | undefined {
  const entry = state.entries.get(key);
  if (!entry) return undefined;
  if (now - entry.checkedAt >= ttlMs()) {
    state.entries.delete(key);
    return undefined;
  }
  return entry.value as CachedCredential<P>;
}

/** Marks the start of a database look-up: pass the result to rememberCredential. */
export function credentialGeneration(): number {
  return state.generation;
}

/** Keeps a credential verified against the database — unless one was forgotten since `generation`. */
export function rememberCredential<P>(key: string, value: CachedCredential<P>, generation: number, now = Date.now()): void {
  if (ttlMs() === 0 || generation !== state.generation) return;
  if (state.entries.size >= MAX_ENTRIES) state.entries.clear();
  state.entries.set(key, { value, checkedAt: now });
}

/** After a revocation commits: this instance refuses the credential from now on. */
export function forgetCredential(key: string): void {
  state.generation++;
  state.entries.delete(key);
}

export function clearCredentialCache(): void {
  state.generation++;
  state.entries.clear();
}
