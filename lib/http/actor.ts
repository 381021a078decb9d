// Who made a request, for the audit trail: the same request ids and client address for dashboard
// sessions, API keys and SCIM directories (lib/forwarded.ts and ./client.ts decide them).
import type { Actor } from "@/lib/audit/record";
import { clientAddress } from "@/lib/forwarded";
import { clientRequestIdOf } from "./client";

export function actorOf(who: Omit<Actor, "requestId" | "clientRequestId" | "ip">, request: { request: Request; requestId: string }): Actor {
  return { ...who, requestId: request.requestId, clientRequestId: clientRequestIdOf(request.request), ip: clientAddress(request.request.headers) };
}
