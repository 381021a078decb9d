import { acknowledgeWall } from "@/lib/walls/service";
import { idParams, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The signed-in person acknowledges the wall's memo (themselves; an admin on their behalf uses /api/admin/walls/{id}/acknowledgments). */
export const POST = route({ auth: { reviewer: true }, params: idParams }, async ({ db, params, reviewer, actor }) => {
  const result = await acknowledgeWall(db, { id: params.id, userId: reviewer.personId, actor });
  return Response.json(result, { status: result.created ? 201 : 200 });
});
