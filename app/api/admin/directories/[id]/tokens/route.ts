import { idParams, route } from "@/lib/http/route";
import { adminCreateTokenInput, createDirectoryToken } from "@/lib/directories/service";
import { listScimTokensForAdmin } from "@/lib/directories/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "directories:read" }, params: idParams }, async ({ db, params }) =>
  Response.json(await listScimTokensForAdmin(db, params.id)),
);

// The response is the only time the token exists in clear: never cached.
export const POST = route(
  { auth: { permission: "directories:write" }, params: idParams, body: adminCreateTokenInput },
  async ({ db, params, body, actor }) => {
    const created = await createDirectoryToken(db, { directoryId: params.id, input: body, actor });
    return Response.json(created, { status: 201, headers: { "cache-control": "no-store" } });
  },
);
