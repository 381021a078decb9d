"use client";

// Create or edit a contract. Every field error comes from the server's validation
// (lib/contracts/service.ts), shown next to its field.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { CONFIDENTIALITY_LABELS } from "@/components/access/badges";
import { CONTRACT_STATUSES } from "@/components/contracts/contracts-table";
import { errorMessage, fieldErrors, sendJson } from "@/components/ui/api";
import { Button, ButtonLink } from "@/components/ui/button";
import { FormError, SelectField, TextField } from "@/components/ui/field";
import type { ContractView } from "@/lib/contracts/queries";
import { affected, invalidatePrefixes } from "@/components/data-hooks/keys";
import { useContractTypes } from "@/components/data-hooks/contracts";

const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : "");

export function ContractForm({ initial, repositories, defaultRepositoryId }: { initial?: ContractView; repositories: { id: string; name: string }[]; defaultRepositoryId?: string }) {
  const router = useRouter();
  const client = useQueryClient();
  const [v, setV] = useState({
    title: initial?.title ?? "",
    externalRef: initial?.externalRef ?? "",
    repositoryId: initial?.repository.id ?? defaultRepositoryId ?? "",
    counterparty: initial?.counterparty ?? "",
    contractType: initial?.contractType ?? "",
    confidentiality: initial?.confidentiality ?? "internal",
    status: initial?.status ?? "active",
    effectiveDate: day(initial?.effectiveDate),
    endDate: day(initial?.endDate),
    owner: initial?.owner ?? "",
    tags: initial?.tags.join(", ") ?? "",
  });
  const set = (k: keyof typeof v) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setV({ ...v, [k]: e.target.value });
  const types = useContractTypes();
  const save = useMutation({
    mutationFn: () => {
      const body = {
        title: v.title,
        externalRef: v.externalRef.trim() || null,
        ...(v.repositoryId ? { repositoryId: v.repositoryId } : {}),
        counterparty: v.counterparty || null,
        contractType: v.contractType,
        confidentiality: v.confidentiality,
        status: v.status,
        // An edit sends a date only when it changed: an end date stored as an instant (not a day)
        // shows as its UTC day here, and resending that day would move it.
        ...(initial && v.effectiveDate === day(initial.effectiveDate) ? {} : { effectiveDate: v.effectiveDate || null }),
        ...(initial && v.endDate === day(initial.endDate) ? {} : { endDate: v.endDate || null }),
        owner: v.owner || null,
        tags: v.tags.split(",").map((t) => t.trim()).filter(Boolean),
      };
      return initial
        ? sendJson<ContractView>("PATCH", `/api/admin/contracts/${initial.id}`, body, { ifMatch: initial.version })
        : sendJson<ContractView>("POST", "/api/admin/contracts", body);
    },
    onSuccess: async (saved) => {
      await invalidatePrefixes(client, affected.contract);
      router.push(`/dashboard/contracts/${saved.id}`);
      router.refresh();
    },
  });
  const errors = fieldErrors(save.error);
  const repoError = errors.repositoryId ?? errors.repository;
  const shown = new Set(["title", "externalRef", "repositoryId", "repository", "counterparty", "contractType", "confidentiality", "status", "effectiveDate", "endDate", "owner", "tags"]);
  const unplaced = Object.entries(errors).filter(([k]) => !shown.has(k)).map(([k, m]) => (k ? `${k}: ${m}` : m));
  const formError = save.error && Object.keys(errors).length === 0 ? errorMessage(save.error) : unplaced.join("; ") || undefined;
  return (
    <form className="grid max-w-4xl gap-4 md:grid-cols-2" noValidate onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
      <TextField className="md:col-span-2" label="Title" required value={v.title} onChange={set("title")} error={errors.title} maxLength={500} />
      <SelectField label="Repository" required value={v.repositoryId} onChange={set("repositoryId")} error={repoError}>
        <option value="">Choose a repository…</option>
        {repositories.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
      </SelectField>
      <TextField label="External reference" value={v.externalRef} onChange={set("externalRef")} error={errors.externalRef} hint="The contract system's identifier (unique); optional for contracts created here." />
      <TextField label="Contract type" required value={v.contractType} onChange={set("contractType")} error={errors.contractType} list="contract-types" hint="Rules match types exactly, e.g. NDA, MSA, DPA." />
      <datalist id="contract-types">{(types.data?.items ?? []).map((t) => <option key={t} value={t} />)}</datalist>
      <TextField label="Counterparty" value={v.counterparty} onChange={set("counterparty")} error={errors.counterparty} />
      <SelectField label="Confidentiality" value={v.confidentiality} onChange={set("confidentiality")} error={errors.confidentiality}>
        {Object.entries(CONFIDENTIALITY_LABELS).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
      </SelectField>
      <SelectField label="Status" value={v.status} onChange={set("status")} error={errors.status}>
        {CONTRACT_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
      </SelectField>
      <TextField label="Effective date" type="date" value={v.effectiveDate} onChange={set("effectiveDate")} error={errors.effectiveDate} />
      <TextField label="End date" type="date" value={v.endDate} onChange={set("endDate")} error={errors.endDate} hint="Inclusive: access through rules runs through this day in the access time zone (plus a rule's grace days)." />
      <TextField label="Owner" value={v.owner} onChange={set("owner")} error={errors.owner} />
      <TextField label="Tags" value={v.tags} onChange={set("tags")} error={errors.tags} hint="Comma-separated." />
      <div className="md:col-span-2"><FormError message={formError} /></div>
      <div className="flex gap-2 md:col-span-2">
        <Button type="submit" disabled={save.isPending}>{save.isPending ? "Saving…" : initial ? "Save changes" : "Create contract"}</Button>
        <ButtonLink href={initial ? `/dashboard/contracts/${initial.id}` : "/dashboard/contracts"}>Cancel</ButtonLink>
      </div>
    </form>
  );
}
