import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { getDirectoryForAdmin } from "@/lib/admin/directories";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = adminRoute<Context>("directories:read", async ({ context }) =>
  Response.json(await getDirectoryForAdmin(await getPrisma(), (await context.params).id)),
);
