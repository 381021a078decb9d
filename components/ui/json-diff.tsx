// Before/after of an audit event as a table of changed paths. Nested objects are flattened to
// dotted paths; arrays and scalars are compared as whole values.

type Flat = Map<string, unknown>;

function flatten(value: unknown, prefix = "", out: Flat = new Map()): Flat {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) out.set(prefix, {});
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, value);
  } else if (value !== null && value !== undefined) {
    out.set("(value)", value);
  }
  return out;
}

export type DiffKind = "added" | "removed" | "changed" | "unchanged";

export interface DiffRow {
  path: string;
  before: unknown;
  after: unknown;
  kind: DiffKind;
  hasBefore: boolean;
  hasAfter: boolean;
}

export function diffRows(before: unknown, after: unknown): DiffRow[] {
  const b = flatten(before);
  const a = flatten(after);
  const paths = [...new Set([...b.keys(), ...a.keys()])].sort();
  return paths.map((path) => {
    const hasBefore = b.has(path);
    const hasAfter = a.has(path);
    const same = hasBefore && hasAfter && JSON.stringify(b.get(path)) === JSON.stringify(a.get(path));
    const kind: DiffKind = same ? "unchanged" : !hasBefore ? "added" : !hasAfter ? "removed" : "changed";
    return { path, before: b.get(path), after: a.get(path), kind, hasBefore, hasAfter };
  });
}

function show(value: unknown, present: boolean): string {
  if (!present) return "";
  if (typeof value === "string") return value;
  return JSON.stringify(value, null, 1);
}

const kindStyle: Record<DiffKind, { row: string; label: string }> = {
  added: { row: "bg-green-50", label: "added" },
  removed: { row: "bg-red-50", label: "removed" },
  changed: { row: "bg-amber-50", label: "changed" },
  unchanged: { row: "", label: "same" },
};

export function JsonDiff({ before, after, describe }: {
  before: unknown;
  after: unknown;
  /** Shows a value another way (e.g. an id as the name of what it identifies); undefined: as recorded. */
  describe?: (value: unknown) => React.ReactNode | undefined;
}) {
  const cell = (value: unknown, present: boolean) => (present && describe?.(value)) || show(value, present);
  const rows = diffRows(before, after);
  if (rows.length === 0) return <p className="text-sm text-slate-600">This event records no before/after values.</p>;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="Changes recorded by this event">
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className="px-4 py-2 text-left font-medium text-slate-600">Attribute</th>
            <th scope="col" className="px-4 py-2 text-left font-medium text-slate-600">Change</th>
            <th scope="col" className="px-4 py-2 text-left font-medium text-slate-600">Before</th>
            <th scope="col" className="px-4 py-2 text-left font-medium text-slate-600">After</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.path} className={kindStyle[r.kind].row}>
              <th scope="row" className="px-4 py-2 text-left align-top font-mono text-xs font-medium text-slate-800">{r.path}</th>
              <td className="px-4 py-2 align-top text-xs text-slate-700">{kindStyle[r.kind].label}</td>
              <td data-raw="" className="max-w-md px-4 py-2 align-top font-mono text-xs whitespace-pre-wrap break-all text-slate-800">
                {r.kind === "added" ? <span className="text-slate-400">—</span> : cell(r.before, r.hasBefore)}
              </td>
              <td data-raw="" className="max-w-md px-4 py-2 align-top font-mono text-xs whitespace-pre-wrap break-all text-slate-800">
                {r.kind === "removed" ? <span className="text-slate-400">—</span> : cell(r.after, r.hasAfter)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
