// Words and badges for walls, shared by the walls pages, "My walls" and the access explanations.
import Link from "next/link";
import { Badge } from "@/components/ui/badge";

export const KIND_LABEL: Record<string, string> = { inclusionary: "Inclusionary", exclusionary: "Exclusionary screen", sides: "Sides" };

export function WallStateBadge({ state }: { state: string }) {
  return <Badge tone={state === "active" ? "red" : state === "draft" ? "amber" : "gray"}>{state}</Badge>;
}

export function WallKindBadge({ kind }: { kind: string }) {
  return <Badge tone="blue">{KIND_LABEL[kind] ?? kind}</Badge>;
}

/** "Ethical wall: <name>" — a link to the wall for those who may read walls, else the name only. */
export function WallBadge({ wallId, wallName, sideName, link }: { wallId: string; wallName: string; sideName?: string | null; link: boolean }) {
  const text = `Ethical wall: ${wallName}${sideName ? ` (side ${sideName})` : ""}`;
  return (
    <span className="inline-flex items-center rounded bg-red-50 px-1.5 py-0.5 text-xs font-medium text-red-800 ring-1 ring-inset ring-red-600/20">
      {link ? <Link className="underline" href={`/dashboard/walls/${wallId}`}>{text}</Link> : text}
    </span>
  );
}

/** Acknowledgment progress: "3 of 5 acknowledged" with a bar. */
export function AcknowledgmentProgress({ acknowledged, people, label }: { acknowledged: number; people: number; label: string }) {
  const percent = people ? Math.round((100 * acknowledged) / people) : 100;
  return (
    <div className="min-w-32">
      <span className="text-sm">{acknowledged} of {people} acknowledged</span>
      <div className="mt-1 h-1.5 w-full rounded bg-slate-100" role="progressbar" aria-label={label} aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
        <div className={`h-1.5 rounded ${percent === 100 ? "bg-green-600" : "bg-brand-600"}`} style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
