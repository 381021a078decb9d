import { idParams, route } from "@/lib/http/route";
import { rotateEndpointSecret } from "@/lib/webhooks/service";

export const dynamic = "force-dynamic";

/** A new secret, shown once; the previous one keeps signing for 24 hours. */
export const POST = route({ auth: { permission: "webhooks:manage" }, params: idParams }, async ({ db, params, actor }) =>
  Response.json(await rotateEndpointSecret(db, { id: params.id, actor }), { headers: { "cache-control": "no-store" } }),
);
