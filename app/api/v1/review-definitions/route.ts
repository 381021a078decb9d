import { jsonBody, route } from "@/lib/http/route";
import { listDefinitions } from "@/lib/reviews/queries";
import { createDefinition } from "@/lib/reviews/service";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { scope: "access:read" } }, async ({ db }) => Response.json({ items: await listDefinitions(db) }));

/** Body: `{ name, config }` (lib/reviews/schemas.ts campaignConfig). */
export const POST = route({ auth: { scope: "admin" }, body: jsonBody }, async ({ db, body, actor }) =>
  Response.json(await createDefinition(db, { input: body, actor }), { status: 201 }),
);
