"use client";

// The reviewer's queue, built for fast informed decisions: each row shows the person, the scope,
// the reasons (group path or direct grant, since when), status, last opened and the
// recommendation. Keyboard: j / k (or ↓ / ↑) move, a keep, r revoke, d don't know, x select;
// with rows selected, Shift+A keeps and Shift+R revokes them all (where the campaign allows bulk).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, getJson, sendJson } from "@/components/ui/api";
import { Button } from "@/components/ui/button";
import { Time } from "@/components/ui/time";
import type { ReviewItemView } from "@/lib/reviews/queries";
import { accessQueueEmptyText } from "@/components/reviews/wording";

type Item = Omit<ReviewItemView, "decidedAt" | "appliedAt" | "lastOpenedAt"> & { lastOpenedAt: string | null };
type Queue = { total: number; items: Item[]; bulkAllowed: Record<string, boolean>; revokeNotes: Record<string, string | null> };
type Decision = "keep" | "revoke" | "dont_know";

const field = "mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

export function ReviewQueue() {
  const [state, setState] = useState("open");
  const [recommendation, setRecommendation] = useState("");
  const [q, setQ] = useState("");
  const [current, setCurrent] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [justification, setJustification] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  // Set when a row becomes current: the seconds spent on it are measured from there.
  const since = useRef(0);
  const client = useQueryClient();
  const url = `/api/reviews/queue?${new URLSearchParams({ state, pageSize: "100", ...(recommendation ? { recommendation } : {}), ...(q ? { q } : {}) })}`;
  const { data: queue } = useQuery({ queryKey: ["reviews", url], queryFn: () => getJson<Queue>(url) });
  // Open wall items (the "Ethical walls to review" section below): "Nothing to review." only when there are none either.
  const wallUrl = `/api/reviews/wall-queue?${new URLSearchParams({ state: "open", pageSize: "1" })}`;
  const { data: walls } = useQuery({ queryKey: ["wall-reviews", wallUrl], queryFn: () => getJson<{ total: number }>(wallUrl) });
  const emptyText = accessQueueEmptyText({ wallItems: walls?.total });
  const load = useCallback(async () => {
    setSelected(new Set());
    await client.invalidateQueries({ queryKey: ["reviews"] });
  }, [client]);

  useEffect(() => {
    since.current = Date.now();
  }, [current]);

  const decide = useCallback(
    async (items: Item[], decision: Decision) => {
      if (items.length === 0) return;
      setMessage(null);
      try {
        await sendJson("POST", "/api/reviews/decisions", {
          campaignId: items[0].campaignId,
          itemIds: items.map((i) => i.id),
          decision,
          justification: justification || undefined,
          secondsSpent: Math.round((Date.now() - since.current) / 1000),
        });
        setJustification("");
        setMessage(`${items.length} ${items.length === 1 ? "item" : "items"}: ${decision.replace("_", " ")}`);
        await load();
      } catch (err) {
        setMessage(err instanceof ApiError ? err.message : "The decision was not recorded");
      }
    },
    [justification, load],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!queue || (e.target as HTMLElement).closest("input, select, textarea")) return;
      const item = queue.items[current];
      const chosen = queue.items.filter((i) => selected.has(i.id));
      if (e.key === "j" || e.key === "ArrowDown") setCurrent((c) => Math.min(c + 1, queue.items.length - 1));
      else if (e.key === "k" || e.key === "ArrowUp") setCurrent((c) => Math.max(c - 1, 0));
      else if (e.key === "x" && item) setSelected((s) => { const n = new Set(s); if (n.has(item.id)) n.delete(item.id); else n.add(item.id); return n; });
      else if (e.key === "A" && chosen.length) void decide(chosen, "keep");
      else if (e.key === "R" && chosen.length) void decide(chosen, "revoke");
      else if (e.key === "a" && item) void decide([item], "keep");
      else if (e.key === "r" && item) void decide([item], "revoke");
      else if (e.key === "d" && item) void decide([item], "dont_know");
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [queue, current, selected, decide]);

  const chosen = queue?.items.filter((i) => selected.has(i.id)) ?? [];
  const bulkOk = chosen.length > 1 && chosen.every((i) => i.campaignId === chosen[0].campaignId && queue?.bulkAllowed[i.campaignId] && i.confidentiality !== "strictly_confidential");
  return (
    <div className="mt-4 space-y-4">
      <form className="flex flex-wrap items-end gap-3" role="search" onSubmit={(e) => e.preventDefault()}>
        <label className="text-sm text-slate-700">Show<select className={field} value={state} onChange={(e) => setState(e.target.value)}><option value="open">To decide</option><option value="decided">Decided</option><option value="all">All</option></select></label>
        <label className="text-sm text-slate-700">Recommendation<select className={field} value={recommendation} onChange={(e) => setRecommendation(e.target.value)}><option value="">Any</option><option value="revoke">Revoke</option><option value="keep">Keep</option><option value="none">None</option></select></label>
        <label className="text-sm text-slate-700">Person<input className={field} value={q} onChange={(e) => setQ(e.target.value)} /></label>
        <label className="text-sm text-slate-700">Justification<input className={`${field} w-72`} value={justification} onChange={(e) => setJustification(e.target.value)} /></label>
      </form>
      <p className="text-xs text-slate-500">Keys: j/k move · a keep · r revoke · d don&apos;t know · x select · Shift+A / Shift+R decide the selected rows</p>
      {message && <p role="status" className="text-sm text-slate-700">{message}</p>}
      {queue && [...new Set(queue.items.flatMap((i) => (queue.revokeNotes[i.campaignId] ? [queue.revokeNotes[i.campaignId]!] : [])))].map((note) => (
        <p key={note} className="rounded border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">{note}</p>
      ))}
      {chosen.length > 1 && (
        <div className="flex items-center gap-2 text-sm">
          {chosen.length} selected
          <Button variant="secondary" disabled={!bulkOk} onClick={() => void decide(chosen, "keep")}>Keep selected</Button>
          <Button variant="secondary" disabled={!bulkOk} onClick={() => void decide(chosen, "revoke")}>Revoke selected</Button>
          {!bulkOk && <span className="text-slate-500">Bulk is not allowed here (campaign setting or strictly confidential items)</span>}
        </div>
      )}
      {!queue ? (
        <p className="text-sm text-slate-600">Loading…</p>
      ) : queue.items.length === 0 ? (
        emptyText && <p className="text-sm text-slate-600">{emptyText}</p>
      ) : (
        <table className="w-full text-left text-sm">
          <caption className="sr-only">{queue.total} items assigned to you</caption>
          <thead className="text-slate-600"><tr><th className="w-8"><span className="sr-only">Select</span></th><th>Person</th><th>Access</th><th>Why</th><th>Status</th><th>Recommendation</th><th>Decide</th></tr></thead>
          <tbody>
            {queue.items.map((i, n) => (
              <tr key={i.id} aria-current={n === current ? "true" : undefined} className={`border-t border-slate-100 align-top ${n === current ? "bg-brand-50" : ""}`} onClick={() => setCurrent(n)}>
                <td className="py-1.5"><input type="checkbox" aria-label={`Select ${i.person.userName ?? i.person.id}`} checked={selected.has(i.id)} onChange={() => setSelected((s) => { const x = new Set(s); if (x.has(i.id)) x.delete(i.id); else x.add(i.id); return x; })} /></td>
                <td>{i.person.displayName ?? i.person.userName ?? i.person.id}{i.person.department && <div className="text-xs text-slate-500">{i.person.department}</div>}</td>
                <td>{i.level} on {i.repository.name}{i.contract ? ` / ${i.contract.title}` : ` (${i.contracts} contracts)`}<div className="text-xs text-slate-500">{i.confidentiality.replace("_", " ")}</div></td>
                <td className="text-xs">{i.reasons.map((r, k) => <div key={k}>{r.via.kind === "group" ? r.via.path.map((g) => g.name ?? g.id).join(" › ") : "direct grant"} ({r.level}) since <Time value={r.since} date /></div>)}</td>
                <td className="text-xs">{i.personStatus.replace("_", " ")}{i.inactiveDays ? `, untouched ${i.inactiveDays} d` : ""}<div>last opened: {i.lastOpenedAt ? <Time value={i.lastOpenedAt} /> : "unknown"}</div></td>
                <td>{i.recommendation ?? "—"}{i.recommendationText && <div className="text-xs text-slate-500">{i.recommendationText}</div>}</td>
                <td>
                  {i.decision ? `${i.decision.replace("_", " ")}${i.carriedForward ? " (carried forward)" : ""}` : (
                    <span className="flex gap-1">
                      <Button variant="secondary" onClick={() => void decide([i], "keep")}>Keep</Button>
                      <Button variant="secondary" onClick={() => void decide([i], "revoke")}>Revoke</Button>
                      <Button variant="secondary" onClick={() => void decide([i], "dont_know")}>Don&apos;t know</Button>
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
