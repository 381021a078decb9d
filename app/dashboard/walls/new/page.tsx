import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { WallForm } from "@/components/walls/wall-form";
import { requirePagePermission } from "@/lib/auth/principal";

export const metadata = { title: "New ethical wall" };

export default async function NewWallPage() {
  await requirePagePermission("walls:write");
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm"><Link className="text-brand-700 underline" href="/dashboard/walls">Ethical walls</Link></nav>
      <PageHeader title="New ethical wall" description="Saved as a draft. Activate it from its page after checking the preview of who would lose access." />
      <WallForm />
    </>
  );
}
