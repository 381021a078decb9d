// Runs before routing, for two jobs:
// - Pages: a per-request Content-Security-Policy with a fresh nonce that Next.js puts on its own
//   scripts (it reads the policy from the request header), so no other script can run.
// - JSON endpoints whose path has percent-escapes: a malformed escape (`/scim/v2/Users/%FF`) would
//   make Next.js's own parameter decoding answer a bare-text 500 before our handler runs; it names
//   no resource, so it gets the endpoint's 404 error JSON here. Other JSON requests never pass
//   through the proxy (it would sit in front of every SCIM body); next.config.js gives them their
//   headers.
import { NextResponse, type NextRequest } from "next/server";
import { HSTS, pageContentSecurityPolicy, servedOverHttps } from "@/lib/http/security-headers.js";

export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (pathname.startsWith("/scim/") || pathname.startsWith("/api/") || pathname.startsWith("/access/")) return undecodablePath(pathname);
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const https = servedOverHttps(request.headers, process.env.NEXTAUTH_URL);
  const policy = pageContentSecurityPolicy({ nonce, dev: process.env.NODE_ENV === "development", https });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  if (https) response.headers.set("strict-transport-security", HSTS);
  return response;
}

function undecodablePath(pathname: string): NextResponse {
  try {
    decodeURIComponent(pathname);
    return NextResponse.next();
  } catch {
    const detail = "No resource at this path (malformed percent-encoding)";
    return pathname.startsWith("/scim/")
      ? NextResponse.json(
          { schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "404", detail },
          { status: 404, headers: { "content-type": "application/scim+json; charset=utf-8" } },
        )
      : NextResponse.json({ error: { code: "not_found", message: detail } }, { status: 404 });
  }
}

export const config = {
  matcher: [
    {
      // AuthZEN's JSON endpoints (/access/, /.well-known/) are no pages either.
      source: "/((?!api/|scim/|access/|\\.well-known/|_next/static|_next/image|favicon.ico).*)",
      // Prefetches are not rendered as documents; they reuse the page's policy.
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
    // Only paths with a percent sign (see above).
    "/(scim|api|access)/(.*%.*)",
  ],
};
