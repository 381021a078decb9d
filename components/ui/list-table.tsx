// A table for short lists already in hand (a directory's tokens, its OAuth clients), with the same
// loading, empty and error states as the server-paginated DataTable.
import { columnClass, type Column } from "./data-table";
import { HorizontalScroll } from "./horizontal-scroll";

export function ListTable<T>({
  label,
  columns,
  rows,
  rowKey,
  isPending,
  error,
  emptyMessage,
  rowClassName,
}: {
  label: string;
  columns: Column<T>[];
  rows: T[] | undefined;
  rowKey: (row: T) => string;
  isPending: boolean;
  error: Error | null;
  emptyMessage: React.ReactNode;
  rowClassName?: (row: T) => string;
}) {
  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
      <HorizontalScroll label={label}>
      <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label={label} aria-busy={isPending}>
        <thead className="bg-slate-50">
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={`px-4 py-2 text-left font-medium text-slate-600 ${columnClass(c)}`}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {isPending && (
            <tr>
              <td colSpan={columns.length} className="px-4 py-6 text-center text-slate-500">Loading…</td>
            </tr>
          )}
          {error && (
            <tr>
              <td colSpan={columns.length} className="px-4 py-6 text-center text-red-700" role="alert">
                Could not load: {error.message}
              </td>
            </tr>
          )}
          {rows && rows.length === 0 && (
            <tr>
              <td colSpan={columns.length} className="px-4 py-6 text-center text-slate-500">{emptyMessage}</td>
            </tr>
          )}
          {rows?.map((row) => (
            <tr key={rowKey(row)} className={rowClassName?.(row) ?? ""}>
              {columns.map((c) => (
                <td key={c.key} className={`px-4 py-2 align-top text-slate-800 ${columnClass(c)}`}>{c.render(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      </HorizontalScroll>
    </div>
  );
}
