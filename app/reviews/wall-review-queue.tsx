"use client";

// The reviewer's wall items (lib/reviews/wall-reviews.ts): per wall "is it still needed", per person
// on its roster "should they still be on it" — with the wall, matter, side, how and since when the
// person is on it and whether they acknowledged the memo. Remove and lift need a justification and
// are decided one by one; keep may be taken for several rows where the campaign allows bulk.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, getJson, sendJson } from "@/components/ui/api";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Time } from "@/components/ui/time";
import type { WallItemView } from "@/lib/reviews/wall-review-queries";

type Item = Omit<WallItemView, "onRosterSince" | "acknowledgedAt" | "decidedAt" | "appliedAt" | "lift"> & { onRosterSince: string | null; acknowledgedAt: string | null };
type Queue = { total: number; items: Item[] };
type Decision = "keep" | "remove" | "lift" | "dont_know";

const field = "mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";
const ROLE = { insider: "insider", screened: "screened", side: "side member" } as const;
const LABEL: Record<Decision, string> = { keep: "Keep", remove: "Remove", lift: "Lift", dont_know: "Don't know" };

export function WallReviewQueue() {
  const [state, setState] = useState("open");
  const [justification, setJustification] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  // Since the queue (or the last decision) was shown: the seconds spent on the next decision.
  const since = useRef(0);
  const client = useQueryClient();
  const url = `/api/reviews/wall-queue?${new URLSearchParams({ state, pageSize: "100" })}`;
  const { data: queue } = useQuery({ queryKey: ["wall-reviews", url], queryFn: () => getJson<Queue>(url) });
  useEffect(() => {
    since.current = Date.now();
  }, [queue]);

  const decide = useCallback(async (item: Item, decision: Decision) => {
    setMessage(null);
    try {
      await sendJson("POST", "/api/reviews/wall-decisions", {
        campaignId: item.campaignId,
        itemIds: [item.id],
        decision,
        justification: justification[item.id] || undefined,
        secondsSpent: Math.round((Date.now() - since.current) / 1000),
      });
      setMessage(`${item.wall.name ?? "Wall"}${item.person ? `, ${item.person.displayName ?? item.person.userName ?? item.person.id}` : ""}: ${LABEL[decision].toLowerCase()}`);
      await client.invalidateQueries({ queryKey: ["wall-reviews"] });
    } catch (err) {
      setMessage(err instanceof ApiError ? err.message : "The decision was not recorded");
    }
  }, [client, justification]);

  // Nothing to review and nothing just decided: no section (most reviewers never review walls).
  if (queue && queue.total === 0 && state === "open" && !message) return null;
  return (
    <section className="mt-8 space-y-3" aria-labelledby="wall-reviews-heading">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="wall-reviews-heading" className="text-lg font-semibold text-brand-900">Ethical walls to review</h2>
        <label className="text-sm text-slate-700">Show<select className={field} value={state} onChange={(e) => setState(e.target.value)}><option value="open">To decide</option><option value="decided">Decided</option><option value="all">All</option></select></label>
      </div>
      <p className="text-sm text-slate-600">
        Is each wall still needed, and is its roster right? Removing a person or lifting a wall needs a justification. Nobody is taken off a screen, nor is a wall lifted, unless a reviewer decides so; a lift is confirmed by Compliance after the campaign closes.
      </p>
      {message && <p role="status" className="text-sm text-slate-700">{message}</p>}
      {!queue ? (
        <p className="text-sm text-slate-600">Loading…</p>
      ) : queue.items.length === 0 ? (
        <p className="text-sm text-slate-600">No wall items.</p>
      ) : (
        <table className="w-full text-left text-sm">
          <caption className="sr-only">{queue.total} wall items assigned to you</caption>
          <thead className="text-slate-600"><tr><th>Wall</th><th>Question</th><th>On the roster</th><th>Memo</th><th>Decide</th></tr></thead>
          <tbody>
            {queue.items.map((i) => (
              <tr key={i.id} className="border-t border-slate-100 align-top" data-testid="wall-review-item">
                <td className="py-1.5">
                  <div className="font-medium">{i.wall.name ?? i.wall.id}</div>
                  <div className="text-xs text-slate-500">{[i.wall.matterRef, i.wall.kind, i.side ? `side “${i.side.name ?? i.side.id}”` : null].filter(Boolean).join(" · ")}</div>
                </td>
                <td>
                  {i.person ? (
                    <>
                      Should <strong>{i.person.displayName ?? i.person.userName ?? i.person.id}</strong> still be {i.role ? ROLE[i.role as keyof typeof ROLE] : "on the roster"}
                      {i.side ? ` on side “${i.side.name ?? i.side.id}”` : " on this wall"}?
                      {i.person.active === false && <> <Badge tone="amber">deactivated</Badge></>}
                      {i.recommendation === "remove" && <div className="text-xs text-slate-500">Recommendation: remove (the person is deactivated)</div>}
                    </>
                  ) : (
                    i.questionText
                  )}
                </td>
                <td className="text-xs">
                  {i.person ? (
                    <>
                      {i.viaGroup ? `through group ${i.viaGroup.name ?? i.viaGroup.id}` : "named directly"}
                      {i.onRosterSince && <div>since <Time value={i.onRosterSince} date /></div>}
                    </>
                  ) : "—"}
                </td>
                <td className="text-xs">{i.person ? (i.acknowledgedAt ? <>acknowledged <Time value={i.acknowledgedAt} date /></> : <Badge tone="amber">not acknowledged</Badge>) : "—"}</td>
                <td>
                  {i.decision ? (
                    <>{LABEL[i.decision as Decision] ?? i.decision}{i.justification ? `: ${i.justification}` : ""}</>
                  ) : (
                    <div className="space-y-1">
                      <input
                        aria-label={`Justification for ${i.person ? (i.person.userName ?? i.person.id) : (i.wall.name ?? i.wall.id)}`}
                        placeholder="Justification (needed to remove or lift)"
                        className={`${field} w-64`}
                        value={justification[i.id] ?? ""}
                        onChange={(e) => setJustification((j) => ({ ...j, [i.id]: e.target.value }))}
                      />
                      <span className="flex gap-1">
                        {i.decisions.map((d) => (
                          <Button key={d} variant="secondary" onClick={() => void decide(i, d)}>{LABEL[d]}</Button>
                        ))}
                      </span>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
