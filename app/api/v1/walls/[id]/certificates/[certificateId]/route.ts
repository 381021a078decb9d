import { z } from "zod";
import { getStoredWallCertificate } from "@/lib/walls/certificate";
import { certificateResponse } from "@/app/api/wall-certificate-response";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const params = z.object({ id: z.string(), certificateId: z.string() });

/** A stored certificate exactly as issued (the signed JSON). */
export const GET = route({ auth: { scope: "walls:read" }, params }, async ({ db, params }) =>
  certificateResponse(await getStoredWallCertificate(db, { wallId: params.id, certificateId: params.certificateId }), "json"));
