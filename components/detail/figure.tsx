import type { ReactNode } from "react";

/** One labelled figure of a detail page's figures list (inside a `<dl>`): lifetime value, orders, … */
export function Figure({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-base font-semibold text-slate-900">{children}</dd>
    </div>
  );
}
