// Data hooks for contracts and repositories (/api/admin/contracts/**, /api/admin/repositories/**).
import { useQuery } from "@tanstack/react-query";
import { getJson } from "@/components/ui/api";
import type { ContractDetail, RepositoryDetail } from "@/lib/contracts/queries";
import { adminKey } from "./keys";

export function useContract(id: string) {
  const url = `/api/admin/contracts/${id}`;
  return useQuery({ queryKey: adminKey(url), queryFn: () => getJson<ContractDetail>(url) });
}

/** Contract types in use, in one repository or (without one) everywhere. */
export function useContractTypes(options: { repositoryId?: string; enabled?: boolean } = {}) {
  const url = `/api/admin/contracts/types${options.repositoryId ? `?repositoryId=${options.repositoryId}` : ""}`;
  return useQuery({ queryKey: adminKey(url), queryFn: () => getJson<{ items: string[] }>(url), enabled: options.enabled });
}

export function useRepository(id: string) {
  const url = `/api/admin/repositories/${id}`;
  return useQuery({ queryKey: adminKey(url), queryFn: () => getJson<RepositoryDetail>(url) });
}
