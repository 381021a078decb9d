import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { CSV_COLUMNS, MAX_CSV_BYTES, MAX_CSV_ROWS } from "@/lib/contracts/csv-import";
import { CsvImport } from "./csv-import";

export const metadata = { title: "Import contracts" };

export default async function ImportContractsPage() {
  await requirePagePermission("contracts:write");
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm"><Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href="/dashboard/contracts">Contracts</Link></nav>
      <PageHeader
        title="Import contracts from CSV"
        description="Every row is checked first. If any row has a problem, nothing is imported and you get the list of problems (row, column, problem). Rows whose externalRef exists update that contract."
      />
      <CsvImport columns={[...CSV_COLUMNS]} maxBytes={MAX_CSV_BYTES} maxRows={MAX_CSV_ROWS} />
    </>
  );
}
