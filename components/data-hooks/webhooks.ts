// Data hooks for webhook endpoints (/api/admin/webhooks).
import { useQuery } from "@tanstack/react-query";
import { getJson } from "@/components/ui/api";
import type { EndpointView } from "@/lib/webhooks/service";
import { adminKey } from "./keys";

export function useWebhookEndpoints() {
  const url = "/api/admin/webhooks";
  return useQuery({ queryKey: adminKey(url), queryFn: () => getJson<{ items: EndpointView[] }>(url) });
}
