"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage, fieldErrors, sendJson } from "@/components/ui/api";
import { Button } from "@/components/ui/button";
import { FormError, TextAreaField, TextField } from "@/components/ui/field";

export interface RepositoryFormValue {
  id?: string;
  name: string;
  description: string | null;
  owner: string | null;
}

/** Create (no id) or edit a repository; field errors come from the server's validation. */
export function RepositoryForm({ initial, onSaved, onCancel }: { initial?: RepositoryFormValue; onSaved: (saved: { id: string }) => void; onCancel?: () => void }) {
  const [name, setName] = useState(initial?.name ?? "");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [owner, setOwner] = useState(initial?.owner ?? "");
  const save = useMutation({
    mutationFn: () =>
      initial?.id
        ? sendJson<{ id: string }>("PATCH", `/api/admin/repositories/${initial.id}`, { name, description: description || null, owner: owner || null })
        : sendJson<{ id: string }>("POST", "/api/admin/repositories", { name, description: description || null, owner: owner || null }),
    onSuccess: onSaved,
  });
  const errors = fieldErrors(save.error);
  const formError = save.error && Object.keys(errors).length === 0 ? errorMessage(save.error) : errors[""];
  return (
    <form className="grid gap-3 md:grid-cols-2" noValidate onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
      <TextField label="Name" required value={name} onChange={(e) => setName(e.target.value)} error={errors.name} maxLength={200} />
      <TextField label="Owner" value={owner} onChange={(e) => setOwner(e.target.value)} error={errors.owner} maxLength={200} hint="Person or team responsible" />
      <TextAreaField className="md:col-span-2" label="Description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} error={errors.description} />
      <div className="md:col-span-2"><FormError message={formError} /></div>
      <div className="flex gap-2 md:col-span-2">
        <Button type="submit" disabled={save.isPending}>{save.isPending ? "Saving…" : initial?.id ? "Save changes" : "Create repository"}</Button>
        {onCancel && <Button variant="secondary" onClick={onCancel}>Cancel</Button>}
      </div>
    </form>
  );
}
