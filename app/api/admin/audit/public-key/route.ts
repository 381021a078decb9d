import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { getSigningKey } from "@/lib/audit/signing";

export const dynamic = "force-dynamic";

// The public half of the audit signing key (manifests, erasure certificates). The private key is
// never served.
export const GET = adminRoute("audit:read", async () => {
  const key = await getSigningKey(await getPrisma());
  return new Response(key.publicKeyPem, {
    headers: {
      "content-type": "application/x-pem-file",
      "content-disposition": `attachment; filename="custodian-audit-${key.keyId.slice(0, 12)}.pem"`,
      "x-key-id": key.keyId,
      "cache-control": "no-store",
    },
  });
});
