import { getPrisma } from "@/lib/db/client";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { readJsonBody } from "@/lib/http/json-route";
import { getDirectoryForAdmin } from "@/lib/directories/queries";
import { updateDirectorySettings } from "@/lib/directories/service";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = adminRoute<Context>("directories:read", async ({ context }) =>
  Response.json(await getDirectoryForAdmin(await getPrisma(), (await context.params).id)),
);

/** Directory settings: the inactivity policy. */
export const PATCH = adminRoute<Context>("directories:write", async ({ request, context, principal, requestId }) => {
  const prisma = await getPrisma();
  const { id } = await context.params;
  await updateDirectorySettings(prisma, { directoryId: id, input: await readJsonBody(request), actor: actorOf(principal, requestId, request) });
  return Response.json(await getDirectoryForAdmin(prisma, id));
});
