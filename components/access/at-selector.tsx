"use client";

// The point-in-time selector of access views: empty = now; otherwise a local date-time (to the
// second) sent to the server as an ISO instant. The future cannot be picked: history holds nothing
// after now, so an answer "as of" tomorrow would silently be today's (the APIs answer 400 too). The
// picker's max is now (refreshed whenever it is opened), and a future value typed in is not applied
// but shown with an error next to the field.
import { useId, useState, useSyncExternalStore } from "react";
import { fromLocalInputValue, toLocalInputValue } from "@/components/ui/format";
import { Time } from "@/components/ui/time";

const subscribe = () => () => {};
const FUTURE = "This instant is in the future: access can be shown for now or a past instant only.";

export function AtSelector({ value, onChange, label = "As of" }: { value: string | undefined; onChange: (iso: string | undefined) => void; label?: string }) {
  const id = useId();
  // The server cannot know the viewer's "now" in their zone: max is set once in the browser (the
  // first client render matches the server's), and moved forward when the field gets focus.
  const isClient = useSyncExternalStore(subscribe, () => true, () => false);
  const [openedAt, setOpenedAt] = useState<number | null>(null);
  const [rejected, setRejected] = useState<string | null>(null);
  const [mountedAt] = useState(() => Date.now());
  const max = isClient ? toLocalInputValue(new Date(openedAt ?? mountedAt)) : undefined;
  const local = rejected ?? (value ? toLocalInputValue(new Date(value)) : "");

  const change = (raw: string) => {
    const iso = fromLocalInputValue(raw);
    if (iso && Date.parse(iso) > Date.now()) {
      setRejected(raw);
      return;
    }
    setRejected(null);
    onChange(iso);
  };
  const error = rejected !== null ? FUTURE : undefined;

  return (
    <div className="flex flex-wrap items-end gap-2">
      <div>
        <label htmlFor={id} className="block text-sm font-medium text-slate-700">{label}</label>
        <input id={id} type="datetime-local" step={1} value={local} max={max}
          onFocus={() => setOpenedAt(Date.now())}
          onChange={(e) => change(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error ${id}-hint` : `${id}-hint`}
          className={`mt-1 block rounded-md border px-2 py-1.5 text-sm focus:outline-none focus:ring-1 ${error ? "border-red-600 focus:border-red-700 focus:ring-red-700" : "border-slate-300 focus:border-brand-600 focus:ring-brand-600"}`} />
      </div>
      <button type="button" onClick={() => { setRejected(null); onChange(undefined); }} disabled={!value && rejected === null}
        className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50 disabled:opacity-50">
        Now
      </button>
      {error && <p id={`${id}-error`} role="alert" className="w-full text-xs font-medium text-red-700">{error}</p>}
      <p id={`${id}-hint`} className="w-full text-xs text-slate-500">
        {value ? <>Showing access as it was at <Time value={value} seconds /> (your time zone).</> : "Showing access now. Pick a date and time to see the past."}
      </p>
    </div>
  );
}
