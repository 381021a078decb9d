import Link from "next/link";
import { redirect } from "next/navigation";
import { Logo } from "@/components/ui/logo";
import { SignOutButton } from "@/components/ui/sign-out-button";
import { CollapsibleSidebar } from "@/components/ui/sidebar";
import { currentPrincipal, currentReviewer } from "@/lib/auth/principal";
import { wallPagesData } from "@/lib/walls/page-data";
import { can, type Action } from "@/lib/auth/permissions";
import { Providers } from "./providers";

export const dynamic = "force-dynamic";

const nav: { href: string; label: string; action: Action }[] = [
  { href: "/dashboard", label: "Overview", action: "overview:read" },
  { href: "/dashboard/users", label: "Users", action: "users:read" },
  { href: "/dashboard/groups", label: "Groups", action: "groups:read" },
  { href: "/dashboard/repositories", label: "Repositories", action: "contracts:read" },
  { href: "/dashboard/contracts", label: "Contracts", action: "contracts:read" },
  { href: "/dashboard/rules", label: "Access rules", action: "rules:read" },
  { href: "/dashboard/access-review", label: "Access review", action: "access:review" },
  { href: "/dashboard/campaigns", label: "Review campaigns", action: "campaigns:read" },
  { href: "/dashboard/exclusions", label: "Exclusions", action: "access:review" },
  { href: "/dashboard/walls", label: "Ethical walls", action: "walls:read" },
  { href: "/dashboard/evidence", label: "Evidence", action: "evidence:export" },
  { href: "/dashboard/directories", label: "Directories", action: "directories:read" },
  { href: "/dashboard/audit", label: "Audit trail", action: "audit:read" },
  { href: "/dashboard/webhooks", label: "Webhooks", action: "webhooks:manage" },
  { href: "/dashboard/settings", label: "Settings", action: "accounts:manage" },
];

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  // UX only: every page and action checks its own permission on the server.
  const principal = await currentPrincipal();
  if (!principal) redirect("/login");
  // The signed-in person's own walls (a directory person): memos they still owe an acknowledgment.
  const me = await currentReviewer();
  const owed = me && me !== "not_linked" ? (await wallPagesData.ofPerson({ userId: me.personId })).filter((w) => w.state === "active" && w.acknowledgmentRequested && !w.acknowledgedAt) : [];
  return (
    <div className="flex min-h-screen">
      <CollapsibleSidebar>
        <Link href="/" aria-label="Custodian home">
          <Logo className="text-brand-900" />
        </Link>
        <nav aria-label="Main" className="mt-8 flex-1">
          <ul className="space-y-1 text-sm">
            {nav
              .filter((item) => can(principal.roles, item.action))
              .map((item) => (
                <li key={item.href}>
                  <Link href={item.href} className="block rounded px-2 py-1.5 text-slate-700 hover:bg-brand-50 hover:text-brand-900">
                    {item.label}
                  </Link>
                </li>
              ))}
          </ul>
        </nav>
        <div className="border-t border-slate-200 pt-4 text-sm">
          <p className="truncate font-medium text-slate-900" title={principal.email}>{principal.name}</p>
          <p className="text-slate-500">{principal.role}</p>
          <div className="mt-2 flex gap-3">
            <Link href="/reviews" className="text-sm text-slate-600 underline hover:text-slate-900">My reviews</Link>
            <Link href="/walls" className="text-sm text-slate-600 underline hover:text-slate-900">My walls{owed.length > 0 ? ` (${owed.length})` : ""}</Link>
            {principal.kind === "local" && <Link href="/dashboard/settings/password" className="text-sm text-slate-600 underline hover:text-slate-900">Password</Link>}
            <SignOutButton />
          </div>
        </div>
      </CollapsibleSidebar>
      <main className="min-w-0 flex-1 px-8 py-6">
        {owed.length > 0 && (
          <p role="status" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900">
            {owed.length === 1 ? `The ethical wall “${owed[0].name}” asks you to acknowledge its memo` : `${owed.length} ethical walls ask you to acknowledge their memos`}
            {owed.some((w) => w.gatesAccess) ? "; your access to the matter is withheld until you do" : ""}. <Link className="font-medium underline" href="/walls">Open My walls</Link>
          </p>
        )}
        <Providers>{children}</Providers>
      </main>
    </div>
  );
}
