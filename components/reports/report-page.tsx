import { Suspense, type ReactNode } from "react";
import { GridView } from "@/components/data-grid/grid-view";
import { ChartSkeleton } from "@/components/reports/chart-card";
import { ReportFilterBar, type FilterOptions } from "@/components/reports/filter-bar";
import { StoreDaysNote } from "@/components/reports/store-days-note";
import { EmptyState } from "@/components/ui/empty-state";
import { LinkNotices, type LinkNotice } from "@/components/ui/link-notices";
import { PageHeader } from "@/components/ui/page-header";
import type { SessionUser } from "@/lib/auth/session";
import type { SearchParams } from "@/lib/grid/params";
import type { GridDefinition } from "@/lib/grid/types";
import type { ReportFilters } from "@/lib/periods/filters";
import type { ScopeTimeZone } from "@/lib/periods/time-zones";

// The one layout of every report page (app/(portal)/reports/*): header, the shared filter bar, the
// report's charts streamed in behind a skeleton, then its grid with an empty state of its own.

export function ReportPage({
  title,
  description,
  basePath,
  filters,
  storeZone,
  notices,
  options,
  withBucket,
  withRange,
  chartsKey,
  charts,
  grid,
  searchParams,
  user,
  empty,
  views,
  keep,
}: {
  title: string;
  description: string;
  /** The page's path: the filter form's action and the grid's links. */
  basePath: string;
  filters: ReportFilters;
  /** The time zone the filters' days were read in (reportContext). */
  storeZone: ScopeTimeZone;
  /** What the link held that the report could not use (reportContext). */
  notices: readonly LinkNotice[];
  options: FilterOptions;
  withBucket?: boolean;
  withRange?: boolean;
  /** Remounts the charts' Suspense (skeleton again, not stale charts) when it changes; default: every filter. */
  chartsKey?: string;
  /** An async server component reading the report's summary. */
  charts: ReactNode;
  grid: GridDefinition;
  searchParams: SearchParams;
  user: SessionUser;
  empty: { title: string; hint: ReactNode };
  /** Other views of the report (a ViewSwitch), shown above the filters. */
  views?: ReactNode;
  /** Parameters of the view that the filter form keeps (by=account). */
  keep?: Record<string, string>;
}) {
  return (
    <>
      <PageHeader breadcrumb="Reports" title={title} description={description} />
      <LinkNotices notices={notices} className="mb-4" />
      {views ? <div className="mb-4">{views}</div> : null}
      <ReportFilterBar
        action={basePath.split("?")[0]!}
        filters={filters}
        options={options}
        withBucket={withBucket}
        withRange={withRange}
        keep={keep}
      />
      {withRange === false ? null : <StoreDaysNote zone={storeZone} />}
      <Suspense key={chartsKey ?? JSON.stringify(filters)} fallback={<ChartSkeleton />}>
        {charts}
      </Suspense>
      {/* Keyed by the grid: a page that switches grids (by customer / by account) starts the new one
          afresh instead of carrying the other's columns and measured widths over. */}
      <GridView
        key={grid.id}
        definition={grid}
        searchParams={searchParams}
        basePath={basePath}
        user={user}
        emptyState={<EmptyState title={empty.title}>{empty.hint}</EmptyState>}
      />
    </>
  );
}
