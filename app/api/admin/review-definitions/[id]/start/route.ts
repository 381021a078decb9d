import { z } from "zod";
import { idParams, route } from "@/lib/http/route";
import { startCampaign } from "@/lib/reviews/service";

export const dynamic = "force-dynamic";

const body = z.strictObject({ name: z.string().trim().min(1).max(200).optional() }).optional();

export const POST = route({ auth: { permission: "campaigns:manage" }, params: idParams, body }, async ({ db, params, body, actor }) =>
  Response.json(await startCampaign(db, { definitionId: params.id, name: body?.name, actor }), { status: 201 }),
);
