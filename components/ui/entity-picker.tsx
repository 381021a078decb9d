"use client";

// Search-and-pick for one record (a group, a person, a contract…): type to search, pick from the
// results with the keyboard (arrow keys + Enter) or the mouse. The chosen record shows as a chip
// with a Change button. Results come from a JSON endpoint answering `{ items: [...] }`.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { getJson } from "./api";
import { adminKey } from "@/components/data-hooks/keys";

export interface PickerOption {
  id: string;
  label: string;
  secondary?: string | null;
}

function useDebounced<T>(value: T, ms = 250): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

export function EntityPicker<T>({
  label,
  value,
  onChange,
  searchUrl,
  toOption,
  error,
  hint,
  placeholder = "Type to search…",
  required,
}: {
  label: string;
  value: PickerOption | null;
  onChange: (value: PickerOption | null) => void;
  /** URL for a search term, answering `{ items }`. */
  searchUrl: (q: string) => string;
  toOption: (item: T) => PickerOption;
  error?: string;
  hint?: string;
  placeholder?: string;
  required?: boolean;
}) {
  const id = useId();
  const [q, setQ] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const term = useDebounced(q);
  const query = useQuery({
    // "options": the picker caches mapped options, never the page a table caches for the same URL.
    queryKey: [...adminKey(searchUrl(term)), "options"],
    queryFn: async () => (await getJson<{ items: T[] }>(searchUrl(term))).items.map(toOption),
    enabled: open && value === null,
  });
  const options = query.data ?? [];
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;

  if (value) {
    return (
      <div>
        <span className="block text-sm font-medium text-slate-700" id={`${id}-label`}>{label}{required && <span className="text-red-700" aria-hidden="true"> *</span>}</span>
        <div className={`mt-1 flex items-center justify-between gap-2 rounded-md border px-3 py-1.5 text-sm ${error ? "border-red-600" : "border-slate-300"} bg-slate-50`}>
          <span>
            <span className="font-medium text-slate-900">{value.label}</span>
            {value.secondary && <span className="ml-2 text-xs text-slate-500">{value.secondary}</span>}
          </span>
          <button type="button" className="text-sm text-brand-700 underline" onClick={() => { onChange(null); setOpen(true); }}>
            Change<span className="sr-only"> {label}</span>
          </button>
        </div>
        {hint && <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">{hint}</p>}
        {error && <p id={`${id}-error`} className="mt-1 text-xs font-medium text-red-700">{error}</p>}
      </div>
    );
  }

  const choose = (option: PickerOption) => {
    onChange(option);
    setOpen(false);
    setQ("");
  };
  const listId = `${id}-list`;
  return (
    <div className="relative">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">{label}{required && <span className="text-red-700" aria-hidden="true"> *</span>}</label>
      <input
        id={id}
        type="text"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && options[active] ? `${id}-opt-${active}` : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        autoComplete="off"
        value={q}
        placeholder={placeholder}
        onChange={(e) => { setQ(e.target.value); setOpen(true); setActive(0); }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") { e.preventDefault(); setOpen(true); setActive((a) => Math.min(a + 1, Math.max(0, options.length - 1))); }
          else if (e.key === "ArrowUp") { e.preventDefault(); setActive((a) => Math.max(0, a - 1)); }
          else if (e.key === "Enter" && open && options[active]) { e.preventDefault(); choose(options[active]); }
          else if (e.key === "Escape") setOpen(false);
        }}
        className={`mt-1 block w-full rounded-md border px-3 py-1.5 text-sm focus:outline-none focus:ring-1 ${error ? "border-red-600 focus:ring-red-700" : "border-slate-300 focus:border-brand-600 focus:ring-brand-600"}`}
      />
      {hint && <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">{hint}</p>}
      {error && <p id={`${id}-error`} className="mt-1 text-xs font-medium text-red-700">{error}</p>}
      {open && (
        <ul id={listId} role="listbox" aria-label={`${label} results`}
          className="absolute z-20 mt-1 max-h-64 w-full overflow-auto rounded-md border border-slate-200 bg-white py-1 text-sm shadow-lg">
          {query.isPending && <li className="px-3 py-2 text-slate-500" role="presentation">Searching…</li>}
          {query.error && <li className="px-3 py-2 text-red-700" role="presentation">Could not search: {(query.error as Error).message}</li>}
          {query.data && options.length === 0 && <li className="px-3 py-2 text-slate-500" role="presentation">No matches.</li>}
          {options.map((o, i) => (
            <li key={o.id} id={`${id}-opt-${i}`} role="option" aria-selected={i === active}
              onMouseDown={(e) => e.preventDefault()} onClick={() => choose(o)} onMouseEnter={() => setActive(i)}
              className={`cursor-pointer px-3 py-1.5 ${i === active ? "bg-brand-50 text-brand-900" : "text-slate-800"}`}>
              <span className="font-medium">{o.label}</span>
              {o.secondary && <span className="ml-2 text-xs text-slate-500">{o.secondary}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
