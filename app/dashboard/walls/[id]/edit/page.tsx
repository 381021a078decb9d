import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { WallForm } from "@/components/walls/wall-form";
import { requirePagePermission } from "@/lib/auth/principal";
import { wallOrNull } from "@/lib/walls/page-data";

export const metadata = { title: "Edit ethical wall" };

export default async function EditWallPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePagePermission("walls:write");
  const { id } = await params;
  const wall = await wallOrNull(id);
  const breadcrumb = <nav aria-label="Breadcrumb" className="mb-2 text-sm"><Link className="text-brand-700 underline" href="/dashboard/walls">Ethical walls</Link></nav>;
  if (!wall) return <>{breadcrumb}<PageHeader title="Wall not found" /></>;
  if (wall.state === "lifted") return <>{breadcrumb}<PageHeader title={`Edit ${wall.name}`} description="A lifted wall cannot change." /></>;
  return (
    <>
      {breadcrumb}
      <PageHeader title={`Edit ${wall.name}`} description={wall.state === "draft" ? "A draft can change entirely; its scope and roster are edited on its page." : "An active wall keeps its kind and acknowledgment settings: its name, matter and memo can change."} />
      <WallForm initial={{ id: wall.id, version: wall.version, state: wall.state, name: wall.name, matterRef: wall.matterRef, description: wall.description, kind: wall.kind, requiresAcknowledgment: wall.requiresAcknowledgment, screenedAcknowledge: wall.screenedAcknowledge }} />
    </>
  );
}
