// Display formats shared by the dashboard pages. Times come from the one formatter
// (lib/time-format.ts); in JSX show them with <Time> (components/ui/time.tsx), which adds the
// machine-readable instant and the UTC hover.
export { formatDate, formatDateTime } from "@/lib/time-format";
export function formatNumber(value: number): string {
  return value.toLocaleString("en");
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatNumber(count)} ${count === 1 ? one : many}`;
}

/** "2026-03-01T14:05:09" in the viewer's zone, for <input type="datetime-local" step="1">. */
export function toLocalInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** The instant a datetime-local value names in the viewer's zone, as ISO 8601 (undefined when empty/invalid). */
export function fromLocalInputValue(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
