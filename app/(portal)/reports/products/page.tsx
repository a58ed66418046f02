import type { Metadata } from "next";
import { BarChart } from "@/components/charts/bar-chart";
import { AsOf } from "@/components/reports/as-of";
import { ChartCard } from "@/components/reports/chart-card";
import { ReportPage } from "@/components/reports/report-page";
import { QueryTimedOut } from "@/components/ui/query-timed-out";
import { reportContext } from "@/lib/reports/report-context";
import { requirePagePermission, type SessionUser } from "@/lib/auth/session";
import { formatDecimal } from "@/lib/format/money";
import { reportProductsGrid } from "@/lib/reports/grids/products";
import type { SearchParams } from "@/lib/grid/params";
import { unlessTimedOut } from "@/lib/grid/timeout";
import type { ReportFilters } from "@/lib/periods/filters";
import { loadProductsReport } from "@/lib/reports/loaders/products";

export const metadata: Metadata = { title: "Best-selling Products" };

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("view_sales");
  const params = await searchParams;
  const { filters, storeZone, notices, options, timeZone } = await reportContext(user, params);
  return (
    <ReportPage
      title="Best-selling Products"
      description="Quantity sold and revenue per product from the items of non-canceled orders placed in the range."
      basePath="/reports/products"
      filters={filters}
      storeZone={storeZone}
      notices={notices}
      options={options}
      charts={<ProductCharts user={user} filters={filters} timeZone={timeZone} />}
      grid={reportProductsGrid}
      searchParams={params}
      user={user}
      empty={{ title: "No products sold in this range", hint: "Choose a longer range, or another channel or website." }}
    />
  );
}

async function ProductCharts({ user, filters, timeZone }: { user: SessionUser; filters: ReportFilters; timeZone: string }) {
  const read = await unlessTimedOut(loadProductsReport(user, filters));
  if (!read.ok) return <QueryTimedOut message={read.message} />;
  const report = read.value;
  const empty = report.byRevenue.length === 0;
  const label = (p: { sku: string; name: string | null }) => p.name ?? p.sku;
  return (
    <>
      <AsOf at={report.asOf} what="Daily figures" timeZone={timeZone} />
      <div className="mb-6 grid gap-4 lg:grid-cols-2">
        <ChartCard title="Top 10 by revenue" empty={empty}>
          <BarChart
            title="Top 10 products by revenue"
            format="money"
            currency={report.currency}
            labelHeader="Product"
            valueHeader="Revenue"
            detailHeader="Quantity"
            items={report.byRevenue.map((p) => ({ label: label(p), value: p.revenue, detail: formatDecimal(p.qty) }))}
          />
        </ChartCard>
        <ChartCard title="Top 10 by quantity" empty={empty}>
          <BarChart
            title="Top 10 products by quantity"
            format="count"
            labelHeader="Product"
            valueHeader="Quantity"
            items={report.byQuantity.map((p) => ({ label: label(p), value: p.qty }))}
          />
        </ChartCard>
      </div>
    </>
  );
}
