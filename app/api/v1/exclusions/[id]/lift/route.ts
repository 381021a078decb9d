import { liftExclusion } from "@/lib/exclusions/service";
import { idParams, jsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Body: `{ justification }`. */
export const POST = route({ auth: { scope: "admin" }, params: idParams, body: jsonBody }, async ({ db, params, body, actor }) =>
  Response.json(await liftExclusion(db, { id: params.id, input: body, actor })),
);
