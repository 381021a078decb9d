import { route } from "@/lib/http/route";
import { exportAccess } from "@/lib/access-review/export";

export const dynamic = "force-dynamic";

/** ?subject=…&id=…&at=ISO&format=csv|json — a file download. */
export const GET = route({ auth: { permission: "access:export" } }, async ({ db, query, actor }) => {
  const file = await exportAccess(db, { input: query, actor });
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
