import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { contractTypes } from "@/lib/contracts/queries";

export const dynamic = "force-dynamic";

/** Contract types in use (for filters and rule forms). */
export const GET = adminRoute("contracts:read", async ({ request }) => {
  const repositoryId = new URL(request.url).searchParams.get("repositoryId") ?? undefined;
  return Response.json({ items: await contractTypes(await getPrisma(), { repositoryId }) });
});
