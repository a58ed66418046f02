import type { Metadata } from "next";
import Link from "next/link";
import { BarChart } from "@/components/charts/bar-chart";
import { AsOf } from "@/components/reports/as-of";
import { ChartCard } from "@/components/reports/chart-card";
import { ReportPage } from "@/components/reports/report-page";
import { QueryTimedOut } from "@/components/ui/query-timed-out";
import { reportContext } from "@/lib/reports/report-context";
import { requirePagePermission, type SessionUser } from "@/lib/auth/session";
import { formatMoney } from "@/lib/format/money";
import { reportCustomersGrid } from "@/lib/reports/grids/customers";
import type { SearchParams } from "@/lib/grid/params";
import { unlessTimedOut } from "@/lib/grid/timeout";
import type { ReportFilters } from "@/lib/periods/filters";
import { RFM_SEGMENTS } from "@/lib/sync/rules/rfm";
import { loadCustomersReport } from "@/lib/reports/loaders/customers";
import { countOf } from "@/lib/format/count";

export const metadata: Metadata = { title: "Customers by Lifetime Value" };

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("view_sales");
  const params = await searchParams;
  const { filters, storeZone, notices, options, timeZone } = await reportContext(user, params);
  return (
    <ReportPage
      title="Customers by Lifetime Value"
      description="Every customer with an order, by lifetime value (all time; canceled orders excluded), with RFM scores 1–5 per channel and their segment."
      basePath="/reports/customers"
      filters={filters}
      storeZone={storeZone}
      notices={notices}
      options={options}
      withRange={false}
      chartsKey={`${filters.channelId}:${filters.websiteId}`}
      charts={<SegmentCounts user={user} filters={filters} timeZone={timeZone} />}
      grid={reportCustomersGrid}
      searchParams={params}
      user={user}
      empty={{ title: "No customers with orders yet", hint: "Customers appear here once their orders are synced." }}
    />
  );
}

async function SegmentCounts({ user, filters, timeZone }: { user: SessionUser; filters: ReportFilters; timeZone: string }) {
  const read = await unlessTimedOut(loadCustomersReport(user, filters));
  if (!read.ok) return <QueryTimedOut message={read.message} />;
  const report = read.value;
  const scored = report.segments.reduce((n, s) => n + s.customers, 0);
  const base = filters.channelId !== null ? `&channel=${filters.channelId}` : "";
  const website = filters.websiteId !== null ? `&website=${filters.websiteId}` : "";
  return (
    <>
      <AsOf at={report.asOf} what="RFM scores" timeZone={timeZone} />
      <div className="mb-6 grid gap-4 lg:grid-cols-2">
        <ChartCard title="Customers per segment" empty={scored === 0}>
          <BarChart
            title="Customers per segment"
            format="count"
            labelHeader="Segment"
            valueHeader="Customers"
            detailHeader="Lifetime value"
            items={report.segments.map((s) => ({
              label: s.label,
              value: String(s.customers),
              detail: formatMoney(s.monetary, report.currency),
            }))}
          />
        </ChartCard>
        <section aria-labelledby="segment-counts" className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
          <h2 id="segment-counts" className="border-b border-slate-200 px-5 py-4 text-base font-semibold text-slate-900">
            Segment counts
          </h2>
          <table className="w-full text-left text-sm" data-testid="segment-counts">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-2">
                  Segment
                </th>
                <th scope="col" className="px-4 py-2">
                  Rule
                </th>
                <th scope="col" className="px-4 py-2 text-right">
                  Customers
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {report.segments.map((s) => (
                <tr key={s.id}>
                  <th scope="row" className="px-4 py-1.5 font-medium">
                    <Link href={`/reports/customers?f_segment=${s.id}${base}${website}`} className="text-brand-700 hover:underline">
                      {s.label}
                    </Link>
                  </th>
                  <td className="px-4 py-1.5 text-slate-600">{RFM_SEGMENTS.find((r) => r.id === s.id)?.description}</td>
                  <td className="px-4 py-1.5 text-right tabular-nums">{s.customers.toLocaleString("en-US")}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.unscored ? (
            <p className="px-4 py-2 text-xs text-slate-500">
              {countOf(report.unscored, "customer")} with orders {report.unscored === 1 ? "is" : "are"} not scored yet (their next sync
              scores them).
            </p>
          ) : null}
        </section>
      </div>
    </>
  );
}
