// Data hooks for the overview (/api/admin/overview) and access ending soon (/api/admin/access/expiring).
import { useQuery } from "@tanstack/react-query";
import { getJson } from "@/components/ui/api";
import type { ExpiringItem } from "@/lib/access/expiring";
import type { Overview } from "@/lib/overview/queries";
import { adminKey } from "./keys";

export function useOverview(days: number) {
  const url = `/api/admin/overview?days=${days}`;
  return useQuery({ queryKey: adminKey(url), queryFn: () => getJson<Overview>(url) });
}

export function useExpiringAccess() {
  const url = "/api/admin/access/expiring";
  return useQuery({ queryKey: adminKey(url), queryFn: () => getJson<{ days: number; items: ExpiringItem[] }>(url) });
}
