import { ROLES } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/principal";
import { AccountsPanel } from "./accounts-panel";

export const metadata = { title: "Accounts · Settings" };

export default async function AccountsPage() {
  const principal = await requirePagePermission("accounts:manage");
  return <AccountsPanel roles={[...ROLES]} selfId={principal.kind === "local" ? principal.id : undefined} />;
}
