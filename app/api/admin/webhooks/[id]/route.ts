import { idParams, route } from "@/lib/http/route";
import { deleteEndpoint, updateEndpoint, updateEndpointInput } from "@/lib/webhooks/service";

export const dynamic = "force-dynamic";

/** URL, description, events, enabled. */
export const PATCH = route({ auth: { permission: "webhooks:manage" }, params: idParams, body: updateEndpointInput }, async ({ db, params, body, actor }) =>
  Response.json(await updateEndpoint(db, { id: params.id, input: body, actor })),
);

export const DELETE = route({ auth: { permission: "webhooks:manage" }, params: idParams }, async ({ db, params, actor }) => {
  await deleteEndpoint(db, { id: params.id, actor });
  return new Response(null, { status: 204 });
});
