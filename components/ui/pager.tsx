// Previous/next for page-number paginated panels that are not a DataTable.
export function Pager({ page, pageSize, total, onPage, label }: { page: number; pageSize: number; total: number; onPage: (page: number) => void; label: string }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav aria-label={`${label} pages`} className="mt-3 flex items-center justify-between text-sm text-slate-600">
      <span>{total.toLocaleString("en")} result{total === 1 ? "" : "s"}</span>
      <div className="flex items-center gap-2">
        <button type="button" className="rounded border border-slate-300 px-2 py-1 disabled:opacity-40" disabled={page <= 1} onClick={() => onPage(page - 1)}>
          Previous
        </button>
        <span>Page {page} of {pages}</span>
        <button type="button" className="rounded border border-slate-300 px-2 py-1 disabled:opacity-40" disabled={page >= pages} onClick={() => onPage(page + 1)}>
          Next
        </button>
      </div>
    </nav>
  );
}
