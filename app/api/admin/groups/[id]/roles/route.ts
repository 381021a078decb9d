// Dashboard roles granted to a SCIM group. Changing who administers Custodian is account
// management: accounts:manage (admins only).
import { z } from "zod";
import { getPrisma } from "@/lib/db/client";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { readJsonBody } from "@/lib/http/json-route";
import { ROLES } from "@/lib/auth/permissions";
import { assignRole, unassignRole } from "@/lib/roles/service";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };
const body = z.object({ role: z.enum(ROLES) }).strict();

export const POST = adminRoute<Context>("accounts:manage", async ({ request, context, principal, requestId }) => {
  const { id } = await context.params;
  const { role } = body.parse(await readJsonBody(request));
  const result = await assignRole(await getPrisma(), { input: { groupId: id, role }, actor: actorOf(principal, requestId, request) });
  return Response.json(result, { status: result.created ? 201 : 200 });
});

export const DELETE = adminRoute<Context>("accounts:manage", async ({ request, context, principal, requestId }) => {
  const { id } = await context.params;
  const role = z.enum(ROLES).parse(new URL(request.url).searchParams.get("role"));
  await unassignRole(await getPrisma(), { input: { groupId: id, role }, actor: actorOf(principal, requestId, request) });
  return new Response(null, { status: 204 });
});
