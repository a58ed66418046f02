import { Card } from "@/components/ui/card";

// The frame every dashboard widget shares: a titled card, an optional note ("as of …"), and the
// same frame around its loading skeleton so the page does not jump when data arrives.

export function Widget({
  title,
  description,
  note,
  children,
  className = "",
}: {
  title: string;
  description?: string;
  note?: React.ReactNode;
  children: React.ReactNode;
  className?: string;
}) {
  const id = `w-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <Card className={`flex flex-col ${className}`}>
      <div aria-labelledby={id} role="region" className="flex flex-1 flex-col">
        <header className="flex flex-wrap items-baseline justify-between gap-2 border-b border-slate-200 px-5 py-3">
          <div>
            <h2 id={id} className="text-base font-semibold text-slate-900">
              {title}
            </h2>
            {description ? <p className="text-xs text-slate-600">{description}</p> : null}
          </div>
          {/* A div: a note may be a control (the top widget's Customers / Accounts switch), not only text. */}
          {note ? <div className="text-xs text-slate-600">{note}</div> : null}
        </header>
        <div className="flex-1 px-5 py-4">{children}</div>
      </div>
    </Card>
  );
}

/** The widget's frame with grey bars where its figures will be. */
export function WidgetSkeleton({ title, className = "", lines = 4 }: { title: string; className?: string; lines?: number }) {
  return (
    <Widget title={title} className={className}>
      <div role="status" aria-live="polite" className="animate-pulse space-y-3">
        <span className="sr-only">Loading {title.toLowerCase()}…</span>
        {Array.from({ length: lines }, (_, i) => (
          <div key={i} className="h-4 rounded bg-slate-200" style={{ width: `${90 - i * 12}%` }} />
        ))}
      </div>
    </Widget>
  );
}

/** Nothing to show for the chosen filters, and why. */
export function WidgetEmpty({ children }: { children: React.ReactNode }) {
  return <p className="py-8 text-center text-sm text-slate-600">{children}</p>;
}
