"use client";

// Confirmation for destructive actions: a native modal <dialog> (focus is moved into it and kept
// there, Escape cancels), with the action's consequences spelled out.
import { useEffect, useRef } from "react";
import { Button } from "./button";

export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  pending = false,
  error,
  onConfirm,
  onCancel,
  size = "md",
  confirmDisabled = false,
}: {
  open: boolean;
  title: string;
  children?: React.ReactNode;
  confirmLabel: string;
  pending?: boolean;
  error?: string;
  onConfirm: () => void;
  onCancel: () => void;
  /** "lg" for dialogs that show a table (e.g. an impact preview). */
  size?: "md" | "lg";
  /** The confirm button waits (e.g. for an impact preview); Cancel stays available. */
  confirmDisabled?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // The safe choice has the focus: Enter on a destructive dialog must not destroy.
      cancelRef.current?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} onCancel={(e) => { e.preventDefault(); if (!pending) onCancel(); }} aria-labelledby="confirm-dialog-title"
      className={`m-auto w-full ${size === "lg" ? "max-w-3xl" : "max-w-md"} rounded-lg border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/40`}>
      {open && (
        <div className="p-5">
          <h2 id="confirm-dialog-title" className="text-lg font-semibold text-slate-900">{title}</h2>
          <div className="mt-2 text-sm text-slate-700">{children}</div>
          {error && <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{error}</p>}
          <div className="mt-5 flex justify-end gap-2">
            <Button ref={cancelRef} variant="secondary" onClick={onCancel} disabled={pending}>Cancel</Button>
            <Button variant="danger" onClick={onConfirm} disabled={pending || confirmDisabled}>{pending ? "Working…" : confirmLabel}</Button>
          </div>
        </div>
      )}
    </dialog>
  );
}
