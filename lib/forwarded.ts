// Who connected, decided once for every surface (JSON routes, SCIM, sign-in): the client's
// address from X-Forwarded-For, believed only as far as TRUSTED_PROXIES allow.
//
// Next.js gives route handlers no socket address; its server only fills X-Forwarded-For with it
// when the request carried none, and keeps a client's own. So the server appends the socket address
// to X-Forwarded-For itself, before Next.js sees the request (lib/http/peer-address.ts, installed by
// instrumentation.ts), as a reverse proxy does: the rightmost entry is then always the peer that
// connected, and each entry to its left was written by the hop to its right. Walking from the right
// past trusted proxies finds the client (the "rightmost untrusted" rule of nginx's
// real_ip_recursive and Rails' RemoteIp). In the kernel because sign-in (lib/auth) and the route
// wrapper (lib/http) both need it.
import { isIP, type BlockList } from "node:net";
import { getConfig, parseTrustedProxies } from "@/lib/config";

export interface HeaderSource {
  get(name: string): string | null;
}

let proxies: { value: string | undefined; list: BlockList } | undefined;
function trustedProxies(): BlockList | undefined {
  const value = getConfig().TRUSTED_PROXIES;
  if (value === undefined) return undefined;
  if (proxies?.value !== value) proxies = { value, list: parseTrustedProxies(value) };
  return proxies.list;
}

/** An address as compared and recorded: IPv4-mapped IPv6 (::ffff:a.b.c.d) as the IPv4 address. */
function normalised(entry: string): string | undefined {
  const address = entry.trim().replace(/^\[(.*)\](:\d+)?$/, "$1");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  return isIP(address) ? address.toLowerCase() : undefined;
}

function isTrusted(list: BlockList, address: string): boolean {
  return list.check(address, isIP(address) === 4 ? "ipv4" : "ipv6");
}

/** Headers given as a plain object (next-auth's `req.headers`), read like a Headers object. */
export function nodeHeaders(record: Record<string, unknown> | undefined): HeaderSource {
  return {
    get: (name) => {
      const value = record?.[name.toLowerCase()];
      return typeof value === "string" ? value : Array.isArray(value) ? value.join(", ") : null;
    },
  };
}

/** The X-Forwarded-For hops, left to right; the last one is the peer that connected. */
function hops(headers: HeaderSource): string[] {
  return (headers.get("x-forwarded-for") ?? "").split(",").map((h) => h.trim()).filter(Boolean);
}

/**
 * The client's IP address: the peer that connected, or — when that peer is a trusted proxy — the
 * rightmost address the trusted proxies were given. Undefined when it is not an IP address.
 */
export function clientAddress(headers: HeaderSource): string | undefined {
  const list = hops(headers);
  const trusted = trustedProxies();
  for (let i = list.length - 1; i >= 0; i--) {
    const address = normalised(list[i]);
    if (!address) return undefined;
    if (!trusted || !isTrusted(trusted, address) || i === 0) return address;
  }
  return undefined;
}

/** Whether the peer that connected is one of TRUSTED_PROXIES (so its X-Forwarded-* count). */
export function fromTrustedProxy(headers: HeaderSource): boolean {
  const trusted = trustedProxies();
  const peer = normalised(hops(headers).at(-1) ?? "");
  return !!trusted && !!peer && isTrusted(trusted, peer);
}
