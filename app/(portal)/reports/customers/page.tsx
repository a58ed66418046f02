import type { Metadata } from "next";
import Link from "next/link";
import { BarChart } from "@/components/charts/bar-chart";
import { AsOf } from "@/components/reports/as-of";
import { ChartCard } from "@/components/reports/chart-card";
import { ReportPage } from "@/components/reports/report-page";
import { ViewSwitch } from "@/components/ui/view-switch";
import { QueryTimedOut } from "@/components/ui/query-timed-out";
import { reportContext } from "@/lib/reports/report-context";
import { requirePagePermission, type SessionUser } from "@/lib/auth/session";
import { formatMoney } from "@/lib/format/money";
import { reportAccountsGrid } from "@/lib/reports/grids/accounts";
import { reportCustomersGrid } from "@/lib/reports/grids/customers";
import type { SearchParams } from "@/lib/grid/params";
import { unlessTimedOut } from "@/lib/grid/timeout";
import { filtersToSearchParams, type ReportFilters } from "@/lib/periods/filters";
import { RFM_SEGMENTS } from "@/lib/sync/rules/rfm";
import { loadAccountsReport } from "@/lib/reports/loaders/accounts";
import { loadCustomersReport } from "@/lib/reports/loaders/customers";
import { firstValue } from "@/lib/url-state";
import { countOf } from "@/lib/format/count";

export const metadata: Metadata = { title: "Customers by Lifetime Value" };

type View = "customer" | "account";

// Customers or accounts (?by=account): the same report one level up, where a buyer who bought in
// several websites or channels, or a company's people, count once.
const VIEWS = {
  customer: {
    description:
      "Every customer with an order, by lifetime value (all time; canceled orders excluded), with RFM scores 1–5 per channel and their segment.",
    empty: { title: "No customers with orders yet", hint: "Customers appear here once their orders are synced." },
  },
  account: {
    description:
      "Every account with an order, by the lifetime value of all its customers (all time; canceled orders excluded; in the global currency), with RFM scores 1–5 among all accounts and their segment. A channel or website shows the accounts with a customer there, with their whole figures.",
    empty: { title: "No accounts with orders yet", hint: "Accounts appear here once their customers' orders are synced." },
  },
} as const;

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("view_sales");
  const params = await searchParams;
  const { filters, storeZone, notices, options, timeZone } = await reportContext(user, params);
  const view: View = firstValue(params.by) === "account" ? "account" : "customer";
  // Switching view keeps the channel and website; the grid's own filters are the other grid's.
  const scope = filtersToSearchParams({ ...filters, bucket: null });
  scope.delete("range");
  scope.delete("from");
  scope.delete("to");
  const hrefOf = (v: View) => {
    const q = new URLSearchParams(scope);
    if (v === "account") q.set("by", "account");
    const text = q.toString();
    return `/reports/customers${text ? `?${text}` : ""}`;
  };
  return (
    <ReportPage
      title="Customers by Lifetime Value"
      description={VIEWS[view].description}
      basePath={view === "account" ? "/reports/customers?by=account" : "/reports/customers"}
      filters={filters}
      storeZone={storeZone}
      notices={notices}
      options={options}
      withRange={false}
      views={
        <ViewSwitch
          label="Show"
          active={view}
          views={[
            { id: "customer", label: "By customer", href: hrefOf("customer") },
            { id: "account", label: "By account", href: hrefOf("account") },
          ]}
        />
      }
      keep={view === "account" ? { by: "account" } : undefined}
      chartsKey={`${view}:${filters.channelId}:${filters.websiteId}`}
      charts={<SegmentCounts user={user} filters={filters} timeZone={timeZone} view={view} />}
      grid={view === "account" ? reportAccountsGrid : reportCustomersGrid}
      searchParams={params}
      user={user}
      empty={VIEWS[view].empty}
    />
  );
}

async function SegmentCounts({
  user,
  filters,
  timeZone,
  view,
}: {
  user: SessionUser;
  filters: ReportFilters;
  timeZone: string;
  view: View;
}) {
  const read = await unlessTimedOut(view === "account" ? loadAccountsReport(user, filters) : loadCustomersReport(user, filters));
  if (!read.ok) return <QueryTimedOut message={read.message} />;
  const report = read.value;
  const scored = report.segments.reduce((n, s) => n + s.customers, 0);
  const base = filters.channelId !== null ? `&channel=${filters.channelId}` : "";
  const website = filters.websiteId !== null ? `&website=${filters.websiteId}` : "";
  const by = view === "account" ? "&by=account" : "";
  const noun = view === "account" ? "account" : "customer";
  const Nouns = view === "account" ? "Accounts" : "Customers";
  return (
    <>
      <AsOf at={report.asOf} what="RFM scores" timeZone={timeZone} />
      <div className="mb-6 grid gap-4 lg:grid-cols-2">
        <ChartCard title={`${Nouns} per segment`} empty={scored === 0}>
          <BarChart
            title={`${Nouns} per segment`}
            format="count"
            labelHeader="Segment"
            valueHeader={Nouns}
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
                  {Nouns}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {report.segments.map((s) => (
                <tr key={s.id}>
                  <th scope="row" className="px-4 py-1.5 font-medium">
                    <Link href={`/reports/customers?f_segment=${s.id}${base}${website}${by}`} className="text-brand-700 hover:underline">
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
              {countOf(report.unscored, noun)} with orders {report.unscored === 1 ? "is" : "are"} not scored yet (their next sync scores
              them).
            </p>
          ) : null}
        </section>
      </div>
    </>
  );
}
