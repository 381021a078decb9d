// Route handlers behind the dashboard (app/api/admin/**): the signed-in principal must hold the
// permission for `action` — checked here on the server, whatever the menu shows.
import { requirePermission, type Principal } from "@/lib/auth/principal";
import type { Action } from "@/lib/auth/permissions";
import { jsonRoute } from "./json-route";

export function adminRoute<C>(
  action: Action,
  handler: (args: { request: Request; context: C; principal: Principal; requestId: string }) => Promise<Response>,
) {
  return jsonRoute<C>(async (request, context, requestId) => {
    const principal = await requirePermission(action);
    return handler({ request, context, principal, requestId });
  });
}

/** The audit actor for a dashboard principal. */
export function actorOf(principal: Principal, requestId: string, request: Request) {
  return {
    type: "admin" as const,
    id: principal.id,
    label: principal.email,
    requestId,
    ip: request.headers.get("x-forwarded-for")?.split(",")[0]?.trim(),
  };
}
