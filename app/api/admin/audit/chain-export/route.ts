import { route } from "@/lib/http/route";
import { chainExportManifest, chainExportStream, chainRangeQuery } from "@/lib/audit/export";

export const dynamic = "force-dynamic";

// A range of chain positions as JSON Lines (part=events) or its signed manifest (part=manifest);
// `npm run audit:verify -- --export … --manifest …` checks the pair offline.
export const GET = route({ auth: { permission: "audit:export" } }, async ({ db, query }) => {
  const range = chainRangeQuery.parse({ from: query.from ?? "", to: query.to ?? "" });
  const name = `custodian-audit-chain-${range.from}-${range.to}`;
  if (query.part === "manifest") {
    return Response.json(await chainExportManifest(db, range), {
      headers: { "content-disposition": `attachment; filename="${name}.manifest.json"`, "cache-control": "no-store" },
    });
  }
  return new Response(chainExportStream(db, range), {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="${name}.jsonl"`,
      "cache-control": "no-store",
    },
  });
});
