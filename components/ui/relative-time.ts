// "3 min ago" for recency columns (last used, last request); absolute beyond a month.
import { formatDate } from "./format";

export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "never";
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return seconds < -60 ? formatDate(iso) : "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days <= 31) return `${days} days ago`;
  return formatDate(iso);
}
