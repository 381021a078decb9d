import { PageHeader } from "@/components/ui/page-header";
import { currentPrincipal } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import { SettingsTabs } from "./settings-tabs";

// UX only: each settings page checks its own permission on the server.
export default async function SettingsLayout({ children }: { children: React.ReactNode }) {
  const principal = await currentPrincipal();
  const tabs = [
    { href: "/dashboard/settings/accounts", label: "Accounts", allowed: principal ? can(principal.roles, "accounts:manage") : false },
    { href: "/dashboard/settings/api-keys", label: "API keys", allowed: principal ? can(principal.roles, "api-keys:manage") : false },
    { href: "/dashboard/settings/password", label: "Password", allowed: principal?.kind === "local" && can(principal.roles, "own-password:change") },
  ].filter((t) => t.allowed);
  return (
    <>
      <PageHeader title="Settings" description="Who may sign in to the dashboard, and the keys the contract system uses for /api/v1." />
      {tabs.length > 0 && <SettingsTabs tabs={tabs} />}
      {children}
    </>
  );
}
