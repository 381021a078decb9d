// Cross-site request forgery defence for cookie-authenticated writes (the dashboard's JSON routes).
// The session cookie is SameSite=Lax, which a sibling subdomain (same site) or an old browser does
// not stop, and a page on another site can still send a form or a no-cors fetch without a
// preflight. So, as Go's http.CrossOriginProtection and Rails' origin check do: a browser's
// `Sec-Fetch-Site` must say same-origin (or none: typed by the user); without it, an `Origin`, when
// sent, must be this app's. And the body must be of a type a cross-site form cannot send
// (application/json, or what the route declares, e.g. text/csv) — so even a browser that sends
// neither header cannot forge a write. Bearer-token routes (/api/v1, SCIM) carry no cookie and are
// not checked; next-auth's own routes have their CSRF token.
import { AppError } from "@/lib/errors";
import { publicOrigin } from "./client";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
export const JSON_ONLY = ["application/json"] as const;

export function refuseCrossSite(request: Request, accepts: readonly string[] = JSON_ONLY): void {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return;
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) {
    if (site !== "same-origin" && site !== "none") throw new AppError("forbidden", `Cross-site request refused (Sec-Fetch-Site: ${site.slice(0, 20)})`);
  } else {
    const origin = request.headers.get("origin");
    if (origin !== null && !allowedOrigins(request).has(origin.toLowerCase())) throw new AppError("forbidden", "Cross-site request refused (Origin)");
  }
  const type = request.headers.get("content-type");
  if (type === null) {
    // No declared type is fine only without a body (a DELETE, a POST that sends nothing).
    if (Number(request.headers.get("content-length") ?? 0) > 0 || request.headers.has("transfer-encoding")) {
      throw new AppError("unsupported_media_type", `A body must be sent as ${accepts.join(" or ")}`);
    }
    return;
  }
  const media = type.split(";")[0].trim().toLowerCase();
  if (!accepts.includes(media)) throw new AppError("unsupported_media_type", `A body must be sent as ${accepts.join(" or ")}, not ${media.slice(0, 60)}`);
}

/** This app's origins: the public one (NEXTAUTH_URL or a trusted proxy's) and the one the request reached. */
function allowedOrigins(request: Request): Set<string> {
  const url = new URL(request.url);
  const host = request.headers.get("host");
  return new Set(
    [publicOrigin(request), url.origin, host ? `${url.protocol}//${host}` : undefined].filter((o): o is string => !!o).map((o) => o.toLowerCase()),
  );
}
