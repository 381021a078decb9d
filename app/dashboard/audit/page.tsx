import { PageHeader } from "@/components/ui/page-header";
import { ACTOR_TYPES, AUDIT_EXPORT_CAP, AUDIT_SCAN_WINDOW } from "@/lib/audit/queries";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/principal";
import { directoriesForPages } from "@/lib/directories/queries";
import { AuditTrail } from "./audit-trail";
import { linkableTypes } from "@/components/audit/named";
import { ChainStatusCard } from "./chain-status";
import { AUDIT_FILTER_KEYS, type AuditFilters } from "./filters";

export const metadata = { title: "Audit trail" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AuditPage({ searchParams }: Props) {
  const principal = await requirePagePermission("audit:read");
  const params = await searchParams;
  const initial = Object.fromEntries(
    AUDIT_FILTER_KEYS.map((k) => [k, typeof params[k] === "string" ? params[k] : ""]),
  ) as AuditFilters;
  // Directory names for the filter: only for roles that may read directories.
  const directories = can(principal.roles, "directories:read")
    ? await directoriesForPages.options()
    : [];
  return (
    <>
      <PageHeader
        title="Audit trail"
        description="Every change in Custodian, recorded in the same transaction as the change: who did what to which record, with the values before and after."
      />
      <ChainStatusCard canExport={can(principal.roles, "audit:export")} />
      <AuditTrail
        initial={initial}
        actorTypes={[...ACTOR_TYPES]}
        directories={directories}
        canExport={can(principal.roles, "audit:export")}
        exportCap={AUDIT_EXPORT_CAP}
        scanWindow={AUDIT_SCAN_WINDOW}
        links={linkableTypes(principal.roles)}
      />
    </>
  );
}
