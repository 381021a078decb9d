"use client";

// The point-in-time selector of access views: empty = now; otherwise a local date-time (to the
// second) sent to the server as an ISO instant.
import { useId } from "react";
import { fromLocalInputValue, toLocalInputValue } from "@/components/ui/format";
import { Time } from "@/components/ui/time";

export function AtSelector({ value, onChange, label = "As of" }: { value: string | undefined; onChange: (iso: string | undefined) => void; label?: string }) {
  const id = useId();
  const local = value ? toLocalInputValue(new Date(value)) : "";
  return (
    <div className="flex flex-wrap items-end gap-2">
      <div>
        <label htmlFor={id} className="block text-sm font-medium text-slate-700">{label}</label>
        <input id={id} type="datetime-local" step={1} value={local}
          onChange={(e) => onChange(fromLocalInputValue(e.target.value))}
          aria-describedby={`${id}-hint`}
          className="mt-1 block rounded-md border border-slate-300 px-2 py-1.5 text-sm focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600" />
      </div>
      <button type="button" onClick={() => onChange(undefined)} disabled={!value}
        className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50 disabled:opacity-50">
        Now
      </button>
      <p id={`${id}-hint`} className="w-full text-xs text-slate-500">
        {value ? <>Showing access as it was at <Time value={value} seconds /> (your time zone).</> : "Showing access now. Pick a date and time to see the past."}
      </p>
    </div>
  );
}
