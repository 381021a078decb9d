import { idParams, route } from "@/lib/http/route";
import { reviewAccess } from "@/lib/access-review/queries";

export const dynamic = "force-dynamic";

/** The person's effective contract access with reasons (optionally at a past instant `at`). */
export const GET = route({ auth: { permission: "users:read" }, params: idParams }, async ({ db, params, query }) =>
  Response.json(await reviewAccess(db, { ...query, subject: "user", id: params.id })),
);
