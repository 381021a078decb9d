"use client";

// The campaign pages' buttons: preview and start a definition, close a campaign, lift an
// exclusion. Each calls its admin route and refreshes the server-rendered page.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { sendJson, getJson, ApiError } from "@/components/ui/api";
import { Button } from "@/components/ui/button";

function useAction() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      router.refresh();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "The request failed");
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

type Preview = { items: number; people: number; reviewers: number; unassigned: number; recommendedRevoke: number; carriedForward: number };

export function DefinitionActions({ definitionId, name }: { definitionId: string; name: string }) {
  const { busy, error, run } = useAction();
  const [preview, setPreview] = useState<Preview | null>(null);
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button variant="secondary" disabled={busy} onClick={() => run(async () => setPreview(await getJson<Preview>(`/api/admin/review-definitions/${definitionId}/preview`)))}>
        Preview {name}
      </Button>
      <Button variant="primary" disabled={busy} onClick={() => run(() => sendJson("POST", `/api/admin/review-definitions/${definitionId}/start`))}>
        Start {name}
      </Button>
      {preview && (
        <p className="text-sm text-slate-700" role="status">
          {preview.items} items for {preview.people} people, {preview.reviewers} reviewers
          {preview.unassigned ? `, ${preview.unassigned} without a reviewer` : ""}; {preview.recommendedRevoke} recommended for revocation
          {preview.carriedForward ? `; ${preview.carriedForward} carried forward (kept without asking)` : ""}
        </p>
      )}
      {error && <p className="text-sm text-red-700" role="alert">{error}</p>}
    </div>
  );
}

export function CloseCampaignButton({ campaignId }: { campaignId: string }) {
  const { busy, error, run } = useAction();
  return (
    <div>
      <Button
        variant="primary"
        disabled={busy}
        onClick={() => {
          if (window.confirm("Close the campaign? Undecided items get the campaign's default and every revocation is applied at once.")) {
            void run(() => sendJson("POST", `/api/admin/campaigns/${campaignId}/close`));
          }
        }}
      >
        Close and apply
      </Button>
      {error && <p className="mt-1 text-sm text-red-700" role="alert">{error}</p>}
    </div>
  );
}

export function LiftExclusionButton({ exclusionId, label }: { exclusionId: string; label: string }) {
  const { busy, error, run } = useAction();
  return (
    <div>
      <Button
        variant="secondary"
        disabled={busy}
        aria-label={`Lift ${label}`}
        onClick={() => {
          const justification = window.prompt("Why does the exclusion end? (recorded in the audit trail)");
          if (justification) void run(() => sendJson("POST", `/api/admin/exclusions/${exclusionId}/lift`, { justification }));
        }}
      >
        Lift
      </Button>
      {error && <p className="mt-1 text-sm text-red-700" role="alert">{error}</p>}
    </div>
  );
}
