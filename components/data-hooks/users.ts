// Data hooks for people (/api/admin/users/**).
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getJson } from "@/components/ui/api";
import type { UserDetail, UserGroups, TimelineItem } from "@/lib/users/detail-queries";
import type { Page } from "@/lib/pagination";
import { adminKey } from "./keys";

export function useUser(id: string) {
  const url = `/api/admin/users/${id}`;
  return useQuery({ queryKey: adminKey(url), queryFn: () => getJson<{ user: UserDetail; groups: UserGroups }>(url) });
}

/** One page of a person's timeline; the previous page stays on screen while the next loads. */
export function useUserTimeline(options: { userId: string; page: number; pageSize: number }) {
  const url = `/api/admin/users/${options.userId}/timeline?page=${options.page}&pageSize=${options.pageSize}`;
  return useQuery({ queryKey: adminKey(url), queryFn: () => getJson<Page<TimelineItem>>(url), placeholderData: keepPreviousData });
}
