"use client";

// Growing a wall from its page: people or groups onto the roster, items into the scope (on an
// active wall in force at once: the changes' access.revoked events are recorded). A wall of sides
// takes them per side.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ApiError, sendJson } from "@/components/ui/api";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/ui/field";
import { RosterPicker, ScopePicker, type RosterPick, type ScopePick } from "./item-pickers";

export function AddToWall({ wallId, what, sides, rosterLabel }: { wallId: string; what: "roster" | "scope"; sides: { id: string; name: string }[]; rosterLabel: string }) {
  const router = useRouter();
  const [sideId, setSideId] = useState(sides[0]?.id ?? "");
  const [people, setPeople] = useState<RosterPick[]>([]);
  const [scope, setScope] = useState<ScopePick[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const count = what === "roster" ? people.length : scope.length;
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const items = what === "roster" ? people.map((p) => (p.userId ? { userId: p.userId } : { groupId: p.groupId })) : scope.map((s) => ({ kind: s.kind, value: s.value }));
      await sendJson("POST", `/api/admin/walls/${wallId}/${what}`, { ...(sides.length ? { sideId } : {}), items });
      setPeople([]);
      setScope([]);
      router.refresh();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "The request failed");
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="space-y-3 rounded-md border border-dashed border-slate-300 p-4">
      {sides.length > 0 && (
        <SelectField label="Side" value={sideId} onChange={(e) => setSideId(e.target.value)}>
          {sides.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </SelectField>
      )}
      {what === "roster" ? <RosterPicker label={rosterLabel} items={people} onChange={setPeople} /> : <ScopePicker label="Scope" items={scope} onChange={setScope} />}
      {error && <p role="alert" className="text-sm text-red-700">{error}</p>}
      <Button variant="secondary" disabled={busy || count === 0} onClick={submit}>{what === "roster" ? `Add ${count || ""} to the roster` : `Add ${count || ""} to the scope`}</Button>
    </div>
  );
}
