import Link from "next/link";

/** Tabs as links (the tab is in the URL, so it survives reloads and can be shared). */
export function TabLinks({
  tabs,
  active,
  label,
}: {
  tabs: { id: string; label: string; href: string; count?: number }[];
  active: string;
  label: string;
}) {
  return (
    <nav aria-label={label} className="-mb-px flex gap-1 overflow-x-auto border-b border-slate-200">
      {tabs.map((tab) => {
        const current = tab.id === active;
        return (
          <Link
            key={tab.id}
            href={tab.href}
            aria-current={current ? "page" : undefined}
            scroll={false}
            className={`whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium ${
              current ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900"
            }`}
          >
            {tab.label}
            {tab.count !== undefined ? (
              <span className="ml-1.5 rounded-full bg-slate-100 px-1.5 text-xs text-slate-600">{tab.count}</span>
            ) : null}
          </Link>
        );
      })}
    </nav>
  );
}
