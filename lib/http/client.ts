// Which public URL a request reached, and its request ids — one answer for every surface (JSON
// routes, SCIM, the dashboard). Forwarded host names count only from TRUSTED_PROXIES (lib/forwarded.ts).
import { randomUUID } from "node:crypto";
import { getConfig } from "@/lib/config";
import { fromTrustedProxy, type HeaderSource } from "@/lib/forwarded";

const HOST = /^[a-z0-9.\-:[\]]+$/i;
const first = (value: string | null) => value?.split(",")[0]?.trim() || undefined;

/**
 * The public base URL of the app, without a trailing slash: NEXTAUTH_URL when set; else the host
 * and scheme a trusted proxy forwarded (X-Forwarded-Host, X-Forwarded-Proto); else the Host the
 * request named (with the scheme it reached), else the URL it reached. SCIM locations and references, the OpenAPI server,
 * the SCIM URL shown to admins and the CSRF origin check all use it.
 */
export function publicBaseUrl(request: { headers: HeaderSource; url?: string }): string {
  const configured = getConfig().NEXTAUTH_URL;
  if (configured) return configured.replace(/\/+$/, "");
  const reached = request.url ? new URL(request.url) : undefined;
  if (fromTrustedProxy(request.headers)) {
    const host = first(request.headers.get("x-forwarded-host"));
    const proto = first(request.headers.get("x-forwarded-proto"))?.toLowerCase();
    if (host && HOST.test(host)) return `${proto === "http" || proto === "https" ? proto : (reached?.protocol.slice(0, -1) ?? "https")}://${host}`;
  }
  // The Host the client asked for, not the address Next.js bound: behind a proxy that keeps Host
  // (or when clients call the server by its name) that is the public name, not "localhost".
  const host = request.headers.get("host")?.trim();
  if (host && HOST.test(host)) {
    const scheme = reached?.protocol.slice(0, -1) ?? (/^(localhost|127\.|\[::1\])/.test(host) ? "http" : "https");
    return `${scheme}://${host}`;
  }
  return reached?.origin ?? "http://localhost:3000";
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
