import { jsonBody, route } from "@/lib/http/route";
import { createRepository } from "@/lib/contracts/service";
import { listRepositories, repositoryView } from "@/lib/contracts/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { scope: ["contracts:read", "rules:read"] } }, async ({ db, query: { q, ...page } }) =>
  Response.json(await listRepositories(db, { page, q })),
);

export const POST = route({ auth: { scope: "admin" }, body: jsonBody }, async ({ db, body, actor }) =>
  Response.json(repositoryView(await createRepository(db, { input: body, actor })), { status: 201 }),
);
