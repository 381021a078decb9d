import { buildWallCertificate } from "@/lib/walls/certificate";
import { certificateResponse } from "@/app/api/wall-certificate-response";
import { certificateQuery } from "@/lib/walls/certificate-schemas";
import { idParams, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The screen certificate for a period, built and signed now (not stored): ?from=&to=&format=json|html. */
export const GET = route({ auth: { permission: "walls:read" }, params: idParams, query: certificateQuery }, async ({ db, params, query }) =>
  certificateResponse(await buildWallCertificate(db, { wallId: params.id, period: { from: query.from, to: query.to } }), query.format));
