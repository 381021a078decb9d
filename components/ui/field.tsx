"use client";

// Labelled form controls with a hint and the server's field-level error, wired for screen readers
// (aria-invalid, aria-describedby).
import { useId } from "react";

const control =
  "mt-1 block w-full rounded-md border px-3 py-1.5 text-sm focus:outline-none focus:ring-1 disabled:bg-slate-100";
const okBorder = "border-slate-300 focus:border-brand-600 focus:ring-brand-600";
const errBorder = "border-red-600 focus:border-red-700 focus:ring-red-700";

interface FieldProps {
  label: string;
  error?: string;
  hint?: React.ReactNode;
  className?: string;
  required?: boolean;
}

function useFieldIds(error?: string, hint?: React.ReactNode) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return { id, hintId, errorId, describedBy: [hintId, errorId].filter(Boolean).join(" ") || undefined };
}

function Wrapper({ id, label, required, hint, hintId, error, errorId, className, children }: FieldProps & { id: string; hintId?: string; errorId?: string; children: React.ReactNode }) {
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
        {required && <span className="text-red-700" aria-hidden="true"> *</span>}
      </label>
      {children}
      {hint && <p id={hintId} className="mt-1 text-xs text-slate-500">{hint}</p>}
      {error && <p id={errorId} className="mt-1 text-xs font-medium text-red-700">{error}</p>}
    </div>
  );
}

export function TextField({ label, error, hint, className, required, ...input }: FieldProps & Omit<React.InputHTMLAttributes<HTMLInputElement>, "className">) {
  const ids = useFieldIds(error, hint);
  return (
    <Wrapper {...{ label, error, hint, className, required }} id={ids.id} hintId={ids.hintId} errorId={ids.errorId}>
      <input id={ids.id} required={required} aria-invalid={error ? true : undefined} aria-describedby={ids.describedBy}
        {...input} className={`${control} ${error ? errBorder : okBorder}`} />
    </Wrapper>
  );
}

export function TextAreaField({ label, error, hint, className, required, ...input }: FieldProps & Omit<React.TextareaHTMLAttributes<HTMLTextAreaElement>, "className">) {
  const ids = useFieldIds(error, hint);
  return (
    <Wrapper {...{ label, error, hint, className, required }} id={ids.id} hintId={ids.hintId} errorId={ids.errorId}>
      <textarea id={ids.id} required={required} aria-invalid={error ? true : undefined} aria-describedby={ids.describedBy}
        {...input} className={`${control} ${error ? errBorder : okBorder}`} />
    </Wrapper>
  );
}

export function SelectField({ label, error, hint, className, required, children, ...input }: FieldProps & Omit<React.SelectHTMLAttributes<HTMLSelectElement>, "className">) {
  const ids = useFieldIds(error, hint);
  return (
    <Wrapper {...{ label, error, hint, className, required }} id={ids.id} hintId={ids.hintId} errorId={ids.errorId}>
      <select id={ids.id} required={required} aria-invalid={error ? true : undefined} aria-describedby={ids.describedBy}
        {...input} className={`${control} bg-white ${error ? errBorder : okBorder}`}>
        {children}
      </select>
    </Wrapper>
  );
}

/** A form-level error (not tied to one field). */
export function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{message}</p>;
}
