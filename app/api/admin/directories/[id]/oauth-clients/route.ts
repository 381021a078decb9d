import { idParams, route } from "@/lib/http/route";
import { adminCreateOAuthClientInput, createDirectoryOAuthClient } from "@/lib/directories/service";
import { listOAuthClientsForAdmin } from "@/lib/directories/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "directories:read" }, params: idParams }, async ({ db, params }) =>
  Response.json(await listOAuthClientsForAdmin(db, params.id)),
);

export const POST = route(
  { auth: { permission: "directories:write" }, params: idParams, body: adminCreateOAuthClientInput },
  async ({ db, params, body, actor }) => {
    const created = await createDirectoryOAuthClient(db, { directoryId: params.id, input: body, actor });
    return Response.json(created, { status: 201, headers: { "cache-control": "no-store" } });
  },
);
