import { idParams, route } from "@/lib/http/route";
import { eraseUser } from "@/lib/users/service";

export const dynamic = "force-dynamic";

// GDPR erasure of a user (admins): deletes a user still provisioned, erases their personal data.
export const POST = route({ auth: { permission: "users:erase" }, params: idParams }, async ({ db, params, actor }) =>
  Response.json(await eraseUser(db, { id: params.id, actor })),
);
