// The SCIM base URL shown to admins: NEXTAUTH_URL (the configured public URL) when set, else the
// origin the admin reached this page on (honouring a reverse proxy's X-Forwarded-* headers).
import { headers } from "next/headers";
import { getConfig } from "@/lib/config";

export async function publicOrigin(): Promise<string> {
  const configured = getConfig().NEXTAUTH_URL;
  if (configured) return configured.replace(/\/+$/, "");
  const h = await headers();
  const host = h.get("x-forwarded-host")?.split(",")[0]?.trim() || h.get("host") || "localhost:3000";
  const local = /^(localhost|127\.|\[::1\])/.test(host);
  const proto = h.get("x-forwarded-proto")?.split(",")[0]?.trim() || (local ? "http" : "https");
  return `${proto}://${host}`;
}
