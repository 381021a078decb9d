// Data hooks for groups (/api/admin/groups/**).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { getJson, sendJson } from "@/components/ui/api";
import type { GroupAccess, GroupDetail } from "@/lib/groups/queries";
import { adminKey } from "./keys";

export function useGroup(id: string) {
  const url = `/api/admin/groups/${id}`;
  return useQuery({ queryKey: adminKey(url), queryFn: () => getJson<GroupDetail>(url) });
}

export function useGroupAccess(id: string) {
  const url = `/api/admin/groups/${id}/access`;
  return useQuery({ queryKey: adminKey(url), queryFn: () => getJson<GroupAccess>(url) });
}

/** Dashboard roles a group grants: assign one, or take one away (by role name). */
export function useGroupRoles(groupId: string, options: { onAssigned?: () => void; onUnassigned?: () => void } = {}) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: adminKey(`/api/admin/groups/${groupId}`) });
  const assign = useMutation({
    mutationFn: (role: string) => sendJson("POST", `/api/admin/groups/${groupId}/roles`, { role }),
    onSuccess: () => {
      options.onAssigned?.();
      return refresh();
    },
  });
  const unassign = useMutation({
    mutationFn: (role: string) => sendJson("DELETE", `/api/admin/groups/${groupId}/roles?role=${encodeURIComponent(role)}`),
    onSuccess: () => {
      options.onUnassigned?.();
      return refresh();
    },
  });
  return { assign, unassign };
}
