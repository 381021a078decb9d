import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { buildPack, parsePackQuery, previewOf } from "@/lib/evidence/export";

export const dynamic = "force-dynamic";

/** ?kind=contract|repository|person|leavers&id=…&from=ISO&to=ISO — the pack's preview (first rows of each table). */
export const GET = adminRoute("evidence:export", async ({ request }) => {
  const query = parsePackQuery(Object.fromEntries(new URL(request.url).searchParams));
  return Response.json(previewOf(await buildPack(await getPrisma(), query)), { headers: { "cache-control": "no-store" } });
});
