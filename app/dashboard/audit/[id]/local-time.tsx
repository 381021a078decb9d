"use client";

// A timestamp in the viewer's time zone. The server renders UTC; the browser swaps in local time
// after hydration (no mismatch warning: the first client render matches the server's).
import { useSyncExternalStore } from "react";
import { formatDateTime } from "@/components/ui/format";

const subscribe = () => () => {};

export function LocalTime({ iso }: { iso: string }) {
  const isClient = useSyncExternalStore(subscribe, () => true, () => false);
  return (
    <time dateTime={iso} title={iso}>
      {isClient ? formatDateTime(iso) : `${iso.replace("T", " ").slice(0, 19)} UTC`}
    </time>
  );
}
