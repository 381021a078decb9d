import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { listErasures } from "@/lib/audit/certificate";

export const dynamic = "force-dynamic";

export const GET = adminRoute("audit:read", async ({ request }) => {
  const params = new URL(request.url).searchParams;
  return Response.json(await listErasures(await getPrisma(), { limit: Number(params.get("limit") ?? 50) || 50, before: params.get("before") ?? undefined }));
});
