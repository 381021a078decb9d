import { createDirectory, createDirectoryInput } from "@/lib/directories/service";
import { route } from "@/lib/http/route";
import { listDirectoriesForAdmin } from "@/lib/directories/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "directories:read" } }, async ({ db, query }) => Response.json(await listDirectoriesForAdmin(db, query)));

export const POST = route({ auth: { permission: "directories:write" }, body: createDirectoryInput }, async ({ db, body, actor }) => {
  const directory = await createDirectory(db, { input: body, actor });
  return Response.json({ id: directory.id, name: directory.name, kind: directory.kind }, { status: 201 });
});
