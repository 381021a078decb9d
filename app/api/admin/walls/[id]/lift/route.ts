import { liftWallAndCertify } from "@/lib/walls/certificate";
import { idParams, jsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Lifts an active wall: `{ reason }`; answers the wall and its lift certificate (issued and stored once the lift committed). */
export const POST = route({ auth: { permission: "walls:write" }, params: idParams, body: jsonBody }, async ({ db, params, body, actor }) => {
  const { wall, certificate } = await liftWallAndCertify(db, { id: params.id, input: body, actor });
  return Response.json({ ...wall, liftCertificate: certificate });
});
