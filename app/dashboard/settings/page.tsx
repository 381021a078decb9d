import { redirect } from "next/navigation";
import { can } from "@/lib/auth/permissions";
import { currentPrincipal } from "@/lib/auth/principal";

export const metadata = { title: "Settings" };

export default async function SettingsPage() {
  const principal = await currentPrincipal();
  if (!principal) redirect("/login");
  if (can(principal.roles, "accounts:manage")) redirect("/dashboard/settings/accounts");
  if (can(principal.roles, "api-keys:manage")) redirect("/dashboard/settings/api-keys");
  redirect("/dashboard/forbidden");
}
