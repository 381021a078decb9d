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
import { NamedRef, NamedText, nameLookup, type NameLookup } from "@/components/audit/named";

type CauseDoc = { kind?: string; action?: string; type?: string; description?: string; groupId?: string; subjects?: { kind: string; id: string }[] };

const RULE_CHANGE: Record<string, string> = { "rule.created": "rule created", "rule.updated": "rule changed", "rule.deleted": "rule deleted" };

/** A cause in words, naming its group, rule and contract (ids only where nothing names them). */
function Cause({ cause, lookup, links }: { cause: CauseDoc; lookup: NameLookup; links: readonly string[] }) {
  const kind = cause.kind ?? cause.action ?? cause.type ?? "";
  const groupId = cause.groupId ?? (kind.startsWith("membership.") ? cause.description?.match(/[0-9a-f-]{36}/i)?.[0] : undefined);
  if (groupId) return <>membership of <NamedRef id={groupId} type="Group" lookup={lookup} links={links} showId={!lookup.has(groupId)} /></>;
  const subjects = cause.subjects ?? [];
  if (RULE_CHANGE[kind] && subjects[0]) {
    return <>{RULE_CHANGE[kind]}: <NamedRef id={subjects[0].id} type="AccessRule" lookup={lookup} links={links} showId={!lookup.has(subjects[0].id)} /></>;
  }
  const text = cause.description ?? kind;
  // Subjects the description counts but does not name ("2 contract(s) reached their end date").
  const unnamed = subjects.filter((s) => !text.includes(s.id));
  return (
    <>
      <NamedText text={text} lookup={lookup} links={links} />
      {unnamed.length > 0 && (
        <>
          {": "}
          {unnamed.slice(0, 3).map((s, i) => (
            <span key={s.id}>{i > 0 && ", "}<NamedRef id={s.id} lookup={lookup} links={links} showId={!lookup.has(s.id)} /></span>
          ))}
          {unnamed.length > 3 && ` and ${unnamed.length - 3} more`}
        </>
      )}
    </>
  );
}

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

function Detail({ item, links }: { item: TimelineItem; links: readonly string[] }) {
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
    const after = (item.after ?? {}) as { repositoryId?: string; repositoryName?: string | null; contracts?: number; level?: string | null; cause?: CauseDoc };
    const before = (item.before ?? {}) as { contracts?: number; level?: string | null };
    const cause = after.cause;
    const lookup = nameLookup(item.names);
    return (
      <>
        <span className="font-medium">{TITLES[item.action]}</span> in{" "}
        {after.repositoryId ? <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/repositories/${after.repositoryId}`}>{after.repositoryName ?? "a repository"}</Link> : "a repository"}:{" "}
        {before.contracts ?? 0} → {plural(after.contracts ?? 0, "contract")}{after.level ? ` (up to ${after.level})` : ""}
        {cause && <span className="text-slate-500"> · cause: <Cause cause={cause} lookup={lookup} links={links} /></span>}
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

export function Timeline({ userId, links = [] }: { userId: string; links?: readonly string[] }) {
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
            <div className="text-slate-800"><Detail item={item} links={links} /></div>
            <div className="text-xs text-slate-500">
              {/* <Time> is the <time> element itself: a wrapper <time> would nest one in another. */}
              <Time value={item.at} />
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
