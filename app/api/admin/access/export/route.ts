import { getPrisma } from "@/lib/db/client";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { exportAccess } from "@/lib/access-review/export";

export const dynamic = "force-dynamic";

/** ?subject=…&id=…&at=ISO&format=csv|json — a file download. */
export const GET = adminRoute("access:export", async ({ request, principal, requestId }) => {
  const file = await exportAccess(await getPrisma(), {
    input: Object.fromEntries(new URL(request.url).searchParams),
    actor: actorOf(principal, requestId, request),
  });
  return new Response(file.body, {
    headers: {
      "content-type": file.contentType,
      "content-disposition": `attachment; filename="${file.filename}"`,
      "x-export-rows": String(file.rows),
      "x-export-truncated": String(file.truncated),
      "cache-control": "no-store",
    },
  });
});
