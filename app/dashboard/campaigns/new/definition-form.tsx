"use client";

// A campaign definition: scope, granularity, reviewers per stage, fallback, duration, recurrence,
// reminders and escalation, the default for undecided items, justification and bulk rules
// (lib/reviews/schemas.ts campaignConfig).
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ApiError, sendJson } from "@/components/ui/api";
import { Button } from "@/components/ui/button";

const field = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";
const REVIEWERS = [
  { value: "manager", label: "The person's manager (SCIM)" },
  { value: "repository_owners", label: "The repository's owners" },
  { value: "named", label: "Named reviewers" },
];
const ids = (text: string) => text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
/** One per line (a counterparty's name may hold commas: "ACME, Inc."). */
const lines = (text: string) => text.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);

type WallOption = { id: string; name: string; matterRef: string | null; kind: string; people: number };

export function DefinitionForm({ repositories, walls }: { repositories: { id: string; name: string }[]; walls: WallOption[] }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [subject, setSubject] = useState<"access" | "walls">("access");
  const [chosenWalls, setChosenWalls] = useState<string[]>([]);
  // A wall review's items: per wall one "still needed?" and one per person on its roster (as of now; frozen at start).
  const reviewed = chosenWalls.length ? walls.filter((w) => chosenWalls.includes(w.id)) : walls;
  const wallItems = reviewed.reduce((n, w) => n + 1 + w.people, 0);
  // The access scope's fields mean nothing to a wall review: hidden (still posted, and ignored).
  const accessOnly = subject === "walls" ? " hidden" : "";
  async function submit(form: FormData) {
    setBusy(true);
    setError(null);
    const stages = [1, 2, 3]
      .map((n) => ({ reviewers: String(form.get(`stage${n}`) ?? ""), namedReviewerIds: ids(String(form.get(`named${n}`) ?? "")) }))
      .filter((s) => s.reviewers);
    const config = {
      scope: {
        repositoryIds: form.getAll("repositoryIds").map(String),
        contractTypes: String(form.get("contractTypes") ?? "").split(",").map((s) => s.trim()).filter(Boolean),
        counterparties: lines(String(form.get("counterparties") ?? "")),
        directOnly: form.get("directOnly") === "on",
        confidentialityFloor: form.get("confidentialityFloor") || null,
        inactiveDays: form.get("inactiveDays") ? Number(form.get("inactiveDays")) : null,
      },
      perContractFrom: form.get("perContractFrom") || null,
      stages,
      fallbackReviewerId: String(form.get("fallbackReviewerId") ?? "").trim(),
      durationDays: Number(form.get("durationDays") || 14),
      undecided: form.get("undecided"),
      justification: { keep: form.get("justifyKeep") === "on", revoke: form.get("justifyRevoke") === "on" },
      bulkAllowed: form.get("bulkAllowed") === "on",
      recurrence: form.get("recurrence") && form.get("recurrenceStart")
        ? { every: form.get("recurrence"), startAt: new Date(`${String(form.get("recurrenceStart"))}T00:00`).toISOString() }
        : null,
      reminderEveryDays: form.get("reminderEveryDays") ? Number(form.get("reminderEveryDays")) : null,
      escalateAfterDays: form.get("escalateAfterDays") ? Number(form.get("escalateAfterDays")) : null,
      carryForward: form.get("carryForward") === "on",
      neverOpenedDays: form.get("neverOpenedDays") ? Number(form.get("neverOpenedDays")) : null,
      walls: subject === "walls" ? { wallIds: chosenWalls } : null,
    };
    try {
      await sendJson("POST", "/api/admin/review-definitions", { name: form.get("name"), config });
      router.push("/dashboard/campaigns");
      router.refresh();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "The definition could not be saved");
    } finally {
      setBusy(false);
    }
  }
  return (
    <form action={submit} className="max-w-2xl space-y-4">
      <label className="block text-sm text-slate-700">Name<input required name="name" className={field} /></label>
      <fieldset className="flex flex-wrap gap-4 text-sm text-slate-700">
        <legend className="mb-1 font-medium">What to review</legend>
        <label className="flex items-center gap-2"><input type="radio" name="subject" value="access" checked={subject === "access"} onChange={() => setSubject("access")} className="accent-brand-600" /> Who can see which contracts (access)</label>
        <label className="flex items-center gap-2"><input type="radio" name="subject" value="walls" checked={subject === "walls"} onChange={() => setSubject("walls")} className="accent-brand-600" /> Ethical walls: is each still needed, is its roster right</label>
      </fieldset>
      {subject === "walls" && (
        <div className="space-y-2 rounded border border-slate-200 p-3">
          <label className="block text-sm text-slate-700">
            Walls (none selected: every wall active when a campaign starts)
            <select multiple name="wallIds" className={field} size={Math.min(8, Math.max(3, walls.length))} value={chosenWalls} onChange={(e) => setChosenWalls([...e.target.selectedOptions].map((o) => o.value))}>
              {walls.map((w) => <option key={w.id} value={w.id}>{w.name}{w.matterRef ? ` (${w.matterRef})` : ""} · {w.kind} · {w.people} on the roster</option>)}
            </select>
          </label>
          <p className="text-sm text-slate-700" role="status" aria-label="Wall review preview">
            Now: {reviewed.length} {reviewed.length === 1 ? "wall" : "walls"}, {wallItems} items ({reviewed.length} &quot;still needed?&quot; and {wallItems - reviewed.length} places on their rosters).
          </p>
          <p className="text-xs text-slate-500">
            Reviewers: named reviewers, the person&apos;s manager (roster items), or the owners of the repositories a wall covers; never the person reviewed, never someone the wall screens. Removing someone or lifting a wall needs a justification; undecided items are kept; a lift waits for an admin after the close.
          </p>
        </div>
      )}
      <label className={`block text-sm text-slate-700${accessOnly}`}>
        Repositories (none selected: all)
        <select multiple name="repositoryIds" className={field} size={Math.min(8, Math.max(3, repositories.length))}>
          {repositories.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
        </select>
      </label>
      <div className="grid grid-cols-2 gap-4">
        <label className={`block text-sm text-slate-700${accessOnly}`}>
          Contract types (comma-separated; empty: all)
          <input name="contractTypes" placeholder="NDA, MSA" className={field} />
        </label>
        <label className={`block text-sm text-slate-700${accessOnly}`}>
          Counterparties (one per line; empty: all)
          <textarea name="counterparties" rows={2} placeholder="ACME, Inc." className={field} />
        </label>
        <label className={`block text-sm text-slate-700${accessOnly}`}>
          Confidentiality at least
          <select name="confidentialityFloor" className={field} defaultValue="">
            <option value="">Any</option><option value="internal">Internal</option><option value="confidential">Confidential</option><option value="strictly_confidential">Strictly confidential</option>
          </select>
        </label>
        <label className={`block text-sm text-slate-700${accessOnly}`}>
          One item per contract from
          <select name="perContractFrom" className={field} defaultValue="strictly_confidential">
            <option value="">Never (person × repository)</option><option value="confidential">Confidential</option><option value="strictly_confidential">Strictly confidential</option>
          </select>
        </label>
        <label className={`block text-sm text-slate-700${accessOnly}`}>People inactive for at least (days)<input name="inactiveDays" type="number" min={1} className={field} /></label>
        <label className={`block text-sm text-slate-700${accessOnly}`}>Recommend revoke when nothing in scope was opened for (days)<input name="neverOpenedDays" type="number" min={1} max={3650} className={field} /></label>
        <label className="block text-sm text-slate-700">Duration (days)<input name="durationDays" type="number" min={1} max={365} defaultValue={14} className={field} /></label>
        <label className="block text-sm text-slate-700">
          Repeat
          <select name="recurrence" className={field} defaultValue="">
            <option value="">Never (start by hand)</option><option value="monthly">Monthly</option><option value="quarterly">Quarterly</option><option value="semiannually">Every six months</option><option value="annually">Yearly</option>
          </select>
        </label>
        <label className="block text-sm text-slate-700">First start (repeats from this day)<input name="recurrenceStart" type="date" className={field} /></label>
        <label className="block text-sm text-slate-700">Remind reviewers every (days)<input name="reminderEveryDays" type="number" min={1} max={365} className={field} /></label>
        <label className="block text-sm text-slate-700">Escalate to the fallback after (days)<input name="escalateAfterDays" type="number" min={1} max={365} className={field} /></label>
      </div>
      <label className={`flex items-center gap-2 text-sm text-slate-700${accessOnly}`}><input type="checkbox" name="directOnly" className="accent-brand-600" /> Direct grants only</label>
      {[1, 2, 3].map((n) => (
        <fieldset key={n} className="grid grid-cols-2 gap-4 rounded border border-slate-200 p-3">
          <legend className="px-1 text-sm font-medium text-slate-700">Stage {n}{n > 1 ? " (optional)" : ""}</legend>
          <label className="block text-sm text-slate-700">
            Reviewers
            <select name={`stage${n}`} className={field} defaultValue={n === 1 ? "manager" : ""} required={n === 1}>
              {n > 1 && <option value="">No stage {n}</option>}
              {REVIEWERS.map((r) => <option key={r.value} value={r.value}>{r.label}</option>)}
            </select>
          </label>
          <label className="block text-sm text-slate-700">Named reviewers (person ids)<input name={`named${n}`} className={field} /></label>
        </fieldset>
      ))}
      <label className="block text-sm text-slate-700">Fallback reviewer (person id)<input required name="fallbackReviewerId" className={field} /></label>
      <label className="block text-sm text-slate-700">
        Items nobody decided
        <select name="undecided" className={field} defaultValue="keep">
          <option value="keep">Keep</option><option value="revoke">Revoke</option><option value="recommendation">Follow the recommendation</option>
        </select>
      </label>
      <div className="flex flex-wrap gap-4 text-sm text-slate-700">
        <label className="flex items-center gap-2"><input type="checkbox" name="justifyRevoke" defaultChecked className="accent-brand-600" /> Revoke needs a justification</label>
        <label className="flex items-center gap-2"><input type="checkbox" name="justifyKeep" className="accent-brand-600" /> Keep needs a justification</label>
        <label className="flex items-center gap-2"><input type="checkbox" name="bulkAllowed" defaultChecked className="accent-brand-600" /> Bulk decisions (never for strictly confidential items)</label>
        <label className="flex items-center gap-2">
          <input type="checkbox" name="carryForward" className="accent-brand-600" /> Carry forward: keep, without asking, what a reviewer kept last time and has not changed since (never two campaigns in a row)
        </label>
      </div>
      {error && <p className="text-sm text-red-700" role="alert">{error}</p>}
      <Button type="submit" variant="primary" disabled={busy}>Save definition</Button>
    </form>
  );
}
