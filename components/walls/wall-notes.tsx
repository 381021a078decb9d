// Wall badges where access is explained: on a contract's page the active walls covering it, on a
// person's page the walls they are on. Server-rendered beside the pages' access views.
import { Card } from "@/components/ui/card";
import type { CoveringWall } from "@/lib/walls/coverage";
import type { PersonWallView } from "@/lib/walls/queries";
import { WallBadge } from "./labels";

export function ContractWalls({ walls }: { walls: CoveringWall[] }) {
  if (walls.length === 0) return null;
  return (
    <Card className="mt-6" title="Ethical walls" description="These walls beat every grant: the people and readers shown above already leave out whom they deny.">
      <ul className="space-y-1 text-sm">
        {walls.map((w) => (
          <li key={`${w.wallId}-${w.sideName ?? ""}`} className="flex flex-wrap items-center gap-2">
            <WallBadge wallId={w.wallId} wallName={w.name} sideName={w.sideName} link />
            <span className="text-slate-600">
              {w.kind === "inclusionary" ? `only its ${w.people} insiders may open this contract` : w.kind === "exclusionary" ? `${w.people} screened ${w.people === 1 ? "person is" : "people are"} denied it` : `in side ${w.sideName ?? "?"}'s scope: the other sides' people are denied it`}
            </span>
          </li>
        ))}
      </ul>
    </Card>
  );
}

const ROLE = { insider: "insider of", screened: "screened by", side: "on a side of" } as const;

export function PersonWalls({ walls }: { walls: PersonWallView[] }) {
  if (walls.length === 0) return null;
  return (
    <Card className="mt-6" title="Ethical walls" description="Walls beat every grant: the access shown above already applies them.">
      <ul className="space-y-1 text-sm">
        {walls.map((w) => (
          <li key={w.wallId} className="flex flex-wrap items-center gap-2">
            <span className="text-slate-700">{ROLE[w.role]}</span>
            <WallBadge wallId={w.wallId} wallName={w.name} sideName={w.sideName} link />
            {w.state === "draft" && <span className="text-slate-500">(draft, not in force)</span>}
            {w.gatesAccess && !w.acknowledgedAt && <span className="text-amber-800">access withheld until the memo is acknowledged</span>}
          </li>
        ))}
      </ul>
    </Card>
  );
}
