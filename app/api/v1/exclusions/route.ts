import { exclusionListQuery } from "@/lib/exclusions/schemas";
import { listExclusions } from "@/lib/exclusions/queries";
import { createExclusion } from "@/lib/exclusions/service";
import { jsonBody, route } from "@/lib/http/route";
import { pageInput } from "@/lib/pagination";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { scope: "access:read" }, query: pageInput.extend(exclusionListQuery.shape) }, async ({ db, query: { page, pageSize, ...filter } }) =>
  Response.json(await listExclusions(db, { filter, page: { page, pageSize } })),
);

/** Body: `{ userId, repositoryId | contractId, reason, validUntil? }`. */
export const POST = route({ auth: { scope: "admin" }, body: jsonBody }, async ({ db, body, actor }) =>
  Response.json(await createExclusion(db, { input: body, actor }), { status: 201 }),
);
