"use client";

// The campaign pages' buttons: preview and start a definition, close, extend and reassign a
// campaign, lift an exclusion. Each calls its admin route and refreshes the server-rendered page.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { sendJson, getJson, ApiError } from "@/components/ui/api";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { EntityPicker, type PickerOption } from "@/components/ui/entity-picker";
import { FormError, SelectField, TextAreaField, TextField } from "@/components/ui/field";

function useAction() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      router.refresh();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "The request failed");
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

type Preview = { items: number; people: number; reviewers: number; unassigned: number; recommendedRevoke: number; carriedForward: number; walls?: number };

export function DefinitionActions({ definitionId, name }: { definitionId: string; name: string }) {
  const { busy, error, run } = useAction();
  const [preview, setPreview] = useState<Preview | null>(null);
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button variant="secondary" disabled={busy} onClick={() => run(async () => setPreview(await getJson<Preview>(`/api/admin/review-definitions/${definitionId}/preview`)))}>
        Preview {name}
      </Button>
      <Button variant="primary" disabled={busy} onClick={() => run(() => sendJson("POST", `/api/admin/review-definitions/${definitionId}/start`))}>
        Start {name}
      </Button>
      {preview && (
        <p className="text-sm text-slate-700" role="status">
          {preview.walls !== undefined
            ? `${preview.items} items: ${preview.walls} walls and ${preview.items - preview.walls} places on their rosters (${preview.people} people), ${preview.reviewers} reviewers`
            : `${preview.items} items for ${preview.people} people, ${preview.reviewers} reviewers`}
          {preview.unassigned ? `, ${preview.unassigned} without a reviewer` : ""}; {preview.recommendedRevoke} recommended for {preview.walls !== undefined ? "removal" : "revocation"}
          {preview.carriedForward ? `; ${preview.carriedForward} carried forward (kept without asking)` : ""}
        </p>
      )}
      {error && <p className="text-sm text-red-700" role="alert">{error}</p>}
    </div>
  );
}

export function CloseCampaignButton({ campaignId }: { campaignId: string }) {
  const { busy, error, run } = useAction();
  return (
    <div>
      <Button
        variant="primary"
        disabled={busy}
        onClick={() => {
          if (window.confirm("Close the campaign? Undecided items get the campaign's default and every revocation is applied at once.")) {
            void run(() => sendJson("POST", `/api/admin/campaigns/${campaignId}/close`));
          }
        }}
      >
        Close and apply
      </Button>
      {error && <p className="mt-1 text-sm text-red-700" role="alert">{error}</p>}
    </div>
  );
}

export function LiftExclusionButton({ exclusionId, label }: { exclusionId: string; label: string }) {
  const { busy, error, run } = useAction();
  return (
    <div>
      <Button
        variant="secondary"
        disabled={busy}
        aria-label={`Lift ${label}`}
        onClick={() => {
          const justification = window.prompt("Why does the exclusion end? (recorded in the audit trail)");
          if (justification) void run(() => sendJson("POST", `/api/admin/exclusions/${exclusionId}/lift`, { justification }));
        }}
      >
        Lift
      </Button>
      {error && <p className="mt-1 text-sm text-red-700" role="alert">{error}</p>}
    </div>
  );
}

/** A date-time-local value (the browser's zone) for an instant: "2026-12-24T17:00". */
function localInputValue(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Moves the due date later, with a reason (admins and compliance). */
export function ExtendCampaignButton({ campaignId, dueAt }: { campaignId: string; dueAt: string }) {
  const { busy, error, run } = useAction();
  const [open, setOpen] = useState(false);
  const [when, setWhen] = useState(() => localInputValue(new Date(new Date(dueAt).getTime() + 7 * 86_400_000)));
  const [reason, setReason] = useState("");
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>Extend</Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title="Extend the campaign"
        description="Reviewers get more time; reminders and escalation keep their cadence. The new date and the reason go into the audit trail."
      >
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              await sendJson("POST", `/api/admin/campaigns/${campaignId}/extend`, { dueAt: new Date(when).toISOString(), reason });
              setOpen(false);
            });
          }}
        >
          <TextField label="New due date" type="datetime-local" required value={when} onChange={(e) => setWhen(e.target.value)} />
          <TextAreaField label="Reason" required rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
          <FormError message={error ?? undefined} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" type="button" onClick={() => setOpen(false)} disabled={busy}>Cancel</Button>
            <Button type="submit" disabled={busy}>Extend</Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

