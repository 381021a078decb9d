"use client";

// Pickers for a wall's roster (people and groups) and scope (contracts, repositories,
// counterparties, tags): each builds a list of items with names on screen and ids underneath.
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { EntityPicker, type PickerOption } from "@/components/ui/entity-picker";
import { SelectField, TextField } from "@/components/ui/field";
import type { ContractView } from "@/lib/contracts/queries";
import type { GroupListItem } from "@/lib/groups/queries";
import type { UserListItem } from "@/lib/users/queries";

export type RosterPick = { userId?: string; groupId?: string; label: string };
export type ScopePick = { kind: "contract" | "repository" | "counterparty" | "tag"; value: string; label: string };

type RepositoryItem = { id: string; name: string };

export function RosterPicker({ label, items, onChange }: { label: string; items: RosterPick[]; onChange: (items: RosterPick[]) => void }) {
  const [kind, setKind] = useState<"user" | "group">("user");
  const add = (o: PickerOption | null) => {
    if (!o) return;
    const item: RosterPick = kind === "user" ? { userId: o.id, label: o.label } : { groupId: o.id, label: `${o.label} (group)` };
    if (!items.some((i) => (i.userId ?? i.groupId) === o.id)) onChange([...items, item]);
  };
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-700">{label}</legend>
      <ItemList items={items.map((i) => i.label)} onRemove={(n) => onChange(items.filter((_, k) => k !== n))} label={label} />
      <div className="grid gap-2 sm:grid-cols-[10rem_1fr]">
        <SelectField label={`Add to ${label.toLowerCase()}`} value={kind} onChange={(e) => setKind(e.target.value as "user" | "group")}>
          <option value="user">A person</option>
          <option value="group">A group (its people, now and later)</option>
        </SelectField>
        {kind === "user" ? (
          <EntityPicker<UserListItem> key="user" label={`Person for ${label.toLowerCase()}`} value={null} onChange={add}
            searchUrl={(q) => `/api/admin/users?pageSize=20&search=${encodeURIComponent(q)}`}
            toOption={(u) => ({ id: u.id, label: u.displayName ?? u.userName, secondary: `${u.userName} · ${u.directory.name}` })} />
        ) : (
          <EntityPicker<GroupListItem> key="group" label={`Group for ${label.toLowerCase()}`} value={null} onChange={add}
            searchUrl={(q) => `/api/admin/groups?pageSize=20&search=${encodeURIComponent(q)}`}
            toOption={(g) => ({ id: g.id, label: g.displayName, secondary: `${g.directory.name} · ${g.userMembers} members` })} />
        )}
      </div>
    </fieldset>
  );
}

export function ScopePicker({ label, items, onChange }: { label: string; items: ScopePick[]; onChange: (items: ScopePick[]) => void }) {
  const [kind, setKind] = useState<ScopePick["kind"]>("repository");
  const [text, setText] = useState("");
  const add = (item: ScopePick) => {
    if (!items.some((i) => i.kind === item.kind && i.value.toLowerCase() === item.value.toLowerCase())) onChange([...items, item]);
  };
  const lower = label.toLowerCase();
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-700">{label}</legend>
      <ItemList items={items.map((i) => `${i.kind}: ${i.label}`)} onRemove={(n) => onChange(items.filter((_, k) => k !== n))} label={label} />
      <div className="grid gap-2 sm:grid-cols-[10rem_1fr]">
        <SelectField label={`Add to ${lower}`} value={kind} onChange={(e) => setKind(e.target.value as ScopePick["kind"])}>
          <option value="repository">A repository</option>
          <option value="contract">A contract</option>
          <option value="counterparty">A counterparty (also later contracts)</option>
          <option value="tag">A tag (also later contracts)</option>
        </SelectField>
        {kind === "repository" ? (
          <EntityPicker<RepositoryItem> key="repository" label={`Repository for ${lower}`} value={null} onChange={(o) => o && add({ kind, value: o.id, label: o.label })}
            searchUrl={(q) => `/api/admin/repositories?pageSize=20&q=${encodeURIComponent(q)}`}
            toOption={(r) => ({ id: r.id, label: r.name })} />
        ) : kind === "contract" ? (
          <EntityPicker<ContractView> key="contract" label={`Contract for ${lower}`} value={null} onChange={(o) => o && add({ kind, value: o.id, label: o.label })}
            searchUrl={(q) => `/api/admin/contracts?pageSize=20&q=${encodeURIComponent(q)}`}
            toOption={(c) => ({ id: c.id, label: c.title, secondary: [c.externalRef, c.repository.name].filter(Boolean).join(" · ") })} />
        ) : (
          <div className="flex items-end gap-2">
            <TextField className="flex-1" label={kind === "counterparty" ? `Counterparty for ${lower}` : `Tag for ${lower}`} value={text} onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); if (text.trim()) { add({ kind, value: text.trim(), label: text.trim() }); setText(""); } } }} />
            <Button variant="secondary" disabled={!text.trim()} onClick={() => { add({ kind, value: text.trim(), label: text.trim() }); setText(""); }}>Add</Button>
          </div>
        )}
      </div>
    </fieldset>
  );
}

function ItemList({ items, onRemove, label }: { items: string[]; onRemove: (n: number) => void; label: string }) {
  if (items.length === 0) return <p className="text-sm text-slate-500">Nothing chosen yet.</p>;
  return (
    <ul className="flex flex-wrap gap-2" aria-label={label}>
      {items.map((text, n) => (
        <li key={`${text}-${n}`} className="inline-flex items-center gap-1 rounded bg-slate-100 px-2 py-0.5 text-sm">
          {text}
          <button type="button" className="text-slate-500 hover:text-red-700" aria-label={`Remove ${text}`} onClick={() => onRemove(n)}>×</button>
        </li>
      ))}
    </ul>
  );
}
