"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { errorMessage, sendJson } from "@/components/ui/api";
import { useFormSubmit } from "@/components/ui/use-form-submit";
import { Button } from "@/components/ui/button";
import { Dialog, FormActions } from "@/components/ui/dialog";
import { FormError, SelectField, TextField } from "@/components/ui/field";
import { kindLabel } from "./kinds";

export function CreateDirectoryButton({ kinds }: { kinds: string[] }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { onSubmit, pending, errors, formError } = useFormSubmit({
    fields: ["name", "kind"],
    submit: async (form) => {
      const created = await sendJson<{ id: string }>("POST", "/api/admin/directories", {
        name: String(form.get("name") ?? ""),
        kind: String(form.get("kind") ?? "generic"),
      });
      router.push(`/dashboard/directories/${created.id}?created=1`);
    },
    adjustErrors: (fields, err) => ((err as { code?: string }).code === "conflict" ? { ...fields, name: errorMessage(err) } : fields),
  });

  return (
    <>
      <Button onClick={() => setOpen(true)}>New directory</Button>
      <Dialog
        open={open}
        onClose={() => !pending && setOpen(false)}
        title="New directory"
        description="One directory per identity source. Its users and groups stay separate from every other directory's."
      >
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <TextField label="Name" name="name" required maxLength={100} autoComplete="off" error={errors.name}
            hint="Shown in the dashboard and the audit trail, e.g. “Entra ID (contoso.com)”." />
          <SelectField label="Identity provider" name="kind" defaultValue="entra" error={errors.kind}
            hint="Chooses the setup instructions shown; every kind speaks the same SCIM 2.0.">
            {kinds.map((k) => (
              <option key={k} value={k}>{kindLabel(k)}</option>
            ))}
          </SelectField>
          <FormError message={formError} />
          <FormActions pending={pending} onCancel={() => setOpen(false)} submitLabel="Create directory" />
        </form>
      </Dialog>
    </>
  );
}