type UserOption = { id: string; userName: string; displayName: string | null; directory: { name: string } };

/** Moves a reviewer's undecided items to another person, with a reason (admins and compliance). */
export function ReassignItemsButton({ campaignId, reviewers }: { campaignId: string; reviewers: { id: string; label: string; open: number }[] }) {
  const { busy, error, run } = useAction();
  const [open, setOpen] = useState(false);
  const [from, setFrom] = useState(reviewers[0]?.id ?? "");
  const [to, setTo] = useState<PickerOption | null>(null);
  const [reason, setReason] = useState("");
  const [result, setResult] = useState<string | null>(null);
  if (reviewers.length === 0) return null;
  return (
    <div className="flex flex-col items-end">
      <Button
        variant="secondary"
        onClick={() => {
          // A new reassignment starts empty (the last one's person and reason were for other items),
          // and the list changes after each (and after decisions): never keep a reviewer no longer in it.
          if (!reviewers.some((r) => r.id === from)) setFrom(reviewers[0].id);
          setTo(null);
          setReason("");
          setResult(null);
          setOpen(true);
        }}
      >
        Reassign
      </Button>
      {result && <p className="mt-1 max-w-xs text-right text-xs text-slate-700" role="status">{result}</p>}
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title="Reassign undecided items"
        description="The reviewer's undecided items go to another person. Items about that person stay where they are: nobody reviews their own access."
      >
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            if (!to) return;
            void run(async () => {
              const r = await sendJson<{ reassigned: number; keptBack: number }>("POST", `/api/admin/campaigns/${campaignId}/reassign`, { fromReviewerId: from, toReviewerId: to.id, reason });
              setResult(`${r.reassigned} item${r.reassigned === 1 ? "" : "s"} reassigned to ${to.label}${r.keptBack ? `; ${r.keptBack} kept back (about ${to.label}, or screened from them by a wall)` : ""}`);
              setOpen(false);
            });
          }}
        >
          <SelectField label="From reviewer" required value={from} onChange={(e) => setFrom(e.target.value)}>
            {reviewers.map((r) => <option key={r.id} value={r.id}>{r.label} ({r.open} undecided)</option>)}
          </SelectField>
          <EntityPicker<UserOption>
            label="To" required value={to} onChange={setTo}
            searchUrl={(q) => `/api/admin/users?pageSize=20&search=${encodeURIComponent(q)}`}
            toOption={(u) => ({ id: u.id, label: u.displayName ?? u.userName, secondary: `${u.userName} · ${u.directory.name}` })}
          />
          <TextAreaField label="Reason" required rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
          <FormError message={error ?? undefined} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" type="button" onClick={() => setOpen(false)} disabled={busy}>Cancel</Button>
            <Button type="submit" disabled={busy || !to}>Reassign</Button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}

/** Answers a closed wall review's lift: lift the wall now, or keep it — with the reason (walls:write). */
export function WallLiftAnswerButton({ campaignId, itemId, wallName }: { campaignId: string; itemId: string; wallName: string }) {
  const { busy, error, run } = useAction();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const answer = (action: "lift" | "keep") =>
    run(async () => {
      await sendJson("POST", `/api/admin/campaigns/${campaignId}/wall-items/${itemId}/lift`, { action, reason });
      setOpen(false);
    });
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>Answer the lift of {wallName}</Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Lift ${wallName}?`}
        description="The reviewer found this wall no longer needed. Lifting ends the screen for everyone on it at once (its lift certificate is issued); keeping it declines the recommendation. Either way the reason goes into the audit trail."
      >
        <form className="space-y-4" onSubmit={(e) => e.preventDefault()}>
          <TextAreaField label="Reason" required rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
          <FormError message={error ?? undefined} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" type="button" onClick={() => setOpen(false)} disabled={busy}>Cancel</Button>
            <Button variant="secondary" type="button" disabled={busy || !reason.trim()} onClick={() => void answer("keep")}>Keep the wall</Button>
            <Button type="button" disabled={busy || !reason.trim()} onClick={() => void answer("lift")}>Lift the wall</Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
