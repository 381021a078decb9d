import Link from "next/link";
import { Logo } from "@/components/ui/logo";

const nav = [
  { href: "/dashboard", label: "Overview" },
  { href: "/dashboard/users", label: "Users" },
  { href: "/dashboard/groups", label: "Groups" },
  { href: "/dashboard/directories", label: "Directories" },
  { href: "/dashboard/audit", label: "Audit trail" },
];

export default function DashboardLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="flex min-h-screen">
      <aside className="w-56 shrink-0 border-r border-slate-200 bg-white px-4 py-5">
        <Link href="/" aria-label="Custodian home">
          <Logo className="text-brand-900" />
        </Link>
        <nav aria-label="Main" className="mt-8">
          <ul className="space-y-1 text-sm">
            {nav.map((item) => (
              <li key={item.href}>
                <Link href={item.href} className="block rounded px-2 py-1.5 text-slate-700 hover:bg-brand-50 hover:text-brand-900">
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </aside>
      <main className="flex-1 px-8 py-6">{children}</main>
    </div>
  );
}
