import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { listDeliveries } from "@/lib/webhooks/service";

export const dynamic = "force-dynamic";

/** The delivery log: ?endpointId=&status=pending|succeeded|failed&page=&pageSize= */
export const GET = adminRoute("webhooks:manage", async ({ request }) => {
  const params = new URL(request.url).searchParams;
  return Response.json(
    await listDeliveries(await getPrisma(), {
      filter: { endpointId: params.get("endpointId") ?? undefined, status: (params.get("status") ?? undefined) as never },
      page: { page: params.get("page") ?? undefined, pageSize: params.get("pageSize") ?? undefined },
    }),
  );
});
