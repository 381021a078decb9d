import { jsonBody, route } from "@/lib/http/route";
import { repositoryListQuery, listRepositories, repositoryView } from "@/lib/contracts/queries";
import { createRepository } from "@/lib/contracts/service";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "contracts:read" }, query: repositoryListQuery }, async ({ db, query }) =>
  Response.json(await listRepositories(db, { q: query.q, page: { page: query.page, pageSize: query.pageSize } })),
);

export const POST = route({ auth: { permission: "contracts:write" }, body: jsonBody }, async ({ db, body, actor }) =>
  Response.json(repositoryView(await createRepository(db, { input: body, actor })), { status: 201 }),
);
