"use client";

// A server-paginated, sortable table fed by a JSON endpoint returning { items, total, page,
// pageSize } (lib/pagination.ts). Filters live in the URL query of the endpoint; the table shows
// loading, empty and error states.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { adminKey } from "@/components/data-hooks/keys";
import { HorizontalScroll } from "./horizontal-scroll";

export interface Column<T> {
  key: string;
  header: string;
  sortable?: boolean;
  className?: string;
  /** Shown from 1,280 px up only: below that the columns that matter most keep their room. */
  minor?: boolean;
  render: (row: T) => React.ReactNode;
}

/** The classes that hide a minor column on narrower screens. */
export const columnClass = (c: { className?: string; minor?: boolean }) => `${c.className ?? ""}${c.minor ? " hidden xl:table-cell" : ""}`;

interface PageResponse<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
  /** The server stopped counting at `total`: there are more matches than that. */
  totalCapped?: boolean;
}

async function fetchJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { accept: "application/json" } });
  const body = await res.json().catch(() => undefined);
  if (!res.ok) throw new Error(body?.error?.message ?? `Request failed (${res.status})`);
  return body as T;
}

export function DataTable<T>({
  endpoint,
  params,
  columns,
  rowKey,
  emptyMessage,
  label,
  defaultSort,
  pageSize = 50,
  liveRefreshMs,
}: {
  endpoint: string;
  params: Record<string, string | undefined>;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  emptyMessage: string;
  label: string;
  defaultSort?: { key: string; order: "asc" | "desc" };
  pageSize?: number;
  /**
   * Refetch the first page this often (newest-first logs: new rows appear on top). Later pages stay
   * still, so rows do not shift under someone reading them.
   */
  liveRefreshMs?: number;
}) {
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState(defaultSort);
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) query.set(k, v);
  query.set("page", String(page));
  query.set("pageSize", String(pageSize));
  if (sort) {
    query.set("sort", sort.key);
    query.set("order", sort.order);
  }
  const url = `${endpoint}?${query}`;
  const { data, error, isPending, isFetching } = useQuery({
    queryKey: adminKey(url),
    queryFn: () => fetchJson<PageResponse<T>>(url),
    placeholderData: keepPreviousData,
    refetchInterval: liveRefreshMs && page === 1 ? liveRefreshMs : false,
  });
  const paramsKey = JSON.stringify(params);
  const [lastParams, setLastParams] = useState(paramsKey);
  if (lastParams !== paramsKey) {
    setLastParams(paramsKey);
    setPage(1);
  }
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;

  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
      <HorizontalScroll label={label}>
        <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label={label} aria-busy={isFetching}>
          <thead className="bg-slate-50">
            <tr>
              {columns.map((c) => (
                <th key={c.key} scope="col" className={`px-4 py-2 text-left font-medium text-slate-600 ${columnClass(c)}`}
                  aria-sort={sort?.key === c.key ? (sort.order === "asc" ? "ascending" : "descending") : undefined}>
                  {c.sortable ? (
                    <button type="button" className="inline-flex items-center gap-1 hover:text-slate-900"
                      onClick={() => setSort({ key: c.key, order: sort?.key === c.key && sort.order === "asc" ? "desc" : "asc" })}>
                      {c.header}
                      <span aria-hidden="true">{sort?.key === c.key ? (sort.order === "asc" ? "▲" : "▼") : "↕"}</span>
                    </button>
                  ) : (
                    c.header
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {isPending && (
              <tr>
                <td colSpan={columns.length} className="px-4 py-8 text-center text-slate-500">Loading…</td>
              </tr>
            )}
            {error && (
              <tr>
                <td colSpan={columns.length} className="px-4 py-8 text-center text-red-700" role="alert">
                  Could not load: {(error as Error).message}
                </td>
              </tr>
            )}
            {data && data.items.length === 0 && (
              <tr>
                <td colSpan={columns.length} className="px-4 py-8 text-center text-slate-500">{emptyMessage}</td>
              </tr>
            )}
            {data?.items.map((row) => (
              <tr key={rowKey(row)} className="hover:bg-slate-50">
                {columns.map((c) => (
                  <td key={c.key} className={`px-4 py-2 align-top text-slate-800 ${columnClass(c)}`}>{c.render(row)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </HorizontalScroll>
      <div className="flex items-center justify-between border-t border-slate-200 px-4 py-2 text-sm text-slate-600">
        <span>
          {data
            ? data.totalCapped
              ? `More than ${data.total.toLocaleString("en")} results`
              : `${data.total.toLocaleString("en")} result${data.total === 1 ? "" : "s"}`
            : " "}
        </span>
        <div className="flex items-center gap-2">
          <button type="button" className="rounded border border-slate-300 px-2 py-1 disabled:opacity-40" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Previous
          </button>
          <span>Page {page} of {pages}</span>
          <button type="button" className="rounded border border-slate-300 px-2 py-1 disabled:opacity-40" disabled={page >= pages} onClick={() => setPage(page + 1)}>
            Next
          </button>
        </div>
      </div>
    </div>
  );
}
