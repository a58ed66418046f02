import { Card } from "@/components/ui/card";

/** A titled card of a detail page. */
export function DetailSection({
  title,
  children,
  actions,
  className = "",
}: {
  title: string;
  children: React.ReactNode;
  actions?: React.ReactNode;
  className?: string;
}) {
  const id = `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <Card className={className}>
      <section aria-labelledby={id}>
        <header className="flex items-center justify-between gap-3 border-b border-slate-200 px-5 py-3">
          <h2 id={id} className="text-sm font-semibold text-slate-900">
            {title}
          </h2>
          {actions}
        </header>
        <div className="px-5 py-4">{children}</div>
      </section>
    </Card>
  );
}

/** Label / value pairs (a definition list), two columns from small screens on. */
export function Facts({ items, narrow = false }: { items: { label: string; value: React.ReactNode }[]; narrow?: boolean }) {
  // Narrow: in a side column, one pair per line on wide screens (two side by side would wrap).
  return (
    <dl className={`grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2 ${narrow ? "lg:grid-cols-1" : ""}`}>
      {items.map((item) => (
        <div key={item.label} className="min-w-0">
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{item.label}</dt>
          <dd className="mt-0.5 break-words text-slate-900">{item.value ?? <span className="text-slate-400">—</span>}</dd>
        </div>
      ))}
    </dl>
  );
}
