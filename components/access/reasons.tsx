"use client";

// The chain of facts behind an access answer (lib/access/effective-access.ts Reason, as JSON):
// person ← group (member since, added by which event) ← rule (version, author, justification) ←
// repository / contract.
import Link from "next/link";
import type { Reason } from "@/lib/access/effective-access";
import type { Jsonified } from "@/lib/access-review/queries";
import { LevelBadge } from "./badges";
import { Time } from "@/components/ui/time";

export type ReasonJson = Jsonified<Reason>;

/** A group of a membership chain in words: a deleted group by the name it had, marked. */
export const hopLabel = (h: { displayName: string | null; deleted: boolean }) =>
  `${h.displayName ?? "unknown group"}${h.deleted ? " (deleted)" : ""}`;

function Scope({ reason }: { reason: ReasonJson }) {
  const scope = reason.rule.scope;
  if (scope.kind === "contract") {
    return (
      <span>
        contract{" "}
        <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/contracts/${scope.contractId}`}>
          {scope.contractTitle ?? "(untitled)"}
        </Link>{" "}
        only
      </span>
    );
  }
  const narrowing = [
    scope.contractTypes.length ? `types ${scope.contractTypes.join(", ")}` : null,
    scope.confidentialityCeiling ? `up to ${scope.confidentialityCeiling.replace("_", " ")}` : null,
  ].filter(Boolean);
  return (
    <span>
      repository{" "}
      <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/repositories/${scope.repositoryId}`}>
        {scope.repositoryName ?? scope.repositoryId}
      </Link>
      {narrowing.length > 0 && <span className="text-slate-500"> ({narrowing.join("; ")})</span>}
    </span>
  );
}

export function ReasonChain({ reason }: { reason: ReasonJson }) {
  return (
    <li className={`rounded-md border px-3 py-2 text-xs ${reason.winning ? "border-brand-600/40 bg-brand-50/50" : "border-slate-200 bg-white"}`}>
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <LevelBadge level={reason.level} />
        {reason.winning && <span className="font-medium text-brand-900">effective</span>}
        <span className="text-slate-500">via</span>
        {reason.via.kind === "direct" ? (
          <span className="font-medium">direct user grant</span>
        ) : (
          <ol className="flex flex-wrap items-center gap-1" aria-label="Group membership chain">
            {reason.via.path.map((hop, i) => (
              <li key={`${hop.groupId}-${i}`} className="flex items-center gap-1">
                {i > 0 && <span aria-hidden="true" className="text-slate-400">→</span>}
                {hop.deleted ? (
                  // A deleted group keeps its name in past answers; it has no page any more.
                  <span>
                    <span className="font-medium">{hop.displayName ?? "unknown group"}</span> <span className="italic text-slate-500">(deleted)</span>
                  </span>
                ) : hop.displayName ? (
                  <Link className="font-medium text-brand-700 hover:underline" href={`/dashboard/groups/${hop.groupId}`}>{hop.displayName}</Link>
                ) : (
                  <span className="italic text-slate-500">deleted group</span>
                )}
                <span className="text-slate-500">(member since <Time value={hop.memberSince} />)</span>
              </li>
            ))}
          </ol>
        )}
      </div>
      <div className="mt-1 text-slate-700">
        <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/rules/${reason.rule.ruleId}`}>
          {reason.rule.name}
        </Link>{" "}
        <span className="text-slate-500">(version {reason.rule.version})</span>{" "}
        grants <strong>{reason.rule.level}</strong> on <Scope reason={reason} /> — by {reason.rule.author.label ?? reason.rule.author.type}
        , in force since <Time value={reason.rule.recordedFrom} />
        {reason.contract.grantsUntil && <>, grants until <Time value={reason.contract.grantsUntil} /></>}
      </div>
      <div className="mt-0.5 text-slate-600">“{reason.rule.justification}”</div>
    </li>
  );
}

export function ReasonList({ reasons }: { reasons: ReasonJson[] }) {
  if (reasons.length === 0) return <p className="text-xs text-slate-500">No reasons recorded.</p>;
  return <ul className="space-y-1.5">{reasons.map((r, i) => <ReasonChain key={`${r.rule.versionId}-${i}`} reason={r} />)}</ul>;
}

/** A compact disclosure: the winning reason's path inline, all reasons on demand. */
export function ReasonsDisclosure({ reasons }: { reasons: ReasonJson[] }) {
  const first = reasons[0];
  const summary = !first
    ? "no reasons"
    : first.via.kind === "direct"
      ? "direct grant"
      : first.via.path.map(hopLabel).join(" → ");
  return (
    <details className="group">
      <summary className="cursor-pointer text-sm text-slate-700 marker:text-slate-400">
        {summary}
        {reasons.length > 1 && <span className="text-slate-500"> (+{reasons.length - 1} more)</span>}
      </summary>
      <div className="mt-2"><ReasonList reasons={reasons} /></div>
    </details>
  );
}
