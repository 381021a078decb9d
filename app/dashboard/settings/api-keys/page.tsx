import { API_SCOPES } from "@/lib/api-keys/service";
import { requirePagePermission } from "@/lib/auth/principal";
import { ApiKeysPanel } from "./api-keys-panel";

export const metadata = { title: "API keys · Settings" };

export default async function ApiKeysPage() {
  await requirePagePermission("api-keys:manage");
  return <ApiKeysPanel scopes={[...API_SCOPES]} />;
}
