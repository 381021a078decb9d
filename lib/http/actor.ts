// Who made a request, for the audit trail: the same request id and client IP for dashboard
// sessions, API keys and SCIM directories.
import type { Actor } from "@/lib/audit/record";

/** The first X-Forwarded-For hop (else X-Real-IP), at most 64 characters; absent when empty. */
export function clientIp(request: Request): string | undefined {
  const forwarded = request.headers.get("x-forwarded-for");
  return (forwarded?.split(",")[0] ?? request.headers.get("x-real-ip") ?? undefined)?.trim().slice(0, 64) || undefined;
}

export function actorOf(who: Omit<Actor, "requestId" | "ip">, request: { request: Request; requestId: string }): Actor {
  return { ...who, requestId: request.requestId, ip: clientIp(request.request) };
}
