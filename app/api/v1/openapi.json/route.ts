import { withRequestContext } from "@/lib/http/request-context";
import { buildOpenApiDocument } from "@/lib/api-v1/openapi";

export const dynamic = "force-dynamic";

/** The OpenAPI 3.1 document of /api/v1 (public: it holds no data). */
export const GET = withRequestContext(async (request) =>
  Response.json(buildOpenApiDocument({ serverUrl: new URL(request.url).origin }), { headers: { "cache-control": "public, max-age=300" } }),
);
