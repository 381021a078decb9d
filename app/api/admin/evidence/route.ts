import { route } from "@/lib/http/route";
import { buildPack, parsePackQuery, previewOf } from "@/lib/evidence/export";

export const dynamic = "force-dynamic";

/** ?kind=contract|repository|person|leavers&id=…&from=ISO&to=ISO — the pack's preview (first rows of each table). */
export const GET = route({ auth: { permission: "evidence:export" } }, async ({ db, query }) =>
  Response.json(previewOf(await buildPack(db, parsePackQuery(query))), { headers: { "cache-control": "no-store" } }),
);
