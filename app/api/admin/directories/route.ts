import { getPrisma } from "@/lib/db/client";
import { createDirectory } from "@/lib/directories/service";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { readJsonBody } from "@/lib/http/json-route";
import { listDirectoriesForAdmin } from "@/lib/directories/queries";

export const dynamic = "force-dynamic";

export const GET = adminRoute("directories:read", async ({ request }) =>
  Response.json(await listDirectoriesForAdmin(await getPrisma(), Object.fromEntries(new URL(request.url).searchParams))),
);

export const POST = adminRoute("directories:write", async ({ request, principal, requestId }) => {
  const directory = await createDirectory(await getPrisma(), {
    input: (await readJsonBody(request)) as { name: string },
    actor: actorOf(principal, requestId, request),
  });
  return Response.json({ id: directory.id, name: directory.name, kind: directory.kind }, { status: 201 });
});
