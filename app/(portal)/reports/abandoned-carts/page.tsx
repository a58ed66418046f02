import type { Metadata } from "next";
import { BarChart } from "@/components/charts/bar-chart";
import { DonutChart } from "@/components/charts/donut-chart";
import { AsOf } from "@/components/reports/as-of";
import { ChartCard } from "@/components/reports/chart-card";
import { ReportPage } from "@/components/reports/report-page";
import { QueryTimedOut } from "@/components/ui/query-timed-out";
import { reportContext } from "@/lib/reports/report-context";
import { requirePagePermission, type SessionUser } from "@/lib/auth/session";
import { formatMoney } from "@/lib/format/money";
import { reportAbandonedCartsGrid } from "@/lib/reports/grids/abandoned-carts";
import type { SearchParams } from "@/lib/grid/params";
import { unlessTimedOut } from "@/lib/grid/timeout";
import type { ReportFilters } from "@/lib/periods/filters";
import { loadAbandonedCartsReport } from "@/lib/reports/loaders/abandoned-carts";
import { countOf } from "@/lib/format/count";

export const metadata: Metadata = { title: "Abandoned Carts" };

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("view_sales");
  const params = await searchParams;
  const { filters, storeZone, notices, options, timeZone } = await reportContext(user, params);
  return (
    <ReportPage
      title="Abandoned Carts"
      description="Carts abandoned now (created in the range): still active in Magento, with items and a customer email, open or contacted, and unchanged for their channel's abandonment delay (24 hours unless set otherwise). By age since their last change, value and follow-up."
      basePath="/reports/abandoned-carts"
      filters={filters}
      storeZone={storeZone}
      notices={notices}
      options={options}
      charts={<AbandonedCharts user={user} filters={filters} timeZone={timeZone} />}
      grid={reportAbandonedCartsGrid}
      searchParams={params}
      user={user}
      empty={{
        title: "No abandoned carts in this range",
        hint: "No cart created in this range is waiting: each was ordered, expired, marked lost, has no items or email, or changed in Magento within its channel's abandonment delay. Choose a longer range, or another channel or website.",
      }}
    />
  );
}

async function AbandonedCharts({ user, filters, timeZone }: { user: SessionUser; filters: ReportFilters; timeZone: string }) {
  const read = await unlessTimedOut(loadAbandonedCartsReport(user, filters));
  if (!read.ok) return <QueryTimedOut message={read.message} />;
  const report = read.value;
  const empty = report.total.count === 0;
  const carts = (n: number) => countOf(n, "cart");
  return (
    <>
      <AsOf at={report.asOf} what="Carts" timeZone={timeZone} />
      <p className="mb-1 text-sm text-slate-700" data-testid="abandoned-total">
        {empty ? (
          "No abandoned carts right now among the carts created in this range."
        ) : (
          <>
            {countOf(report.total.count, "abandoned cart")} worth {formatMoney(report.total.value, report.currency)}.
          </>
        )}
      </p>
      <p className="mb-4 text-sm text-slate-600" data-testid="abandoned-follow-up-results">
        Settled by follow-up (not counted above):{" "}
        {report.recovered.count ? (
          <>
            {carts(report.recovered.count)} recovered with an order worth {formatMoney(report.recovered.value, report.currency)}
          </>
        ) : (
          "none recovered yet"
        )}
        {"; "}
        {report.lost.count ? (
          <>
            {carts(report.lost.count)} lost worth {formatMoney(report.lost.value, report.currency)}
          </>
        ) : (
          "none lost"
        )}
        .
      </p>
      <div className="mb-6 grid gap-4 lg:grid-cols-2">
        <ChartCard title="Value by age" empty={empty}>
          <BarChart
            title="Abandoned value by age"
            format="money"
            currency={report.currency}
            labelHeader="Age"
            valueHeader="Value"
            detailHeader="Carts"
            items={report.byAge.map((b) => ({ label: b.label, value: b.value, detail: b.count.toLocaleString("en-US") }))}
          />
        </ChartCard>
        <ChartCard title="Follow-up" empty={empty}>
          <DonutChart
            title="Abandoned carts by follow-up"
            format="count"
            labelHeader="Outcome"
            valueHeader="Carts"
            slices={report.byOutcome.map((o) => ({ label: o.label, value: String(o.count) }))}
          />
        </ChartCard>
      </div>
    </>
  );
}
