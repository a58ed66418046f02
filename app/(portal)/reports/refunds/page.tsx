import type { Metadata } from "next";
import { Suspense } from "react";
import { BarChart } from "@/components/charts/bar-chart";
import { LineChart } from "@/components/charts/line-chart";
import { GridView } from "@/components/data-grid/grid-view";
import { AsOf } from "@/components/reports/as-of";
import { ChartCard, ChartSkeleton } from "@/components/reports/chart-card";
import { ReportFilterBar } from "@/components/reports/filter-bar";
import { reportContext } from "@/lib/reports/report-context";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission, type SessionUser } from "@/lib/auth/session";
import { formatMoney } from "@/lib/format/money";
import { reportRefundsGrid } from "@/lib/grid/grids/report-refunds";
import type { SearchParams } from "@/lib/grid/params";
import type { ReportFilters } from "@/lib/reports/filters";
import { loadRefundsReport } from "@/lib/reports/reports/refunds";

export const metadata: Metadata = { title: "Refunds" };

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("view_sales");
  const params = await searchParams;
  const { filters, options, timeZone } = await reportContext(user, params);
  return (
    <>
      <PageHeader breadcrumb="Reports" title="Refunds" description="Credit memos over time, and what they refunded: items, shipping, or only an adjustment." />
      <ReportFilterBar action="/reports/refunds" filters={filters} options={options} withBucket />
      <Suspense key={JSON.stringify(filters)} fallback={<ChartSkeleton />}>
        <RefundCharts user={user} filters={filters} timeZone={timeZone} />
      </Suspense>
      <GridView
        definition={reportRefundsGrid}
        searchParams={params}
        basePath="/reports/refunds"
        user={user}
        emptyState={<EmptyState title="No credit memos in this range">Choose a longer range, or another channel or website.</EmptyState>}
      />
    </>
  );
}

async function RefundCharts({ user, filters, timeZone }: { user: SessionUser; filters: ReportFilters; timeZone: string }) {
  const report = await loadRefundsReport(user, filters);
  const empty = report.points.every((p) => p.count === 0);
  return (
    <>
      <AsOf at={report.asOf} what="Credit memos" timeZone={timeZone} />
      <div className="mb-6 grid gap-4 lg:grid-cols-2">
        <ChartCard title="Refunded over time" empty={empty}>
          <LineChart title="Refunded over time" labels={report.points.map((p) => p.period)} format="money" currency={report.currency}
            series={[{ name: "Refunded", values: report.points.map((p) => p.total) }]} />
        </ChartCard>
        <ChartCard title="By reason" empty={empty}>
          <BarChart title="Refunded by reason" format="money" currency={report.currency} labelHeader="Reason" valueHeader="Refunded" detailHeader="Memos (adjustments)"
            items={report.byReason.map((r) => ({ label: r.label, value: r.total, detail: `${r.count.toLocaleString("en-US")} (${formatMoney(r.adjustments, report.currency)})` }))} />
        </ChartCard>
      </div>
    </>
  );
}
