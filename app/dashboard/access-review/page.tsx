import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import { SUBJECT_KINDS, type SubjectKind, type SubjectSummary, accessReviewForPages } from "@/lib/access-review/queries";
import { AppError } from "@/lib/errors";
import { AccessReview } from "./access-review";

export const metadata = { title: "Access review" };

const isKind = (v: unknown): v is SubjectKind => typeof v === "string" && (SUBJECT_KINDS as readonly string[]).includes(v);

export default async function AccessReviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const principal = await requirePagePermission("access:review");
  const params = await searchParams;
  const kind = isKind(params.subject) ? params.subject : "contract";
  let subject: SubjectSummary | null = null;
  if (typeof params.id === "string" && params.id.length <= 200) {
    subject = await accessReviewForPages.subject({ kind, id: params.id }).catch((err) => {
      if (err instanceof AppError && err.code === "not_found") return null;
      throw err;
    });
  }
  const at = typeof params.at === "string" && !Number.isNaN(Date.parse(params.at)) ? new Date(params.at).toISOString() : undefined;
  return (
    <>
      <PageHeader
        title="Access review"
        description="Pick a contract, a repository or a person and a moment: see who could open what, at which level, and the chain of facts behind it. Export the answer for your records."
      />
      <AccessReview initialKind={kind} initialSubject={subject} initialAt={at} canExport={can(principal.roles, "access:export")} />
    </>
  );
}
