import { buildWallCertificate } from "@/lib/walls/certificate";
import { certificateResponse } from "@/app/api/wall-certificate-response";
import { apiCertificateQuery } from "@/lib/walls/certificate-schemas";
import { idParams, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The screen certificate for a period, built and signed now (not stored): ?from=&to= (the signed JSON; the printable page is the dashboard's). */
export const GET = route({ auth: { scope: "walls:read" }, params: idParams, query: apiCertificateQuery }, async ({ db, params, query }) =>
  certificateResponse(await buildWallCertificate(db, { wallId: params.id, period: { from: query.from, to: query.to } }), "json"));
