"use client";

// The directory's inactivity policy (lib/users/inactivity.ts): read for everyone who can read
// directories, editable by admins (the server checks directories:write either way).
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { sendJson } from "@/components/ui/api";
import { useFormSubmit } from "@/components/ui/use-form-submit";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FormError, SelectField, TextField } from "@/components/ui/field";
import { formatNumber } from "@/components/ui/format";
import type { DirectoryDetail } from "@/lib/directories/queries";
import { adminKey } from "@/components/data-hooks/keys";

export function InactivitySettings({ directory, canWrite, saved, onSaved }: {
  directory: DirectoryDetail;
  canWrite: boolean;
  /** Whether the last submit saved (held by the parent: this component is remounted with new values). */
  saved: boolean;
  onSaved: (saved: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const [enabled, setEnabled] = useState(directory.inactivityDays !== null);
  const { flagged, suspended } = directory.monitoring.users;
  const { onSubmit, pending, errors, formError } = useFormSubmit({
    fields: ["inactivityDays", "inactivityAction"],
    submit: async (form) => {
      onSaved(false);
      const days = String(form.get("inactivityDays") ?? "").trim();
      await sendJson("PATCH", `/api/admin/directories/${directory.id}`, {
        inactivityDays: enabled ? (days === "" || Number.isNaN(Number(days)) ? days : Number(days)) : null,
        inactivityAction: String(form.get("inactivityAction") ?? directory.inactivityAction),
      });
      onSaved(true);
      await queryClient.invalidateQueries({ queryKey: adminKey(`/api/admin/directories/${directory.id}`) });
    },
  });

  const summary =
    directory.inactivityDays === null
      ? "Off: users are never flagged for inactivity."
      : `Users this directory has not written or read for ${directory.inactivityDays} days are ${directory.inactivityAction === "suspend" ? "flagged and their access suspended until the directory touches them again" : "flagged"}.`;

  return (
    <Card title="Inactivity policy" description="Identity providers that stop sending a person usually forgot them. Custodian notices when the directory last wrote or read each user.">
      <p className="text-sm text-slate-700" data-testid="inactivity-summary">{summary}</p>
      <p className="mt-1 text-sm text-slate-600">
        Now flagged: <strong>{formatNumber(flagged)}</strong> · suspended: <strong className={suspended ? "text-red-700" : ""}>{formatNumber(suspended)}</strong>
        {flagged > 0 && (
          <> · <a className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/users?directoryId=${directory.id}&inactivity=flagged`}>see users</a></>
        )}
      </p>
      {canWrite && (
        <form onSubmit={onSubmit} className="mt-4 grid max-w-3xl gap-4 sm:grid-cols-3 sm:items-start" noValidate aria-label="Inactivity policy">
          <label className="flex items-center gap-2 pt-6 text-sm text-slate-700">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
            Flag inactive users
          </label>
          <TextField label="Days without contact" name="inactivityDays" inputMode="numeric" disabled={!enabled}
            defaultValue={directory.inactivityDays ?? 90} error={errors.inactivityDays} hint="1 to 3650" />
          <SelectField label="Then" name="inactivityAction" defaultValue={directory.inactivityAction} disabled={!enabled} error={errors.inactivityAction}
            hint="Suspended users lose all access until the directory sends or reads them again.">
            <option value="flag">Flag only</option>
            <option value="suspend">Flag and suspend access</option>
          </SelectField>
          <div className="sm:col-span-3 flex items-center gap-3">
            <Button type="submit" disabled={pending}>{pending ? "Saving…" : "Save policy"}</Button>
            {saved && <span role="status" className="text-sm text-green-800">Saved.</span>}
          </div>
          <div className="sm:col-span-3"><FormError message={formError} /></div>
        </form>
      )}
    </Card>
  );
}
