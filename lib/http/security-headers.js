// @ts-check
// Security headers of every response. Plain CommonJS so that next.config.js can require it;
// proxy.ts adds the per-request Content-Security-Policy of pages on top.

/** Headers for every response (pages, API, SCIM, static files). */
const STATIC_SECURITY_HEADERS = [
  // Never framed (clickjacking); `frame-ancestors 'none'` in the CSP says the same to new browsers.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  // Contract, user and rule ids are in our URLs: never send them to another site.
  { key: "Referrer-Policy", value: "no-referrer" },
  {
    key: "Permissions-Policy",
    value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), interest-cohort=()",
  },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

/** JSON endpoints render nothing: the strictest policy. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * API routes that answer printable HTML and set their own policy on every response (a hash-based one
 * for the page, API_CSP otherwise). next.config.js must leave them out of its blanket API_CSP:
 * Next.js keeps a next.config.js header over the same header set by the route, and two policies
 * would both be enforced. Regular expressions relative to /api/, matched as whole paths.
 */
const SELF_POLICED_API_PATHS = ["admin/evidence/export", "admin/erasures/[^/]+/certificate", "admin/walls/[^/]+/certificate", "admin/walls/[^/]+/certificates/[^/]+"];

/** The next.config.js `source` for every API path except SELF_POLICED_API_PATHS. */
const API_CSP_SOURCE = `/api/:path((?!${SELF_POLICED_API_PATHS.map((p) => `${p}$`).join("|")}).*)`;

const HSTS = "max-age=63072000; includeSubDomains";

/**
 * The pages' policy. Scripts only with this request's nonce ('strict-dynamic' lets Next.js's own
 * chunk loader add further scripts); styles may be inline because React and recharts render
 * style attributes server-side (a style cannot run code). Development needs eval for React's
 * debugging tools.
 * @param {{ nonce: string, dev?: boolean, https?: boolean }} options
 */
function pageContentSecurityPolicy({ nonce, dev = false, https = false }) {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/**
 * Whether this request reached us over HTTPS: the reverse proxy says so (X-Forwarded-Proto), or
 * the configured public URL is https. Plain-HTTP deployments (local, tests) get no HSTS.
 * @param {{ get(name: string): string | null }} headers
 * @param {string | undefined} publicUrl
 */
function servedOverHttps(headers, publicUrl) {
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  return proto === "https" || (publicUrl ?? "").toLowerCase().startsWith("https://");
}

module.exports = { STATIC_SECURITY_HEADERS, API_CSP, API_CSP_SOURCE, HSTS, pageContentSecurityPolicy, servedOverHttps };
