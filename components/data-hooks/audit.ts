// Data hooks for the audit trail, its chain and erasures (/api/admin/audit/**, /api/admin/erasures).
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { getJson, sendJson } from "@/components/ui/api";
import type { AuditPage } from "@/lib/audit/queries";
import type { ErasureListItem } from "@/lib/audit/certificate";
import type { ChainStatus } from "@/lib/audit/status";
import { adminKey } from "./keys";

/** The filtered trail (`qs`: the filters as a query string), older pages loaded on demand. */
export function useAuditEvents(qs: string) {
  return useInfiniteQuery({
    // "pages": an infinite query's cache entry, never shared with a plain query of the same URL.
    queryKey: [...adminKey(`/api/admin/audit${qs ? `?${qs}` : ""}`), "pages"],
    queryFn: ({ pageParam }) => getJson<AuditPage>(`/api/admin/audit?${qs}${pageParam ? `${qs ? "&" : ""}cursor=${pageParam}` : ""}`),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // A filter the server refuses (4xx) is not worth asking again.
    retry: (count, err) => count < 1 && !(err as { status?: number }).status?.toString().startsWith("4"),
  });
}

export function useAuditFilterOptions() {
  const url = "/api/admin/audit/options";
  return useQuery({ queryKey: adminKey(url), queryFn: () => getJson<{ actions: string[]; targetTypes: string[] }>(url), staleTime: 60_000 });
}

/** The chain's state, and verification on demand (the state is read again once it settles). */
export function useAuditChain() {
  const client = useQueryClient();
  const url = "/api/admin/audit/chain";
  const status = useQuery({ queryKey: adminKey(url), queryFn: () => getJson<ChainStatus>(url) });
  const verify = useMutation({ mutationFn: () => sendJson("POST", url), onSettled: () => client.invalidateQueries({ queryKey: adminKey(url) }) });
  return { status, verify };
}

/** Erasure certificates, newest first, 50 at a time. */
export function useErasures() {
  return useInfiniteQuery({
    queryKey: [...adminKey("/api/admin/erasures"), "pages"],
    initialPageParam: "",
    queryFn: ({ pageParam }) => getJson<{ items: ErasureListItem[]; nextCursor: string | null }>(`/api/admin/erasures?limit=50${pageParam ? `&before=${encodeURIComponent(pageParam)}` : ""}`),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
