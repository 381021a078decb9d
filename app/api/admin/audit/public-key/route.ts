import { route } from "@/lib/http/route";
import { getSigningKey } from "@/lib/audit/signing";

export const dynamic = "force-dynamic";

// The public half of the audit signing key (manifests, erasure certificates). The private key is
// never served.
export const GET = route({ auth: { permission: "audit:read" } }, async ({ db }) => {
  const key = await getSigningKey(db);
  return new Response(key.publicKeyPem, {
    headers: {
      "content-type": "application/x-pem-file",
      "content-disposition": `attachment; filename="custodian-audit-${key.keyId.slice(0, 12)}.pem"`,
      "x-key-id": key.keyId,
      "cache-control": "no-store",
    },
  });
});
