import Link from "next/link";
import { DateTime } from "./date-time";

export type DetailNav = {
  previousHref: string | null;
  nextHref: string | null;
  position: number | null;
  total: number;
  /** Counted no further than the grid counts: shown as "10,000+". */
  positionCapped?: boolean;
  totalCapped?: boolean;
  noun: string;
};

const count = (n: number, capped: boolean | undefined) => `${n.toLocaleString("en-US")}${capped ? "+" : ""}`;

const ARROW = "inline-flex h-9 w-9 items-center justify-center rounded-md ring-1 ring-inset ring-slate-300 text-slate-700";

/**
 * Top of every detail page: breadcrumb back to the grid (with its filters), title and badges,
 * prev / next through the grid's result set, channel, last sync, Magento admin link and actions.
 */
export function DetailHeader({
  section,
  grid,
  title,
  badges,
  nav,
  channelName,
  syncedAt,
  timeZone,
  adminHref,
  actions,
}: {
  section: string;
  grid: { label: string; href: string };
  title: string;
  badges?: React.ReactNode;
  nav: DetailNav | null;
  channelName: string;
  syncedAt: Date;
  timeZone: string;
  adminHref: string | null;
  actions?: React.ReactNode;
}) {
  return (
    <header className="mb-6 space-y-3">
      <nav aria-label="Breadcrumb" className="text-sm">
        <ol className="flex flex-wrap items-center gap-1 text-slate-500">
          <li>{section}</li>
          <li aria-hidden>›</li>
          <li>
            <Link href={grid.href} className="font-medium text-brand-700 hover:underline">
              {grid.label}
            </Link>
          </li>
          <li aria-hidden>›</li>
          <li aria-current="page" className="text-slate-700">
            {title}
          </li>
        </ol>
      </nav>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
            {badges}
          </div>
          <p className="mt-1 flex flex-wrap gap-x-3 gap-y-1 text-sm text-slate-600">
            <span>
              Channel <span className="font-medium text-slate-800">{channelName}</span>
            </span>
            <span>
              Last synced <DateTime value={syncedAt} timeZone={timeZone} />
            </span>
            {adminHref ? (
              <a href={adminHref} target="_blank" rel="noopener noreferrer" className="font-medium text-brand-700 hover:underline">
                Open in Magento admin<span className="sr-only"> (opens in a new tab)</span> ↗
              </a>
            ) : null}
          </p>
        </div>
        {nav ? (
          <div className="flex items-center gap-2 text-sm text-slate-600">
            {nav.previousHref ? (
              <Link href={nav.previousHref} className={`${ARROW} hover:bg-slate-50`} aria-label={`Previous of ${nav.noun}`} rel="prev">
                ←
              </Link>
            ) : (
              <span className={`${ARROW} opacity-40`} aria-hidden>
                ←
              </span>
            )}
            <span className="tabular-nums">
              {nav.position !== null
                ? `${count(nav.position, nav.positionCapped)} of ${count(nav.total, nav.totalCapped)}`
                : "Not in the list's filters"}
            </span>
            {nav.nextHref ? (
              <Link href={nav.nextHref} className={`${ARROW} hover:bg-slate-50`} aria-label={`Next of ${nav.noun}`} rel="next">
                →
              </Link>
            ) : (
              <span className={`${ARROW} opacity-40`} aria-hidden>
                →
              </span>
            )}
          </div>
        ) : null}
      </div>
      {actions ? <div className="flex flex-wrap items-center gap-3">{actions}</div> : null}
    </header>
  );
}
