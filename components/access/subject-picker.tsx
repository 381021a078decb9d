"use client";

// Choosing what an access review or an evidence pack is about: the kind (a segmented radio group)
// and then one contract, repository or person from /api/admin/access/subjects.
import { EntityPicker, type PickerOption } from "@/components/ui/entity-picker";
import type { SubjectKind, SubjectSummary } from "@/lib/access-review/queries";

export function SubjectKindToggle<K extends string>({
  legend,
  name,
  kinds,
  value,
  onChange,
}: {
  legend: string;
  name: string;
  kinds: [K, string][];
  value: K;
  onChange: (kind: K) => void;
}) {
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-700">{legend}</legend>
      <div role="radiogroup" className="mt-1 inline-flex overflow-hidden rounded-md border border-slate-300">
        {kinds.map(([k, label]) => (
          <label key={k} className={`cursor-pointer px-3 py-1.5 text-sm focus-within:ring-2 focus-within:ring-brand-600 ${value === k ? "bg-brand-600 text-white" : "bg-white text-slate-700 hover:bg-slate-50"}`}>
            <input type="radio" name={name} value={k} checked={value === k} onChange={() => onChange(k)} className="sr-only" />
            {label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

const LABELS: Record<SubjectKind, [label: string, placeholder: string]> = {
  contract: ["Contract", "Title, counterparty or external ref"],
  repository: ["Repository", "Repository name"],
  user: ["Person", "Name, userName or e-mail"],
};

/** `at`: the instant under review (ISO); people are then also found by the userName they held then. */
export function SubjectPicker({ kind, value, onChange, at }: { kind: SubjectKind; value: PickerOption | null; onChange: (subject: PickerOption | null) => void; at?: string }) {
  const [label, placeholder] = LABELS[kind];
  return (
    <EntityPicker<SubjectSummary>
      key={kind}
      label={label}
      value={value}
      onChange={onChange}
      searchUrl={(q) => `/api/admin/access/subjects?kind=${kind}&q=${encodeURIComponent(q)}${at ? `&at=${encodeURIComponent(at)}` : ""}`}
      toOption={(s) => ({ id: s.id, label: s.label, secondary: s.secondary })}
      placeholder={placeholder}
    />
  );
}
