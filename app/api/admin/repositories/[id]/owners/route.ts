import { z } from "zod";
import { idParams, route } from "@/lib/http/route";
import { setRepositoryOwners } from "@/lib/reviews/service";

export const dynamic = "force-dynamic";

const body = z.strictObject({ userIds: z.array(z.string().trim().min(1).max(100)).max(50) });

/** Replaces the repository's owners (people who review its access in owner-reviewed campaigns). */
export const PUT = route({ auth: { permission: "campaigns:manage" }, params: idParams, body }, async ({ db, params, body, actor }) => {
  await setRepositoryOwners(db, { repositoryId: params.id, userIds: body.userIds, actor });
  return Response.json({ repositoryId: params.id, owners: body.userIds });
});
