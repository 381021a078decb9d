// Data hooks for directories and their credentials (/api/admin/directories/**).
import { useQuery } from "@tanstack/react-query";
import { getJson } from "@/components/ui/api";
import type { DirectoryDetail, OAuthClientItem, ScimTokenItem } from "@/lib/directories/queries";
import { adminKey } from "./keys";

/** One directory with its monitoring, refreshed every 30 s while shown. */
export function useDirectory(id: string) {
  const url = `/api/admin/directories/${id}`;
  return useQuery({ queryKey: adminKey(url), queryFn: () => getJson<DirectoryDetail>(url), refetchInterval: 30_000 });
}

export function useDirectoryTokens(directoryId: string | undefined) {
  const url = `/api/admin/directories/${directoryId}/tokens`;
  return useQuery({ queryKey: adminKey(url), queryFn: () => getJson<{ items: ScimTokenItem[] }>(url), enabled: Boolean(directoryId) });
}

export function useDirectoryOAuthClients(directoryId: string) {
  const url = `/api/admin/directories/${directoryId}/oauth-clients`;
  return useQuery({ queryKey: adminKey(url), queryFn: () => getJson<{ items: OAuthClientItem[] }>(url) });
}
