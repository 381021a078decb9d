"use client";

// Shows a freshly created secret exactly once: a warning that it cannot be shown again, the value
// in a read-only field with a copy button, and a close button that says what it means.
import { useId } from "react";
import { Button } from "./button";
import { CopyButton } from "./copy-button";
import { Dialog } from "./dialog";

export interface SecretValue {
  label: string;
  value: string;
  /** Non-secret values (a client id, a URL) are shown without the warning styling. */
  secret?: boolean;
}

export function SecretDialog({
  open,
  title,
  values,
  children,
  onClose,
  storage = "Custodian stores only a hash of it: once you close this dialog it cannot be shown again. If it is lost, create a new one and revoke this one.",
}: {
  open: boolean;
  title: string;
  values: SecretValue[];
  children?: React.ReactNode;
  onClose: () => void;
  /** How the secret is kept and what to do if it is lost (after "Copy the secret now."). */
  storage?: string;
}) {
  const baseId = useId();
  return (
    <Dialog
      open={open}
      onClose={onClose}
      role="alertdialog"
      size="lg"
      title={title}
      description={
        <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-amber-900">
          <strong>Copy the secret now.</strong> {storage}
        </p>
      }
      footer={<Button onClick={onClose}>I have copied it — close</Button>}
    >
      <div className="space-y-4">
        {values.map((v, i) => (
          <div key={v.label}>
            <label htmlFor={`${baseId}-${i}`} className="block text-sm font-medium text-slate-700">
              {v.label}
            </label>
            <div className="mt-1 flex flex-wrap items-center gap-2">
              <input
                id={`${baseId}-${i}`}
                readOnly
                value={v.value}
                onFocus={(e) => e.currentTarget.select()}
                data-secret={v.secret === false ? undefined : "true"}
                className="min-w-0 flex-1 rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm"
              />
              <CopyButton value={v.value} label={`Copy ${/^[A-Z][^A-Z]*$/.test(v.label) ? v.label.toLowerCase() : v.label}`} />
            </div>
          </div>
        ))}
        {children}
      </div>
    </Dialog>
  );
}
