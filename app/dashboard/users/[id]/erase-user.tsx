"use client";

// The admin "Erase personal data" action (GDPR Art. 17). A user still provisioned is deleted too:
// erasing their data while keeping the account would leave an empty account the identity provider
// re-fills on its next sync. Remove the user from the identity provider's assignment as well.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { errorMessage, sendJson } from "@/components/ui/api";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

export function EraseUser({ id, userName }: { id: string; userName: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const erase = useMutation({
    mutationFn: () => sendJson<{ erasureId: string }>("POST", `/api/admin/users/${id}/erase`),
    onSuccess: () => router.push("/dashboard/audit/erasures"),
  });
  return (
    <Card title="Personal data" description="Erase this person's personal data (GDPR Art. 17). The audit trail keeps its events under the pseudonymous user id and stays verifiable.">
      <Button variant="danger" onClick={() => { erase.reset(); setOpen(true); }}>Erase personal data</Button>
      <ConfirmDialog
        open={open}
        title="Erase personal data?"
        confirmLabel="Delete user and erase"
        pending={erase.isPending}
        error={erase.error ? errorMessage(erase.error) : undefined}
        onConfirm={() => erase.mutate()}
        onCancel={() => setOpen(false)}
      >
        <p className="text-sm text-slate-700">
          This deletes <strong>{userName}</strong> from Custodian (their group memberships and access end now) and erases their
          name, e-mail addresses and SCIM attributes from the audit trail and the SCIM request log. It cannot be undone.
          Remove them from the identity provider&apos;s assignment too, or its next sync provisions them again.
        </p>
      </ConfirmDialog>
    </Card>
  );
}
