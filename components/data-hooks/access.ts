// Data hooks for access answers (/api/admin/access/**). Paged lists go through DataTable, which
// keys them with the same factory.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getJson } from "@/components/ui/api";
import type { Jsonified, ReaderGroups } from "@/lib/access-review/queries";
import { adminKey } from "./keys";

/**
 * A contract's readers grouped by reason, with counts (now, or at `at`). Moving `at` keeps the
 * previous answer on screen until the new one arrives, so expanded reasons stay open.
 */
export function useReaderGroups(contractId: string, at?: string) {
  const q = new URLSearchParams({ contractId });
  if (at) q.set("at", at);
  const url = `/api/admin/access/reasons?${q}`;
  return useQuery({ queryKey: adminKey(url), queryFn: () => getJson<Jsonified<ReaderGroups>>(url), placeholderData: keepPreviousData });
}
