// @ts-check
// eslint-disable-next-line @typescript-eslint/no-require-imports -- next.config.js is CommonJS
const { API_CSP, API_CSP_SOURCE, HSTS, STATIC_SECURITY_HEADERS } = require("./lib/http/security-headers.js");

/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite and pg must be loaded by Node at run time, not bundled (PGlite ships WASM + data files);
  // so is nodemailer (Node's net/tls/dns, loaded only when SMTP_URL is set).
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "pg", "@prisma/adapter-pg", "nodemailer"],
  poweredByHeader: false,
  typescript: { ignoreBuildErrors: false },
  async headers() {
    const httpsOnly = [{ type: /** @type {const} */ ("header"), key: "x-forwarded-proto", value: "(?:https|HTTPS)(?:,.*)?" }];
    return [
      { source: "/:path*", headers: STATIC_SECURITY_HEADERS },
      // Pages get their nonce-based policy from proxy.ts; JSON endpoints this one (the printable
      // HTML routes set their own, see SELF_POLICED_API_PATHS).
      { source: API_CSP_SOURCE, headers: [{ key: "Content-Security-Policy", value: API_CSP }] },
      { source: "/scim/:path*", headers: [{ key: "Content-Security-Policy", value: API_CSP }] },
      { source: "/access/:path*", headers: [{ key: "Content-Security-Policy", value: API_CSP }] },
      { source: "/.well-known/:path*", headers: [{ key: "Content-Security-Policy", value: API_CSP }] },
      // HSTS only when the request came over HTTPS (set by the TLS-terminating proxy); proxy.ts
      // also sends it on pages when NEXTAUTH_URL is https.
      { source: "/:path*", has: httpsOnly, headers: [{ key: "Strict-Transport-Security", value: HSTS }] },
    ];
  },
};

module.exports = nextConfig;
