import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { EvidenceView } from "./evidence-view";

export const metadata = { title: "Evidence" };

export default async function EvidencePage() {
  await requirePagePermission("evidence:export");
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const now = new Date();
  return (
    <>
      <PageHeader
        title="Evidence"
        description="Evidence packs for auditors: who had access to a contract or repository over a period and why, with every grant and revocation and the directory or admin request behind it; a person's subject access report (GDPR Art. 15); and how quickly leavers lost their access."
      />
      <EvidenceView defaultFrom={day(new Date(now.getTime() - 90 * 86_400_000))} defaultUntil={day(now)} />
    </>
  );
}
