"use client";

// Create or edit an access rule. Saving is two steps: "Preview impact" asks the server who would
// gain or lose access (validating exactly as the write would), then "Confirm and save" writes the
// very change that was previewed. Editing any field after a preview requires a new preview.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { CONFIDENTIALITY_LABELS } from "@/components/access/badges";
import { ImpactPreview, type RuleImpact } from "@/components/access/impact-preview";
import { errorMessage, fieldErrors, sendJson } from "@/components/ui/api";
import { Button, ButtonLink } from "@/components/ui/button";
import { EntityPicker, type PickerOption } from "@/components/ui/entity-picker";
import { FormError, SelectField, TextAreaField, TextField } from "@/components/ui/field";
import { fromLocalInputValue, toLocalInputValue } from "@/components/ui/format";
import type { GroupListItem } from "@/lib/groups/queries";
import type { UserListItem } from "@/lib/users/queries";
import type { ContractView } from "@/lib/contracts/queries";
import type { RuleView } from "@/lib/rules/queries";
import { adminKey, affected, invalidatePrefixes } from "@/components/data-hooks/keys";
import { useContractTypes } from "@/components/data-hooks/contracts";

const LEVELS = [
  ["view", "View — open and read"],
  ["comment", "Comment"],
  ["edit", "Edit"],
  ["sign", "Sign"],
  ["manage", "Manage — including sharing"],
] as const;

export interface RuleFormInitial {
  rule?: RuleView;
  group?: PickerOption | null;
  user?: PickerOption | null;
  contract?: PickerOption | null;
  repositoryId?: string;
}

