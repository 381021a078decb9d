// Data hook for evidence (/api/admin/evidence). The endpoint answers a pack or the leavers report
// depending on its parameters, so the caller names the shape it asked for.
import { useQuery } from "@tanstack/react-query";
import { getJson } from "@/components/ui/api";
import { adminKey } from "./keys";

/** Evidence for `params` (nothing is fetched while they are null). */
export function useEvidence<T>(params: Record<string, string> | null) {
  const url = `/api/admin/evidence?${new URLSearchParams(params ?? {})}`;
  return useQuery({ queryKey: adminKey(url), queryFn: () => getJson<T>(url), enabled: params !== null });
}
