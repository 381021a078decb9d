"use client";

// The signed-in person's walls: the memo, their part (insider, screened, a side), and the
// acknowledgment — given here, recorded in the audit trail (POST /api/walls/mine/{id}/acknowledge).
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ApiError, sendJson } from "@/components/ui/api";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Time } from "@/components/ui/time";
import type { PersonWallView } from "@/lib/walls/queries";

type Wall = Omit<PersonWallView, "acknowledgedAt"> & { acknowledgedAt: string | null };

const ROLE: Record<Wall["role"], string> = { insider: "You are an insider", screened: "You are screened from this matter", side: "You are on side" };

export function MyWalls({ walls }: { walls: Wall[] }) {
  if (walls.length === 0) return <p className="mt-6 text-slate-700">You are on no ethical wall.</p>;
  return (
    <ul className="mt-6 space-y-4">
      {walls.map((w) => <WallItem key={w.wallId} wall={w} />)}
    </ul>
  );
}

function WallItem({ wall }: { wall: Wall }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [read, setRead] = useState(false);
  const acknowledge = async () => {
    setBusy(true);
    setError(null);
    try {
      await sendJson("POST", `/api/walls/mine/${wall.wallId}/acknowledge`);
      router.refresh();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "The acknowledgment was not recorded");
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm" aria-labelledby={`wall-${wall.wallId}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id={`wall-${wall.wallId}`} className="text-lg font-semibold text-slate-900">{wall.name}</h2>
        <span className="flex gap-2">
          {wall.state === "draft" && <Badge tone="amber">not in force yet</Badge>}
          {wall.acknowledgedAt ? <Badge tone="green">acknowledged</Badge> : wall.acknowledgmentRequested ? <Badge tone="amber">acknowledgment requested</Badge> : null}
        </span>
      </div>
      <p className="mt-1 text-sm text-slate-600">
        {wall.matterRef && <>{wall.matterRef} · </>}
        {ROLE[wall.role]}{wall.role === "side" && wall.sideName ? ` “${wall.sideName}”` : ""}.
        {wall.gatesAccess && !wall.acknowledgedAt && " Your access to the matter's contracts is withheld until you acknowledge the memo."}
      </p>
      <div className="mt-3 whitespace-pre-wrap rounded-md border-l-4 border-slate-300 bg-slate-50 p-3 text-sm text-slate-800">{wall.description || "No memo."}</div>
      {wall.acknowledgedAt ? (
        <p className="mt-3 text-sm text-slate-700">You acknowledged this memo on <Time value={wall.acknowledgedAt} />.</p>
      ) : wall.state === "draft" ? (
        <p className="mt-3 text-sm text-slate-700">This wall is a draft: you can acknowledge its memo once it is activated.</p>
      ) : wall.acknowledgmentRequested ? (
        <div className="mt-3 flex flex-wrap items-center gap-3">
          <label className="flex items-center gap-2 text-sm text-slate-800">
            <input type="checkbox" checked={read} onChange={(e) => setRead(e.target.checked)} />
            I have read the memo and will comply with it
          </label>
          <Button disabled={!read || busy} onClick={acknowledge}>Acknowledge {wall.name}</Button>
          {error && <p role="alert" className="text-sm text-red-700">{error}</p>}
        </div>
      ) : null}
    </li>
  );
}
