// The breach-attempt alert (overview and the walls list): decision-API attempts walls denied in the
// last days, one line per person × wall (repeated attempts summarised). Server-rendered.
import Link from "next/link";
import { Time } from "@/components/ui/time";
import type { WallAttemptAlert } from "@/lib/walls/alerts";

export function AttemptAlert({ alert, days }: { alert: WallAttemptAlert; days: number }) {
  if (alert.attempts === 0) return null;
  return (
    <section role="alert" aria-label="Ethical wall breach attempts" className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-900">
      <h2 className="font-semibold">
        {alert.attempts} access {alert.attempts === 1 ? "attempt" : "attempts"} denied by ethical walls in the last {days} days ({alert.people} {alert.people === 1 ? "person" : "people"}, {alert.walls} {alert.walls === 1 ? "wall" : "walls"})
      </h2>
      <ul className="mt-2 space-y-1">
        {alert.lines.map((l) => (
          <li key={`${l.wallId}-${l.userId}`}>
            <Link className="underline" href={`/dashboard/users/${l.userId}`}>{l.userName ?? "(erased person)"}</Link> tried {l.attempts}× ({l.contracts} {l.contracts === 1 ? "contract" : "contracts"}) behind{" "}
            <Link className="underline" href={`/dashboard/walls/${l.wallId}#attempts`}>{l.wallName ?? "a wall"}</Link>, first <Time value={l.first} />, last <Time value={l.last} />
          </li>
        ))}
      </ul>
    </section>
  );
}
