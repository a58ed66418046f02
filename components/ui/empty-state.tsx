import Link from "next/link";

/** What a page will show, and the one step that gets it there. */
export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children: React.ReactNode;
  action?: { href: string; label: string };
}) {
  return (
    <div className="flex flex-col items-center rounded-lg border border-dashed border-slate-300 bg-white px-6 py-14 text-center">
      <div aria-hidden className="mb-4 flex h-12 w-12 items-center justify-center rounded-full bg-brand-50 text-2xl text-brand-600">
        ∅
      </div>
      <h2 className="text-base font-semibold text-slate-900">{title}</h2>
      <div className="mt-2 max-w-md text-sm text-slate-600">{children}</div>
      {action ? (
        <Link
          href={action.href}
          className="mt-5 inline-flex rounded-md bg-brand-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-brand-700"
        >
          {action.label}
        </Link>
      ) : null}
    </div>
  );
}
