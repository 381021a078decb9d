import { z } from "zod";
import { getStoredWallCertificate } from "@/lib/walls/certificate";
import { certificateResponse } from "@/app/api/wall-certificate-response";
import { storedCertificateQuery } from "@/lib/walls/certificate-schemas";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const params = z.object({ id: z.string(), certificateId: z.string() });

/** A stored certificate exactly as issued: ?format=json|html. */
export const GET = route({ auth: { permission: "walls:read" }, params, query: storedCertificateQuery }, async ({ db, params, query }) =>
  certificateResponse(await getStoredWallCertificate(db, { wallId: params.id, certificateId: params.certificateId }), query.format));
