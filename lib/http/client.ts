// Who is calling and where from, decided once for every surface (JSON routes, SCIM, sign-in,
// dashboard pages): the client's address, the public URL the client reached, and request ids.
//
// Forwarded headers are believed only from TRUSTED_PROXIES. Next.js gives route handlers no socket
// address; its server only fills X-Forwarded-For with it when the request carried none, and keeps a
// client's own. So the server appends the socket address to X-Forwarded-For itself, before Next.js
// sees the request (./peer-address.ts, installed by instrumentation.ts), as a reverse proxy does:
// the rightmost entry is then always the peer that connected, and each entry to its left was
// written by the hop to its right. Walking from the right past trusted proxies finds the client
// (the "rightmost untrusted" rule of nginx's real_ip_recursive and Rails' RemoteIp).
import { randomUUID } from "node:crypto";
import { isIP, type BlockList } from "node:net";
import { getConfig, parseTrustedProxies } from "@/lib/config";

interface HeaderSource {
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
function fromTrustedProxy(headers: HeaderSource): boolean {
  const trusted = trustedProxies();
  const peer = normalised(hops(headers).at(-1) ?? "");
  return !!trusted && !!peer && isTrusted(trusted, peer);
}

const first = (value: string | null) => value?.split(",")[0]?.trim() || undefined;

/**
 * The public base URL of the app, without a trailing slash: NEXTAUTH_URL when set; else the host
 * and scheme a trusted proxy forwarded (X-Forwarded-Host, X-Forwarded-Proto); else the URL the
 * request reached (`url`, or the Host header). SCIM locations and references, the OpenAPI server,
 * the SCIM URL shown to admins and the CSRF origin check all use it.
 */
export function publicBaseUrl(request: { headers: HeaderSource; url?: string }): string {
  const configured = getConfig().NEXTAUTH_URL;
  if (configured) return configured.replace(/\/+$/, "");
  const reached = request.url ? new URL(request.url) : undefined;
  if (fromTrustedProxy(request.headers)) {
    const host = first(request.headers.get("x-forwarded-host"));
    const proto = first(request.headers.get("x-forwarded-proto"))?.toLowerCase();
    if (host && /^[a-z0-9.\-:[\]]+$/i.test(host)) return `${proto === "http" || proto === "https" ? proto : (reached?.protocol.slice(0, -1) ?? "https")}://${host}`;
  }
  if (reached) return reached.origin;
  const host = request.headers.get("host") ?? "localhost:3000";
  return `${/^(localhost|127\.|\[::1\])/.test(host) ? "http" : "https"}://${host}`;
}

/** The origin (scheme, host, port) of the public base URL. */
export function publicOrigin(request: { headers: HeaderSource; url?: string }): string {
  return new URL(publicBaseUrl(request)).origin;
}

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A fresh request id: always the server's own, so two requests never share one. */
export function newRequestId(): string {
  return randomUUID();
}

/** The caller's own X-Request-Id, when it sent a sane one: kept beside ours, never instead of it. */
export function clientRequestIdOf(request: { headers: HeaderSource }): string | undefined {
  const given = request.headers.get("x-request-id");
  return given && SANE_ID.test(given) ? given : undefined;
}
