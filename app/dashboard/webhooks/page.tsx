import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { EVENT_TYPE_LABELS, WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";
import { WebhooksPanel } from "./webhooks-panel";

export const metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  await requirePagePermission("webhooks:manage");
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Send signed events to your systems when people are provisioned, change or leave, when memberships and access change, when a contract's access ends and when the audit chain breaks."
      />
      <WebhooksPanel eventTypes={WEBHOOK_EVENT_TYPES.map((type) => ({ type, label: EVENT_TYPE_LABELS[type] }))} />
    </>
  );
}
