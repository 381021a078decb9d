"use client";

// Mover reviews (lib/reviews/mover.ts): when this directory changes a person's department or
// manager, a small review campaign of their access goes to the new manager. Read for everyone who
// can read directories, editable by admins (the server checks directories:write either way).
import Link from "next/link";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { sendJson } from "@/components/ui/api";
import { useFormSubmit } from "@/components/ui/use-form-submit";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FormError, TextField } from "@/components/ui/field";
import type { DirectoryDetail } from "@/lib/directories/queries";
import { adminKey } from "@/components/data-hooks/keys";

const link = "text-brand-700 underline underline-offset-2 hover:text-brand-900";

export function MoverReviewSettings({ directory, canWrite, saved, onSaved }: {
  directory: DirectoryDetail;
  canWrite: boolean;
  saved: boolean;
  onSaved: (saved: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const m = directory.moverReviews;
  const [enabled, setEnabled] = useState(m.enabled);
  const { onSubmit, pending, errors, formError } = useFormSubmit({
    fields: ["moverReviews.fallbackReviewerId", "moverReviews.durationDays", "moverReviews"],
    submit: async (form) => {
      onSaved(false);
      const days = String(form.get("durationDays") ?? "").trim();
      const fallback = String(form.get("fallbackReviewerId") ?? "").trim();
      await sendJson("PATCH", `/api/admin/directories/${directory.id}`, {
        // Disabled fields are not in the form: turning off keeps the stored values.
        moverReviews: enabled
          ? { enabled, fallbackReviewerId: fallback || null, durationDays: days === "" || Number.isNaN(Number(days)) ? days : Number(days) }
          : { enabled, fallbackReviewerId: m.fallbackReviewer?.id ?? null, durationDays: m.durationDays },
      });
      onSaved(true);
      await queryClient.invalidateQueries({ queryKey: adminKey(`/api/admin/directories/${directory.id}`) });
    },
  });
  const fallbackName = m.fallbackReviewer ? (m.fallbackReviewer.displayName ?? m.fallbackReviewer.userName ?? "a person no longer known") : null;
  return (
    <Card
      title="Mover reviews"
      description="People who move keep access from their old role unless someone looks. A change of department or manager from this directory can start a review of the person's access by the new manager."
    >
      <p className="text-sm text-slate-700" data-testid="mover-summary">
        {m.enabled
          ? `On: a move starts a ${m.durationDays}-day review for the new manager (fallback reviewer: ${fallbackName ?? "none"}).`
          : "Off: moves start no review."}
      </p>
      <p className="mt-1 text-sm text-slate-600">
        Started in the last 30 days: <strong>{m.startedLast30Days}</strong> · waiting: <strong>{m.pending}</strong>
        {m.startedLast30Days > 0 && <> · <Link className={link} href="/dashboard/campaigns">see campaigns</Link></>}
      </p>
      {canWrite && (
        <form onSubmit={onSubmit} className="mt-4 grid max-w-3xl gap-4 sm:grid-cols-3 sm:items-start" noValidate aria-label="Mover reviews">
          <label className="flex items-center gap-2 pt-6 text-sm text-slate-700">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
            Review access after a move
          </label>
          <TextField label="Fallback reviewer (person id)" name="fallbackReviewerId" defaultValue={m.fallbackReviewer?.id ?? ""} disabled={!enabled}
            error={errors["moverReviews.fallbackReviewerId"]} hint="Reviews when the new manager is unknown to Custodian" />
          <TextField label="Review duration (days)" name="durationDays" inputMode="numeric" defaultValue={m.durationDays} disabled={!enabled}
            error={errors["moverReviews.durationDays"]} hint="1 to 365" />
          <div className="sm:col-span-3 flex items-center gap-3">
            <Button type="submit" disabled={pending}>{pending ? "Saving…" : "Save mover reviews"}</Button>
            {saved && <span role="status" className="text-sm text-green-800">Saved.</span>}
          </div>
          <div className="sm:col-span-3"><FormError message={formError ?? errors.moverReviews} /></div>
        </form>
      )}
    </Card>
  );
}