function RadioGroup<T extends string>({ legend, value, options, onChange }: { legend: string; value: T; options: [T, string][]; onChange: (v: T) => void }) {
  const name = useId();
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-700">{legend}</legend>
      <div className="mt-1 flex flex-wrap gap-4">
        {options.map(([v, label]) => (
          <label key={v} className="flex items-center gap-1.5 text-sm text-slate-800">
            <input type="radio" name={name} value={v} checked={value === v} onChange={() => onChange(v)} className="accent-brand-600" />
            {label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function RuleForm({ initial, repositories }: { initial: RuleFormInitial; repositories: { id: string; name: string }[] }) {
  const router = useRouter();
  const client = useQueryClient();
  const rule = initial.rule;
  const [principalType, setPrincipalType] = useState<"group" | "user">(rule?.principalType === "user" ? "user" : initial.user && !initial.group ? "user" : "group");
  const [group, setGroup] = useState<PickerOption | null>(initial.group ?? null);
  const [user, setUser] = useState<PickerOption | null>(initial.user ?? null);
  const [level, setLevel] = useState<string>(rule?.level ?? "view");
  const [scopeKind, setScopeKind] = useState<"repository" | "contract">(rule?.contractId || (initial.contract && !initial.repositoryId) ? "contract" : "repository");
  const [repositoryId, setRepositoryId] = useState(rule?.repositoryId ?? initial.repositoryId ?? "");
  const [contract, setContract] = useState<PickerOption | null>(initial.contract ?? null);
  const [contractTypes, setContractTypes] = useState<string[]>(rule?.contractTypes ?? []);
  const [ceiling, setCeiling] = useState<string>(rule?.confidentialityCeiling ?? "");
  const [validFrom, setValidFrom] = useState(rule?.validFrom ? toLocalInputValue(new Date(rule.validFrom)) : "");
  const [validUntil, setValidUntil] = useState(rule?.validUntil ? toLocalInputValue(new Date(rule.validUntil)) : "");
  const [grace, setGrace] = useState(rule?.graceDaysAfterEnd === null || rule?.graceDaysAfterEnd === undefined ? "" : String(rule.graceDaysAfterEnd));
  const [justification, setJustification] = useState(rule?.justification ?? "");
  const [name, setName] = useState(rule?.name ?? "");

  const types = useContractTypes({ repositoryId, enabled: scopeKind === "repository" && repositoryId !== "" });

  const body: Record<string, unknown> = {
    // Empty: absent, so the server names the missing field.
    name: name.trim() || undefined,
    ...(principalType === "group" ? { groupId: group?.id } : { userId: user?.id }),
    level,
    ...(scopeKind === "repository"
      ? { repositoryId: repositoryId || undefined, contractTypes, confidentialityCeiling: ceiling || null }
      : { contractId: contract?.id }),
    validFrom: fromLocalInputValue(validFrom) ?? null,
    validUntil: fromLocalInputValue(validUntil) ?? null,
    graceDaysAfterEnd: grace === "" ? null : Number(grace),
    justification,
  };
  // Absent ids stay absent, so the server names the missing field.
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  const bodyKey = JSON.stringify(body);

  const previewBody = (key: string) => (rule ? { action: "update", ruleId: rule.id, rule: JSON.parse(key) } : { action: "create", rule: JSON.parse(key) });
  const preview = useMutation({
    mutationFn: (key: string) => sendJson<RuleImpact>("POST", "/api/admin/rules/preview", previewBody(key)),
  });
  const save = useMutation({
    mutationFn: (key: string) =>
      rule
        ? sendJson<RuleView>("PATCH", `/api/admin/rules/${rule.id}`, JSON.parse(key), { ifMatch: rule.version })
        : sendJson<RuleView>("POST", "/api/admin/rules", JSON.parse(key)),
    onSuccess: async (saved) => {
      // Whatever was cached about this rule, its group or the people it reaches is out of date.
      client.setQueryData(adminKey(`/api/admin/rules/${saved.id}`), saved);
      await invalidatePrefixes(client, affected.rule);
      router.push(`/dashboard/rules/${saved.id}?saved=1`);
      router.refresh();
    },
  });
  const previewIsCurrent = preview.isSuccess && preview.variables === bodyKey;
  const error = save.error ?? preview.error;
  const errors = { ...fieldErrors(error, { prefix: "rule" }) };
  const principalError = errors.groupId ?? errors.userId;
  const scopeError = errors.repositoryId ?? errors.contractId;
  const placed = new Set(["name", "groupId", "userId", "level", "repositoryId", "contractId", "contractTypes", "confidentialityCeiling", "validFrom", "validUntil", "graceDaysAfterEnd", "justification"]);
  const unplaced = Object.entries(errors).filter(([k]) => !placed.has(k)).map(([k, m]) => (k ? `${k}: ${m}` : m));
  const formError = error && Object.keys(errors).length === 0 ? errorMessage(error) : unplaced.join("; ") || undefined;

  const knownTypes = [...new Set([...(types.data?.items ?? []), ...contractTypes])].sort();
  return (
    <form className="max-w-4xl space-y-6" noValidate onSubmit={(e) => { e.preventDefault(); preview.mutate(bodyKey); }}>
      <section className="grid gap-4 rounded-lg border border-slate-200 bg-white p-5 md:grid-cols-2">
        <TextField className="md:col-span-2" label="Name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} error={errors.name}
          hint="How reasons, lists and the audit trail name this rule. Unique within its repository (a contract rule: its contract's repository); renaming saves a new version." />
      </section>
      <section className="grid gap-4 rounded-lg border border-slate-200 bg-white p-5 md:grid-cols-2">
        <h2 className="text-base font-semibold text-slate-900 md:col-span-2">Who</h2>
        <div className="md:col-span-2">
          <RadioGroup legend="Principal" value={principalType} onChange={setPrincipalType}
            options={[["group", "A group (from your identity provider)"], ["user", "One person — a time-boxed exception"]]} />
        </div>
        {principalType === "group" ? (
          <EntityPicker<GroupListItem>
            label="Group" required value={group} onChange={setGroup} error={principalError}
            searchUrl={(q) => `/api/admin/groups?pageSize=20&search=${encodeURIComponent(q)}`}
            toOption={(g) => ({ id: g.id, label: g.displayName, secondary: `${g.directory.name} · ${g.userMembers} members` })}
            hint="Rules name a group by its id, so renaming the group in the identity provider keeps the rule." />
        ) : (
          <EntityPicker<UserListItem>
            label="Person" required value={user} onChange={setUser} error={principalError}
            searchUrl={(q) => `/api/admin/users?pageSize=20&search=${encodeURIComponent(q)}`}
            toOption={(u) => ({ id: u.id, label: u.displayName ?? u.userName, secondary: `${u.userName} · ${u.directory.name}` })}
            hint="A direct grant needs a justification and an expiry (Valid until)." />
        )}
        <SelectField label="Level" required value={level} onChange={(e) => setLevel(e.target.value)} error={errors.level} hint="Higher levels include the lower ones.">
          {LEVELS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
        </SelectField>
      </section>

      <section className="grid gap-4 rounded-lg border border-slate-200 bg-white p-5 md:grid-cols-2">
        <h2 className="text-base font-semibold text-slate-900 md:col-span-2">On what</h2>
        <div className="md:col-span-2">
          <RadioGroup legend="Scope" value={scopeKind} onChange={setScopeKind} options={[["repository", "A repository (optionally narrowed)"], ["contract", "One contract"]]} />
        </div>
        {scopeKind === "repository" ? (
          <>
            <SelectField label="Repository" required value={repositoryId} onChange={(e) => { setRepositoryId(e.target.value); setContractTypes([]); }} error={scopeError}>
              <option value="">Choose a repository…</option>
              {repositories.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
            </SelectField>
            <SelectField label="Confidentiality ceiling" value={ceiling} onChange={(e) => setCeiling(e.target.value)} error={errors.confidentialityCeiling} hint="Contracts above the ceiling are not covered.">
              <option value="">No ceiling — all confidentialities</option>
              {Object.entries(CONFIDENTIALITY_LABELS).map(([v, l]) => <option key={v} value={v}>up to {l}</option>)}
            </SelectField>
            <fieldset className="md:col-span-2">
              <legend className="text-sm font-medium text-slate-700">Contract types</legend>
              <p className="text-xs text-slate-500">None ticked = every type in the repository.</p>
              {repositoryId === "" ? (
                <p className="mt-1 text-sm text-slate-500">Choose a repository to see its contract types.</p>
              ) : types.isPending ? (
                <p className="mt-1 text-sm text-slate-500">Loading types…</p>
              ) : knownTypes.length === 0 ? (
                <p className="mt-1 text-sm text-slate-500">The repository has no contracts yet.</p>
              ) : (
                <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
                  {knownTypes.map((t) => (
                    <label key={t} className="flex items-center gap-1.5 text-sm">
                      <input type="checkbox" className="accent-brand-600" checked={contractTypes.includes(t)}
                        onChange={(e) => setContractTypes(e.target.checked ? [...contractTypes, t] : contractTypes.filter((x) => x !== t))} />
                      {t}
                    </label>
                  ))}
                </div>
              )}
              {errors.contractTypes && <p className="mt-1 text-xs font-medium text-red-700">{errors.contractTypes}</p>}
            </fieldset>
          </>
        ) : (
          <div className="md:col-span-2">
            <EntityPicker<ContractView>
              label="Contract" required value={contract} onChange={setContract} error={scopeError}
              searchUrl={(q) => `/api/admin/contracts?pageSize=20&q=${encodeURIComponent(q)}`}
              toOption={(c) => ({ id: c.id, label: c.title, secondary: [c.externalRef, c.repository.name].filter(Boolean).join(" · ") })} />
          </div>
        )}
      </section>

      <section className="grid gap-4 rounded-lg border border-slate-200 bg-white p-5 md:grid-cols-3">
        <h2 className="text-base font-semibold text-slate-900 md:col-span-3">When and why</h2>
        <TextField label="Valid from" type="datetime-local" step={1} value={validFrom} onChange={(e) => setValidFrom(e.target.value)} error={errors.validFrom} hint="Empty: from when it is saved." />
        <TextField label="Valid until" type="datetime-local" step={1} value={validUntil} onChange={(e) => setValidUntil(e.target.value)} error={errors.validUntil} hint="Empty: open-ended (not for a person)." />
        <TextField label="Days after a contract ends" type="number" min={0} max={3650} value={grace} onChange={(e) => setGrace(e.target.value)} error={errors.graceDaysAfterEnd} hint="Access continues this long after each contract's end date. Empty: ends with the contract." />
        <TextAreaField className="md:col-span-3" label="Justification" required rows={3} value={justification} onChange={(e) => setJustification(e.target.value)} error={errors.justification} hint="Why this access is needed; kept with this version of the rule." />
      </section>

      <FormError message={formError} />
      {previewIsCurrent && preview.data && <ImpactPreview impact={preview.data} request={previewBody(bodyKey)} />}
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" variant={previewIsCurrent ? "secondary" : "primary"} disabled={preview.isPending || save.isPending}>
          {preview.isPending ? "Computing impact…" : previewIsCurrent ? "Preview again" : "Preview impact"}
        </Button>
        {previewIsCurrent && (
          <Button onClick={() => save.mutate(bodyKey)} disabled={save.isPending}>
            {save.isPending ? "Saving…" : rule ? "Confirm and save changes" : "Confirm and create rule"}
          </Button>
        )}
        <ButtonLink href={rule ? `/dashboard/rules/${rule.id}` : "/dashboard/rules"}>Cancel</ButtonLink>
        {!previewIsCurrent && preview.isSuccess && <span className="text-sm text-amber-800">The form changed since the preview: preview again before saving.</span>}
      </div>
    </form>
  );
}
