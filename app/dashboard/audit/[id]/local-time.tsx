// A timestamp in the viewer's time zone, through the one formatter (the server renders UTC; the
// browser swaps in local time after hydration).
import { Time } from "@/components/ui/time";

export function LocalTime({ iso }: { iso: string }) {
  return <Time value={iso} seconds />;
}
