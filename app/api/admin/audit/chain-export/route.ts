import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { chainExportManifest, chainExportStream, chainRangeQuery } from "@/lib/audit/export";

export const dynamic = "force-dynamic";

// A range of chain positions as JSON Lines (part=events) or its signed manifest (part=manifest);
// `npm run audit:verify -- --export … --manifest …` checks the pair offline.
export const GET = adminRoute("audit:export", async ({ request }) => {
  const params = new URL(request.url).searchParams;
  const range = chainRangeQuery.parse({ from: params.get("from") ?? "", to: params.get("to") ?? "" });
  const prisma = await getPrisma();
  const name = `custodian-audit-chain-${range.from}-${range.to}`;
  if (params.get("part") === "manifest") {
    return Response.json(await chainExportManifest(prisma, range), {
      headers: { "content-disposition": `attachment; filename="${name}.manifest.json"`, "cache-control": "no-store" },
    });
  }
  return new Response(chainExportStream(prisma, range), {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="${name}.jsonl"`,
      "cache-control": "no-store",
    },
  });
});
