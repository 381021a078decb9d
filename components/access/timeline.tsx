"use client";

// A person's timeline (lib/users/detail-queries.ts userTimeline): lifecycle events, access changes
// and memberships, newest first, paged.
import Link from "next/link";
import { useState } from "react";
import { plural } from "@/components/ui/format";
import { Pager } from "@/components/ui/pager";
import { Empty, ErrorMessage, Loading } from "@/components/ui/query-state";
import type { TimelineItem } from "@/lib/users/detail-queries";
import { useUserTimeline } from "@/components/data-hooks/users";
import { Time } from "@/components/ui/time";

const TITLES: Record<string, string> = {
  "user.created": "Provisioned",
  "user.updated": "Attributes changed",
  "user.activated": "Activated",
  "user.deactivated": "Deactivated",
  "user.deleted": "Deleted",
  "access.granted": "Access granted",
  "access.revoked": "Access revoked",
};

const DOT: Record<string, string> = {
  "access.granted": "bg-green-600",
  "access.revoked": "bg-red-600",
  "user.deactivated": "bg-red-600",
  "user.deleted": "bg-red-600",
  "membership.added": "bg-brand-600",
  "membership.removed": "bg-amber-600",
};

function changedKeys(item: TimelineItem): string {
  const after = (item.after ?? {}) as Record<string, unknown>;
  const before = (item.before ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.length ? keys.slice(0, 8).join(", ") + (keys.length > 8 ? "…" : "") : "";
}

function Detail({ item }: { item: TimelineItem }) {
  if (item.kind !== "event") {
    const group = item.group;
    const name = group?.exists ? (
      <Link className="font-medium text-brand-700 hover:underline" href={`/dashboard/groups/${group.id}`}>{group.displayName}</Link>
    ) : (
      <span className="font-medium">{group?.displayName ?? "a deleted group"}{group && !group.exists && <span className="font-normal text-slate-500"> (deleted)</span>}</span>
    );
    return <>{item.kind === "membership.added" ? "Joined" : "Left"} {name}{item.action === "group.deleted" && " — the group was deleted"}{item.action === "user.deleted" && " — the user was deleted"}</>;
  }
  if (item.action === "access.granted" || item.action === "access.revoked") {
    const after = (item.after ?? {}) as { repositoryId?: string; repositoryName?: string | null; contracts?: number; level?: string | null; cause?: { kind?: string; action?: string; type?: string; description?: string } };
    const before = (item.before ?? {}) as { contracts?: number; level?: string | null };
    const cause = after.cause?.description ?? after.cause?.kind ?? after.cause?.action ?? after.cause?.type;
    return (
      <>
        <span className="font-medium">{TITLES[item.action]}</span> in{" "}
        {after.repositoryId ? <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/repositories/${after.repositoryId}`}>{after.repositoryName ?? "a repository"}</Link> : "a repository"}:{" "}
        {before.contracts ?? 0} → {plural(after.contracts ?? 0, "contract")}{after.level ? ` (up to ${after.level})` : ""}
        {cause && <span className="text-slate-500"> · cause: {cause}</span>}
      </>
    );
  }
  const keys = item.action === "user.updated" ? changedKeys(item) : "";
  return (
    <>
      <span className="font-medium">{TITLES[item.action ?? ""] ?? item.action}</span>
      {keys && <span className="text-slate-600">: {keys}</span>}
    </>
  );
}

export function Timeline({ userId }: { userId: string }) {
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const query = useUserTimeline({ userId, page, pageSize });
  if (query.isPending) return <Loading />;
  if (query.error) return <ErrorMessage error={query.error} retry={() => void query.refetch()} />;
  const data = query.data;
  if (data.total === 0) return <Empty>Nothing has happened to this person yet.</Empty>;
  return (
    <>
      <ol className="relative space-y-3 border-l border-slate-200 pl-5" aria-busy={query.isFetching}>
        {data.items.map((item) => (
          <li key={item.key} className="relative text-sm">
            <span className={`absolute -left-[26px] top-1.5 h-2.5 w-2.5 rounded-full ring-2 ring-white ${DOT[item.kind === "event" ? (item.action ?? "") : item.kind] ?? "bg-slate-400"}`} aria-hidden="true" />
            <div className="text-slate-800"><Detail item={item} /></div>
            <div className="text-xs text-slate-500">
              <time dateTime={item.at}><Time value={item.at} /></time>
              {item.actor.label && <> · by {item.actor.label}</>}
              {item.actor.type && !item.actor.label && <> · by {item.actor.type}</>}
            </div>
          </li>
        ))}
      </ol>
      <Pager page={page} pageSize={pageSize} total={data.total} onPage={setPage} label="Timeline" />
    </>
  );
}
