import { exclusionListQuery } from "@/lib/exclusions/schemas";
import { listExclusions } from "@/lib/exclusions/queries";
import { createExclusion } from "@/lib/exclusions/service";
import { jsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "access:review" } }, async ({ db, query }) => {
  const { page, pageSize, ...rest } = query;
  const filter = exclusionListQuery.parse(Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== "")));
  return Response.json(await listExclusions(db, { filter, page: { page, pageSize } }));
});

/** Body: `{ userId, repositoryId | contractId, reason, validUntil? }`. */
export const POST = route({ auth: { permission: "exclusions:write" }, body: jsonBody }, async ({ db, body, actor }) =>
  Response.json(await createExclusion(db, { input: body, actor }), { status: 201 }),
);
