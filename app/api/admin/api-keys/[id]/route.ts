import { revokeApiKey } from "@/lib/api-keys/service";
import { idParams, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Revokes the key (kept, marked revoked: it explains the audit events it caused). */
export const DELETE = route({ auth: { permission: "api-keys:manage" }, params: idParams }, async ({ db, params, actor }) =>
  Response.json(await revokeApiKey(db, { id: params.id, actor })),
);
