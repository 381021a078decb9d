import { publicBaseUrl } from "@/lib/http/client";
import { route } from "@/lib/http/route";
import { buildOpenApiDocument } from "@/lib/api-v1/openapi";

export const dynamic = "force-dynamic";

/** The OpenAPI 3.1 document of /api/v1 (public: it holds no data). */
export const GET = route({ auth: "none" }, ({ request }) =>
  Response.json(buildOpenApiDocument({ serverUrl: publicBaseUrl(request) }), { headers: { "cache-control": "public, max-age=300" } }),
);
