// Per-request Content-Security-Policy for pages: a fresh nonce that Next.js puts on its own
// scripts (it reads the policy from the request header), so no other script can run. JSON
// endpoints and static files are excluded (next.config.js gives them their headers) — the proxy
// would otherwise also sit in front of every SCIM request body.
import { NextResponse, type NextRequest } from "next/server";
import { HSTS, pageContentSecurityPolicy, servedOverHttps } from "@/lib/http/security-headers.js";

export function proxy(request: NextRequest) {
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

export const config = {
  matcher: [
    {
      source: "/((?!api/|scim/|_next/static|_next/image|favicon.ico).*)",
      // Prefetches are not rendered as documents; they reuse the page's policy.
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
