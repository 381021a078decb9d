import { z } from "zod";
import { idParams, route } from "@/lib/http/route";
import { ROLES } from "@/lib/auth/permissions";
import { assignRole, unassignRole } from "@/lib/roles/service";

export const dynamic = "force-dynamic";

// Dashboard roles granted to a SCIM group. Changing who administers Custodian is account
// management: accounts:manage (admins only).

const body = z.object({ role: z.enum(ROLES) }).strict();
const query = z.object({ role: z.enum(ROLES) });

export const POST = route({ auth: { permission: "accounts:manage" }, params: idParams, body }, async ({ db, params, body, actor }) => {
  const result = await assignRole(db, { input: { groupId: params.id, role: body.role }, actor });
  return Response.json(result, { status: result.created ? 201 : 200 });
});

export const DELETE = route({ auth: { permission: "accounts:manage" }, params: idParams, query }, async ({ db, params, query, actor }) => {
  await unassignRole(db, { input: { groupId: params.id, role: query.role }, actor });
  return new Response(null, { status: 204 });
});
