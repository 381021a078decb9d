import { issueWallCertificate, listWallCertificates } from "@/lib/walls/certificate";
import { issueCertificateInput } from "@/lib/walls/certificate-schemas";
import { idParams, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The certificates stored for the wall (its lift certificate, those issued on request), newest first. */
export const GET = route({ auth: { scope: "walls:read" }, params: idParams }, async ({ db, params }) =>
  Response.json({ items: await listWallCertificates(db, { wallId: params.id }) }));

/** Issues and stores a certificate for a period (audited: wall.certificate_issued): `{ from?, to? }`. */
export const POST = route({ auth: { scope: "walls:write" }, params: idParams, body: issueCertificateInput.optional() }, async ({ db, params, body, actor }) => {
  const period = issueCertificateInput.parse(body ?? {});
  return Response.json(await issueWallCertificate(db, { wallId: params.id, period, actor }), { status: 201 });
});
