import type { Metadata } from "next";
import { LineChart } from "@/components/charts/line-chart";
import { AsOf } from "@/components/reports/as-of";
import { UnconvertedNote } from "@/components/reports/unconverted-note";
import { ChartCard } from "@/components/reports/chart-card";
import { ReportPage } from "@/components/reports/report-page";
import { QueryTimedOut } from "@/components/ui/query-timed-out";
import { reportContext } from "@/lib/reports/report-context";
import { requirePagePermission, type SessionUser } from "@/lib/auth/session";
import { formatMoney } from "@/lib/format/money";
import { reportSalesGrid } from "@/lib/reports/grids/sales";
import type { SearchParams } from "@/lib/grid/params";
import { unlessTimedOut } from "@/lib/grid/timeout";
import type { ReportFilters } from "@/lib/periods/filters";
import { loadSalesReport } from "@/lib/reports/loaders/sales";

export const metadata: Metadata = { title: "Sales by Period" };

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("view_sales");
  const params = await searchParams;
  const { filters, storeZone, notices, options, timeZone } = await reportContext(user, params);
  return (
    <ReportPage
      title="Sales by Period"
      description="Orders, revenue, average order value and refunds per period, by channel, website and store, each in its base currency; the totals and charts convert them to the global currency at each order's own rate. Canceled orders are not revenue."
      basePath="/reports/sales"
      filters={filters}
      storeZone={storeZone}
      notices={notices}
      options={options}
      withBucket
      charts={<SalesCharts user={user} filters={filters} timeZone={timeZone} />}
      grid={reportSalesGrid}
      searchParams={params}
      user={user}
      empty={{ title: "No sales in this range", hint: "Choose a longer range, or another channel or website." }}
    />
  );
}

async function SalesCharts({ user, filters, timeZone }: { user: SessionUser; filters: ReportFilters; timeZone: string }) {
  const read = await unlessTimedOut(loadSalesReport(user, filters));
  if (!read.ok) return <QueryTimedOut message={read.message} />;
  const report = read.value;
  const labels = report.points.map((p) => p.period);
  const empty = report.totals.orders === 0;
  const money = (v: string | null) => (v === null ? "—" : formatMoney(v, report.currency));
  // The totals add every store's orders converted to the global currency (the rows below keep each store's base currency).
  const converted = (label: string) => (report.currency ? `${label} (${report.currency})` : label);
  return (
    <>
      <AsOf at={report.asOf} what="Daily figures" timeZone={timeZone} />
      <UnconvertedNote counts={{ orders: report.unconvertedOrders }} />
      <dl className="mb-4 grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="sales-totals">
        {[
          ["Orders", report.totals.orders.toLocaleString("en-US")],
          [converted("Revenue"), money(report.totals.revenue)],
          [converted("Average order"), money(report.totals.aov)],
          [converted("Refunded"), money(report.totals.refunds)],
        ].map(([label, value]) => (
          <div key={label} className="rounded-lg bg-white px-4 py-3 shadow-sm ring-1 ring-slate-200">
            <dt className="text-xs text-slate-500">{label}</dt>
            <dd className="mt-1 text-lg font-semibold tabular-nums text-slate-900">{value}</dd>
          </div>
        ))}
      </dl>
      <div className="mb-6 grid gap-4 lg:grid-cols-2">
        <ChartCard title="Revenue and refunds" empty={empty}>
          <LineChart
            title="Revenue and refunds"
            labels={labels}
            format="money"
            currency={report.currency}
            series={[
              { name: "Revenue", values: report.points.map((p) => p.revenue) },
              { name: "Refunded", values: report.points.map((p) => p.refunds), muted: true },
            ]}
          />
        </ChartCard>
        <ChartCard title="Orders" empty={empty}>
          <LineChart
            title="Orders"
            labels={labels}
            format="count"
            series={[{ name: "Orders", values: report.points.map((p) => String(p.orders)) }]}
          />
        </ChartCard>
      </div>
    </>
  );
}
