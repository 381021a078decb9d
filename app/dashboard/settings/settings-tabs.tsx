"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export function SettingsTabs({ tabs }: { tabs: { href: string; label: string }[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Settings sections" className="mb-6 border-b border-slate-200">
      <ul className="-mb-px flex gap-4 text-sm">
        {tabs.map((t) => {
          const current = pathname.startsWith(t.href);
          return (
            <li key={t.href}>
              <Link href={t.href} aria-current={current ? "page" : undefined}
                className={`inline-block border-b-2 px-1 pb-2 font-medium ${current ? "border-brand-600 text-brand-900" : "border-transparent text-slate-600 hover:text-slate-900"}`}>
                {t.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
