// The SCIM base URL shown to admins: the public URL every surface uses (lib/http/client.ts —
// NEXTAUTH_URL, else a trusted proxy's forwarded host, else the Host this page was reached on).
import { headers } from "next/headers";
import { publicBaseUrl } from "@/lib/http/client";

export async function publicOrigin(): Promise<string> {
  return publicBaseUrl({ headers: await headers() });
}
