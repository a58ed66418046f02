"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { NavSection } from "@/lib/auth/navigation";

export function SidebarNav({ sections }: { sections: NavSection[] }) {
  const pathname = usePathname();
  // The deepest item the path is under: /customers/accounts/7 is Accounts, not Magento Customers too.
  const matches = (href: string) => pathname === href || pathname.startsWith(`${href}/`);
  const current = sections
    .flatMap((section) => section.items)
    .filter((item) => matches(item.href))
    .reduce<string | null>((best, item) => (best === null || item.href.length > best.length ? item.href : best), null);
  return (
    <nav aria-label="Main" className="space-y-6">
      {sections.map((section) => (
        <div key={section.label ?? "home"}>
          {section.label ? <p className="px-3 text-xs font-semibold uppercase tracking-wide text-slate-500">{section.label}</p> : null}
          <ul className="mt-1 space-y-0.5">
            {section.items.map((item) => {
              const active = item.href === current;
              return (
                <li key={item.href}>
                  <Link
                    href={item.href}
                    aria-current={active ? "page" : undefined}
                    className={`block rounded-md px-3 py-1.5 text-sm ${
                      active ? "bg-brand-50 font-medium text-brand-700" : "text-slate-700 hover:bg-slate-100 hover:text-slate-900"
                    }`}
                  >
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}
