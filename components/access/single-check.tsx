"use client";

// The access review's single check: can this person open this one contract (at the chosen
// instant)? Allowed shows the level and the reasons; not allowed says why in words.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { LevelBadge } from "@/components/access/badges";
import { ReasonsDisclosure, type ReasonJson } from "@/components/access/reasons";
import { SubjectPicker } from "@/components/access/subject-picker";
import { errorMessage, getJson } from "@/components/ui/api";
import type { PickerOption } from "@/components/ui/entity-picker";
import { adminKey } from "@/components/data-hooks/keys";
import { WallBadge } from "@/components/walls/labels";
import { denialSentence, type DenialJson } from "@/lib/access/denial-text";

interface CheckJson {
  allowed: boolean;
  level: string | null;
  reasons: ReasonJson[];
  denial: DenialJson[];
}

export function SingleCheck({ userId, at }: { userId: string; at: string | undefined }) {
  const [contract, setContract] = useState<PickerOption | null>(null);
  const q = new URLSearchParams({ userId, contractId: contract?.id ?? "" });
  if (at) q.set("at", at);
  const url = `/api/admin/access/check?${q}`;
  const check = useQuery({ queryKey: adminKey(url), queryFn: () => getJson<CheckJson>(url), enabled: contract !== null });
  return (
    <div className="space-y-3">
      <SubjectPicker kind="contract" value={contract} onChange={setContract} />
      {contract && check.isError && <p className="text-sm text-red-700">{errorMessage(check.error)}</p>}
      {contract && check.data && (
        <div className="text-sm" role="status">
          {check.data.allowed ? (
            <>
              <p className="mb-2">Allowed: <LevelBadge level={check.data.level} /></p>
              <ReasonsDisclosure reasons={check.data.reasons} />
            </>
          ) : (
            <>
              <p className="font-medium text-red-800">{denialSentence(check.data.denial)}</p>
              {/* Every role that reviews access may read walls: the badge links to the wall. */}
              {check.data.denial.flatMap((d) => (d.code === "wall" ? [d] : [])).map((d) => (
                <span key={`${d.wallId}-${d.sideId ?? ""}`} className="mr-2 mt-1 inline-block"><WallBadge wallId={d.wallId} wallName={d.wallName} sideName={d.sideName} link /></span>
              ))}
            </>
          )}
        </div>
      )}
    </div>
  );
}
