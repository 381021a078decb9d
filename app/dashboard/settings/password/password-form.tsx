"use client";

import { signOut } from "next-auth/react";
import { sendJson } from "@/components/ui/api";
import { Button } from "@/components/ui/button";
import { FormError, TextField } from "@/components/ui/field";
import { useFormSubmit } from "@/components/ui/use-form-submit";

// A changed password ends every session of the account, this one included (lib/auth/accounts.ts),
// so the person signs in again with the new one.
export function PasswordForm({ email }: { email: string }) {
  const { onSubmit, pending, errors, formError } = useFormSubmit({
    fields: ["currentPassword", "newPassword"],
    submit: async (form) => {
      await sendJson("POST", "/api/account/password", {
        currentPassword: String(form.get("currentPassword") ?? ""),
        newPassword: String(form.get("newPassword") ?? ""),
      });
      await signOut({ callbackUrl: "/login?changed=1" });
    },
  });
  return (
    <form onSubmit={onSubmit} className="max-w-md space-y-4" noValidate>
      <p className="text-sm text-slate-600">Change the password of {email}. You will be signed out everywhere and sign in again with the new one.</p>
      <input type="hidden" name="username" autoComplete="username" value={email} readOnly />
      <TextField label="Current password" name="currentPassword" type="password" autoComplete="current-password" required error={errors.currentPassword} />
      <TextField label="New password" name="newPassword" type="password" autoComplete="new-password" required minLength={12} hint="At least 12 characters." error={errors.newPassword} />
      <FormError message={formError} />
      <Button type="submit" disabled={pending}>{pending ? "Changing…" : "Change password"}</Button>
    </form>
  );
}
