import type { Metadata } from "next";
import { BarChart } from "@/components/charts/bar-chart";
import { LineChart } from "@/components/charts/line-chart";
import { AsOf } from "@/components/reports/as-of";
import { UnconvertedNote } from "@/components/reports/unconverted-note";
import { ChartCard } from "@/components/reports/chart-card";
import { ReportPage } from "@/components/reports/report-page";
import { QueryTimedOut } from "@/components/ui/query-timed-out";
import { reportContext } from "@/lib/reports/report-context";
import { requirePagePermission, type SessionUser } from "@/lib/auth/session";
import { formatMoney } from "@/lib/format/money";
import { reportRefundsGrid } from "@/lib/reports/grids/refunds";
import type { SearchParams } from "@/lib/grid/params";
import { unlessTimedOut } from "@/lib/grid/timeout";
import type { ReportFilters } from "@/lib/periods/filters";
import { loadRefundsReport } from "@/lib/reports/loaders/refunds";

export const metadata: Metadata = { title: "Refunds" };

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("view_sales");
  const params = await searchParams;
  const { filters, storeZone, notices, options, timeZone } = await reportContext(user, params);
  return (
    <ReportPage
      title="Refunds"
      description="Credit memos over time, and what they refunded: items, shipping, or only an adjustment."
      basePath="/reports/refunds"
      filters={filters}
      storeZone={storeZone}
      notices={notices}
      options={options}
      withBucket
      charts={<RefundCharts user={user} filters={filters} timeZone={timeZone} />}
      grid={reportRefundsGrid}
      searchParams={params}
      user={user}
      empty={{ title: "No credit memos in this range", hint: "Choose a longer range, or another channel or website." }}
    />
  );
}

async function RefundCharts({ user, filters, timeZone }: { user: SessionUser; filters: ReportFilters; timeZone: string }) {
  const read = await unlessTimedOut(loadRefundsReport(user, filters));
  if (!read.ok) return <QueryTimedOut message={read.message} />;
  const report = read.value;
  const empty = report.points.every((p) => p.count === 0);
  return (
    <>
      <AsOf at={report.asOf} what="Credit memos" timeZone={timeZone} />
      <UnconvertedNote counts={{ refunds: report.unconverted }} />
      <div className="mb-6 grid gap-4 lg:grid-cols-2">
        <ChartCard title="Refunded over time" empty={empty}>
          <LineChart
            title="Refunded over time"
            labels={report.points.map((p) => p.period)}
            format="money"
            currency={report.currency}
            series={[{ name: "Refunded", values: report.points.map((p) => p.total) }]}
          />
        </ChartCard>
        <ChartCard title="By reason" empty={empty}>
          <BarChart
            title="Refunded by reason"
            format="money"
            currency={report.currency}
            labelHeader="Reason"
            valueHeader="Refunded"
            detailHeader="Memos (adjustments)"
            items={report.byReason.map((r) => ({
              label: r.label,
              value: r.total,
              detail: `${r.count.toLocaleString("en-US")} (${formatMoney(r.adjustments, report.currency)})`,
            }))}
          />
        </ChartCard>
      </div>
    </>
  );
}
