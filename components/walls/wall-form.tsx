"use client";

// Creating a wall (always a draft: nothing changes for anyone until it is activated) and editing
// one — a draft entirely, an active wall its name, matter and memo. After saving, the wall's page
// shows the draft preview: who would lose access to what if it were activated.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ApiError, fieldErrors, sendJson } from "@/components/ui/api";
import { Button, ButtonLink } from "@/components/ui/button";
import { FormError, SelectField, TextAreaField, TextField } from "@/components/ui/field";
import { RosterPicker, ScopePicker, type RosterPick, type ScopePick } from "./item-pickers";

type Kind = "inclusionary" | "exclusionary" | "sides";
type Side = { name: string; members: RosterPick[]; scope: ScopePick[] };

const KIND_HINT: Record<Kind, string> = {
  inclusionary: "Only the insiders may access the scope, whatever rules say; everyone else is denied.",
  exclusionary: "The screened people and groups are denied the scope, whatever rules say.",
  sides: "Each side's people are denied the other sides' scope.",
};

const roster = (items: RosterPick[]) => items.map((i) => (i.userId ? { userId: i.userId } : { groupId: i.groupId! }));
const scope = (items: ScopePick[]) => items.map((i) => ({ kind: i.kind, value: i.value }));

export interface WallFormInitial {
  id: string;
  version: number;
  state: string;
  name: string;
  matterRef: string | null;
  description: string;
  kind: Kind;
  requiresAcknowledgment: boolean;
  screenedAcknowledge: boolean;
}

export function WallForm({ initial }: { initial?: WallFormInitial }) {
  const router = useRouter();
  const editing = Boolean(initial);
  const draft = !initial || initial.state === "draft";
  const [name, setName] = useState(initial?.name ?? "");
  const [matterRef, setMatterRef] = useState(initial?.matterRef ?? "");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [kind, setKind] = useState<Kind>(initial?.kind ?? "exclusionary");
  const [requiresAcknowledgment, setRequires] = useState(initial?.requiresAcknowledgment ?? false);
  const [screenedAcknowledge, setScreenedAck] = useState(initial?.screenedAcknowledge ?? false);
  const [members, setMembers] = useState<RosterPick[]>([]);
  const [items, setItems] = useState<ScopePick[]>([]);
  const [sides, setSides] = useState<Side[]>([{ name: "", members: [], scope: [] }, { name: "", members: [], scope: [] }]);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errors = fieldErrors(error);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      if (initial) {
        const body = draft
          ? { name, matterRef: matterRef || null, description, kind, requiresAcknowledgment, screenedAcknowledge }
          : { name, matterRef: matterRef || null, description };
        await sendJson("PATCH", `/api/admin/walls/${initial.id}`, body, { ifMatch: initial.version });
        router.push(`/dashboard/walls/${initial.id}`);
      } else {
        const wall = await sendJson<{ id: string }>("POST", "/api/admin/walls", {
          name,
          matterRef: matterRef || null,
          description,
          kind,
          requiresAcknowledgment,
          screenedAcknowledge,
          ...(kind === "sides"
            ? { sides: sides.map((s) => ({ name: s.name, members: roster(s.members), scope: scope(s.scope) })) }
            : { members: roster(members), scope: scope(items) }),
        });
        router.push(`/dashboard/walls/${wall.id}`);
      }
      router.refresh();
    } catch (err) {
      setError(err);
      setPending(false);
    }
  };

  const setSide = (n: number, patch: Partial<Side>) => setSides(sides.map((s, k) => (k === n ? { ...s, ...patch } : s)));
  return (
    <form onSubmit={submit} className="space-y-6" noValidate>
      <section className="grid gap-4 rounded-lg border border-slate-200 bg-white p-5 md:grid-cols-2">
        <TextField label="Name" required value={name} onChange={(e) => setName(e.target.value)} error={errors.name} />
        <TextField label="Matter or client reference" value={matterRef} onChange={(e) => setMatterRef(e.target.value)} error={errors.matterRef} hint="e.g. M-2026-0042 Acme / Beta merger" />
        <TextAreaField className="md:col-span-2" label="Memo" rows={5} value={description} onChange={(e) => setDescription(e.target.value)} error={errors.description}
          hint="What the people on the wall must know and acknowledge (written notice, ABA Model Rule 1.10(a)(2))." />
        <SelectField label="Kind" value={kind} disabled={!draft || editing} onChange={(e) => setKind(e.target.value as Kind)} error={errors.kind} hint={KIND_HINT[kind]}>
          <option value="exclusionary">Exclusionary: screen people from the scope</option>
          <option value="inclusionary">Inclusionary: only insiders may access the scope</option>
          <option value="sides">Sides: opposing teams of one matter</option>
        </SelectField>
        <div className="space-y-2 text-sm text-slate-800">
          <label className="flex items-start gap-2">
            <input type="checkbox" className="mt-1" disabled={!draft} checked={requiresAcknowledgment} onChange={(e) => setRequires(e.target.checked)} />
            <span>Withhold access until the memo is acknowledged<span className="block text-xs text-slate-500">Insiders and side members are denied the scope until they acknowledge.</span></span>
          </label>
          <label className="flex items-start gap-2">
            <input type="checkbox" className="mt-1" disabled={!draft} checked={screenedAcknowledge} onChange={(e) => setScreenedAck(e.target.checked)} />
            <span>Screened people acknowledge too<span className="block text-xs text-slate-500">Recorded; they are denied either way.</span></span>
          </label>
        </div>
      </section>

      {!editing && kind !== "sides" && (
        <section className="space-y-4 rounded-lg border border-slate-200 bg-white p-5">
          <RosterPicker label={kind === "inclusionary" ? "Insiders" : "Screened people and groups"} items={members} onChange={setMembers} />
          {errors.members && <FormError message={errors.members} />}
          <ScopePicker label="Scope" items={items} onChange={setItems} />
          {errors.scope && <FormError message={errors.scope} />}
        </section>
      )}
      {!editing && kind === "sides" && (
        <section className="space-y-4">
          {sides.map((s, n) => (
            <div key={n} className="space-y-4 rounded-lg border border-slate-200 bg-white p-5" role="group" aria-label={`Side ${n + 1}`}>
              <TextField label={`Side ${n + 1} name`} required value={s.name} onChange={(e) => setSide(n, { name: e.target.value })} />
              <RosterPicker label={`Side ${n + 1} people`} items={s.members} onChange={(members) => setSide(n, { members })} />
              <ScopePicker label={`Side ${n + 1} scope`} items={s.scope} onChange={(scope) => setSide(n, { scope })} />
            </div>
          ))}
          {errors.sides && <FormError message={errors.sides} />}
          <Button variant="secondary" onClick={() => setSides([...sides, { name: "", members: [], scope: [] }])}>Add a side</Button>
        </section>
      )}

      {error != null && !Object.keys(errors).length && <FormError message={error instanceof ApiError ? error.message : "The wall was not saved"} />}
      {error instanceof ApiError && Object.keys(errors).length > 0 && <p role="alert" className="text-sm text-red-700">{error.message}</p>}
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>{pending ? "Saving…" : editing ? "Save wall" : "Create draft"}</Button>
        <ButtonLink href={initial ? `/dashboard/walls/${initial.id}` : "/dashboard/walls"}>Cancel</ButtonLink>
      </div>
      {!editing && <p className="text-sm text-slate-600">A new wall is a draft: it changes nobody&apos;s access until it is activated. Its page previews who would lose access to what.</p>}
    </form>
  );
}
