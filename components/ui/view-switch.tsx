import Link from "next/link";

/**
 * Two or three ways to see the same thing ("By customer" / "By account"), as links: the choice is
 * in the URL, so it survives reloads and can be shared.
 */
export function ViewSwitch({
  label,
  views,
  active,
  className = "",
}: {
  label: string;
  views: readonly { id: string; label: string; href: string }[];
  active: string;
  className?: string;
}) {
  return (
    <nav aria-label={label} className={`inline-flex rounded-md ring-1 ring-inset ring-slate-300 ${className}`}>
      {views.map((view, index) => {
        const current = view.id === active;
        return (
          <Link
            key={view.id}
            href={view.href}
            aria-current={current ? "true" : undefined}
            scroll={false}
            className={`px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-brand-500 ${
              index === 0 ? "rounded-l-md" : ""
            } ${index === views.length - 1 ? "rounded-r-md" : ""} ${
              current ? "bg-brand-600 text-white" : "bg-white text-slate-700 hover:bg-slate-50"
            }`}
          >
            {view.label}
          </Link>
        );
      })}
    </nav>
  );
}
