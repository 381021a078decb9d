"use client";

// The wall pages' buttons: each opens a dialog that asks why (activation, lifting, removing a
// screened person or a scope item, acknowledging on someone's behalf), calls its admin route and
// refreshes the server-rendered page. Reminders and issuing a certificate need no reason.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ApiError, sendJson } from "@/components/ui/api";
import { Button, type ButtonVariant } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextAreaField } from "@/components/ui/field";

type Method = "POST" | "DELETE";

/**
 * A button that asks for a reason in a dialog, then sends `{ [field]: reason, ...extra }` to `url`.
 * `label` names the button (and, with `accessibleName`, what it acts on for screen readers).
 */
export function ReasonButton({
  label,
  accessibleName,
  title,
  description,
  field = "reason",
  fieldLabel = "Reason",
  method = "POST",
  url,
  extra,
  confirmLabel,
  variant = "secondary",
  done,
}: {
  label: string;
  accessibleName?: string;
  title: string;
  description?: React.ReactNode;
  field?: "reason" | "justification";
  fieldLabel?: string;
  method?: Method;
  url: string;
  extra?: Record<string, unknown>;
  confirmLabel: string;
  variant?: ButtonVariant;
  /** Where to go afterwards (default: refresh this page). */
  done?: string;
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await sendJson(method, url, { ...extra, [field]: reason });
      setOpen(false);
      setReason("");
      if (done) router.push(done);
      router.refresh();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "The request failed");
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button variant={variant} aria-label={accessibleName} onClick={() => setOpen(true)}>{label}</Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={title} description={description} role="alertdialog">
        <form onSubmit={submit} className="space-y-4">
          <TextAreaField label={fieldLabel} required minLength={10} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} hint="At least 10 characters; recorded in the audit trail." />
          {error && <p role="alert" className="text-sm text-red-700">{error}</p>}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)} disabled={busy} data-autofocus="">Cancel</Button>
            <Button type="submit" variant={variant === "danger" ? "danger" : "primary"} disabled={busy}>{busy ? "Saving…" : confirmLabel}</Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

/**
 * A button that POSTs to `url` and says what came back: `message` with `{field}` replaced by the
 * answer's fields (a string, not a function: server pages render this button).
 */
export function PostButton({ label, url, body, message: template, variant = "secondary" }: { label: string; url: string; body?: unknown; message: string; variant?: ButtonVariant }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <Button
        variant={variant}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          setMessage(null);
          try {
            const result = await sendJson<Record<string, unknown>>("POST", url, body ?? {});
            setMessage(template.replace(/\{(\w+)\}/g, (_, k: string) => String(result?.[k] ?? "")));
            router.refresh();
          } catch (err) {
            setError(err instanceof ApiError ? err.message : "The request failed");
          } finally {
            setBusy(false);
          }
        }}
      >
        {label}
      </Button>
      {message && <span role="status" className="text-sm text-slate-700">{message}</span>}
      {error && <span role="alert" className="text-sm text-red-700">{error}</span>}
    </span>
  );
}
