import Link from "next/link";
import { cache, type ReactNode } from "react";
import { BarChart } from "@/components/charts/bar-chart";
import { DonutChart } from "@/components/charts/donut-chart";
import { formatValue } from "@/components/charts/format";
import { LineChart } from "@/components/charts/line-chart";
import { KpiTile } from "@/components/dashboard/kpi-tile";
import { ago, bucketLabel, dataAsOf, runStatusLabel } from "@/components/dashboard/labels";
import { Widget, WidgetEmpty } from "@/components/dashboard/widget";
import { ViewSwitch } from "@/components/ui/view-switch";
import type { SessionUser } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/dates";
import { UnconvertedNote } from "@/components/reports/unconverted-note";
import { formatMoney } from "@/lib/format/money";
import {
  loadCartFunnel,
  loadChannelSeries,
  loadKpis,
  loadMix,
  loadSalesSeries,
  loadSyncHealth,
  loadTopAccounts,
  loadTopCustomers,
  percentChange,
  type DashboardScope,
} from "@/lib/reports/dashboard/queries";

// Each widget is an async server component with its own loader (which checks view_sales itself),
// streamed in behind its own Suspense skeleton by the page.

type Props = { user: SessionUser; scope: DashboardScope; currency: string; asOf: string };

// The key figures and "new vs returning" read the same KPIs: once per request.
const kpisOnce = cache(loadKpis);

const money = (v: string | null, currency: string) => (v === null ? "—" : formatMoney(v, currency));
const count = (n: number) => n.toLocaleString("en-US");
const pct = (v: string | null) => (v === null ? "—" : formatValue(v, "percent", null));

export async function KpisWidget({ user, scope, currency, asOf }: Props) {
  const { current: c, previous: p } = await kpisOnce(user, scope);
  const tiles = [
    {
      label: "Revenue",
      value: money(c.revenue, currency),
      previous: money(p.revenue, currency),
      change: percentChange(c.revenue, p.revenue),
    },
    { label: "Orders", value: count(c.orders), previous: count(p.orders), change: percentChange(c.orders, p.orders) },
    {
      label: "Discounted orders",
      value: pct(c.discountedPercent),
      previous: pct(p.discountedPercent),
      change: percentChange(c.discountedPercent, p.discountedPercent),
    },
    {
      label: "Average order value",
      value: money(c.averageOrderValue, currency),
      previous: money(p.averageOrderValue, currency),
      change: percentChange(c.averageOrderValue, p.averageOrderValue),
    },
    {
      label: "New customers",
      value: count(c.newCustomers),
      previous: count(p.newCustomers),
      change: percentChange(c.newCustomers, p.newCustomers),
    },
    {
      label: "Returning customers",
      value: count(c.returningCustomers),
      previous: count(p.returningCustomers),
      change: percentChange(c.returningCustomers, p.returningCustomers),
    },
    {
      label: "Refunds",
      value: money(c.refunds, currency),
      previous: money(p.refunds, currency),
      change: percentChange(c.refunds, p.refunds),
      better: "down" as const,
    },
    {
      label: "Abandoned revenue",
      value: money(c.abandonedRevenue, currency),
      previous: money(p.abandonedRevenue, currency),
      change: percentChange(c.abandonedRevenue, p.abandonedRevenue),
      better: "down" as const,
    },
    {
      label: "Abandoned carts",
      value: count(c.abandonedCarts),
      previous: count(p.abandonedCarts),
      change: percentChange(c.abandonedCarts, p.abandonedCarts),
      better: "down" as const,
    },
    {
      label: "Abandon rate",
      value: pct(c.abandonRate),
      previous: pct(p.abandonRate),
      change: percentChange(c.abandonRate, p.abandonRate),
      better: "down" as const,
    },
  ];
  return (
    <Widget
      title="Key figures"
      description={`${scope.range.from} – ${scope.range.to}, compared with ${scope.previous.from} – ${scope.previous.to}`}
      note={asOf}
    >
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5" data-testid="kpis">
        {tiles.map((t) => (
          <KpiTile key={t.label} {...t} />
        ))}
      </dl>
      <UnconvertedNote counts={c.unconverted} />
    </Widget>
  );
}

export async function SalesWidget({ user, scope, currency, asOf }: Props) {
  const s = await loadSalesSeries(user, scope);
  const labels = s.buckets.map((b) => bucketLabel(b, s.bucket));
  const axisLabels = s.buckets.map((b) => bucketLabel(b, s.bucket === "week" ? "day" : s.bucket));
  const empty = s.orders.every((o) => o === "0") && s.previousOrders.every((o) => o === null || o === "0");
  return (
    <Widget
      title="Revenue over time"
      description="Canceled orders excluded; dashed: the previous period"
      note={asOf}
      className="lg:col-span-2"
    >
      {empty ? (
        <WidgetEmpty>No orders in this period. Pick a longer range or another channel.</WidgetEmpty>
      ) : (
        <div className="grid gap-6 md:grid-cols-2">
          <LineChart
            title="Revenue per period"
            labels={labels}
            axisLabels={axisLabels}
            format="money"
            currency={currency}
            series={[
              { name: "This period", values: s.revenue },
              { name: "Previous period", values: s.previousRevenue, muted: true },
            ]}
          />
          <LineChart
            title="Orders per period"
            labels={labels}
            axisLabels={axisLabels}
            format="count"
            series={[
              { name: "Orders", values: s.orders },
              { name: "Previous period", values: s.previousOrders, muted: true },
            ]}
          />
        </div>
      )}
    </Widget>
  );
}

export async function ChannelsWidget({ user, scope, currency, asOf }: Props) {
  const s = await loadChannelSeries(user, scope);
  const labels = s.buckets.map((b) => bucketLabel(b, scope.bucket));
  const axisLabels = s.buckets.map((b) => bucketLabel(b, scope.bucket === "week" ? "day" : scope.bucket));
  return (
    <Widget
      title="By channel"
      description="Average order value and new customers, one line per channel"
      note={asOf}
      className="lg:col-span-2"
    >
      {s.channels.length === 0 ? (
        <WidgetEmpty>No sales in this period.</WidgetEmpty>
      ) : (
        <div className="grid gap-6 md:grid-cols-2">
          <LineChart
            title="Average order value per channel"
            labels={labels}
            axisLabels={axisLabels}
            format="money"
            currency={currency}
            series={s.channels.map((c) => ({ name: c.name, values: c.averageOrderValue }))}
          />
          <LineChart
            title="New customers per channel"
            labels={labels}
            axisLabels={axisLabels}
            format="count"
            series={s.channels.map((c) => ({ name: c.name, values: c.newCustomers }))}
          />
        </div>
      )}
    </Widget>
  );
}

export async function FunnelWidget({ user, scope, currency, asOf }: Props) {
  const f = await loadCartFunnel(user, scope);
  const steps = [
    { label: "Purchased", value: f.purchased },
    { label: "Converted after follow-up", value: f.convertedAfterFollowUp },
    { label: "Expired", value: f.expired },
    { label: "Lost", value: f.lost },
    // Abandoned and still open part the carts still followed: idle past the delay, or not (yet).
    { label: "Abandoned", value: f.abandoned },
    { label: "Still open", value: f.open },
  ];
  return (
    <Widget title="Shopping cart funnel" description="Carts created in the period, by where they ended up" note={asOf}>
      {f.created === 0 ? (
        <WidgetEmpty>No carts were created in this period.</WidgetEmpty>
      ) : (
        <>
          <dl className="mb-4 grid grid-cols-2 gap-3 text-sm" data-testid="funnel">
            <div>
              <dt className="text-xs text-slate-600">Carts created</dt>
              <dd className="text-lg font-semibold tabular-nums">{count(f.created)}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-600">Abandoned-cart rate</dt>
              <dd className="text-lg font-semibold tabular-nums">{pct(f.abandonRate)}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-600">Recovered revenue</dt>
              <dd className="text-lg font-semibold tabular-nums">{money(f.recoveredRevenue, currency)}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-600">Orders from contacted carts</dt>
              <dd className="text-lg font-semibold tabular-nums">{count(f.recoveredOrders)}</dd>
            </div>
          </dl>
          <BarChart
            title="Carts created, by outcome"
            items={steps.map((s) => ({ label: s.label, value: String(s.value) }))}
            format="count"
            labelHeader="Outcome"
            valueHeader="Carts"
          />
        </>
      )}
    </Widget>
  );
}

export async function NewVsReturningWidget({ user, scope, asOf }: Omit<Props, "currency">) {
  const { current } = await kpisOnce(user, scope);
  const total = current.newCustomers + current.returningCustomers;
  return (
    <Widget title="New vs returning customers" description="Customers who ordered in the period" note={asOf}>
      {total === 0 ? (
        <WidgetEmpty>No customer ordered in this period.</WidgetEmpty>
      ) : (
        <DonutChart
          title="New and returning customers"
          format="count"
          labelHeader="Customers"
          valueHeader="Count"
          slices={[
            { label: "New (first order)", value: String(current.newCustomers) },
            { label: "Returning", value: String(current.returningCustomers) },
          ]}
        />
      )}
    </Widget>
  );
}

/** What the top widget ranks: customers (each Magento customer) or accounts (each buyer once, companies together). */
export type TopBy = "customers" | "accounts";

export async function TopCustomersWidget({
  user,
  scope,
  currency,
  top,
  topHrefs,
}: Props & { top: TopBy; topHrefs: Record<TopBy, string> }) {
  const switcher = (
    <ViewSwitch
      label="Rank"
      active={top}
      views={[
        { id: "customers", label: "Customers", href: topHrefs.customers },
        { id: "accounts", label: "Accounts", href: topHrefs.accounts },
      ]}
    />
  );
  if (top === "accounts") return <TopAccounts user={user} scope={scope} switcher={switcher} />;
  const rows = await loadTopCustomers(user, scope);
  return (
    <Widget title="Top customers by lifetime value" description="All time; canceled orders excluded" note={switcher}>
      {rows.length === 0 ? (
        <WidgetEmpty>No customer has ordered yet.</WidgetEmpty>
      ) : (
        <TopTable
          caption="Top customers by lifetime value"
          nameHeader="Customer"
          rows={rows.map((r) => ({
            id: r.id,
            href: `/customers/${r.id}`,
            name: r.name,
            detail: r.channelName,
            orders: r.orders,
            value: money(r.lifetimeValue, currency),
          }))}
        />
      )}
    </Widget>
  );
}

async function TopAccounts({ user, scope, switcher }: Pick<Props, "user" | "scope"> & { switcher: ReactNode }) {
  const rows = await loadTopAccounts(user, scope);
  return (
    <Widget
      title="Top accounts by lifetime value"
      description="All time, all of each account's customers; canceled orders excluded"
      note={switcher}
    >
      {rows.length === 0 ? (
        <WidgetEmpty>No account has ordered yet.</WidgetEmpty>
      ) : (
        <TopTable
          caption="Top accounts by lifetime value"
          nameHeader="Account"
          rows={rows.map((r) => ({
            id: r.id,
            href: `/customers/accounts/${r.id}`,
            name: r.name,
            detail: `${r.type === "company" ? "Company" : "Person"} · ${r.customers === 1 ? "1 customer" : `${count(r.customers)} customers`}`,
            orders: r.orders,
            // Customers in installations of different global currencies: no one sum to show.
            value: r.currency === null ? "mixed currencies" : money(r.lifetimeValue, r.currency),
          }))}
        />
      )}
    </Widget>
  );
}

/** The top widget's table, for customers and for accounts: who (linked, with a line under), orders, lifetime value. */
function TopTable({
  caption,
  nameHeader,
  rows,
}: {
  caption: string;
  nameHeader: string;
  rows: { id: number; href: string; name: string; detail: string; orders: number; value: ReactNode }[];
}) {
  return (
    <table className="w-full text-sm">
      <caption className="sr-only">{caption}</caption>
      <thead className="text-left text-xs text-slate-600">
        <tr>
          <th scope="col" className="pb-2 font-medium">
            {nameHeader}
          </th>
          <th scope="col" className="pb-2 text-right font-medium">
            Orders
          </th>
          <th scope="col" className="pb-2 text-right font-medium">
            Lifetime value
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((r) => (
          <tr key={r.id}>
            <td className="py-1.5">
              <Link href={r.href} className="font-medium text-brand-700 hover:underline">
                {r.name}
              </Link>
              <span className="block text-xs text-slate-600">{r.detail}</span>
            </td>
            <td className="py-1.5 text-right tabular-nums">{count(r.orders)}</td>
            <td className="py-1.5 text-right tabular-nums">{r.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const MIX_TITLES = { status: "Orders by status", payment: "Payment methods", shipping: "Shipping methods" } as const;

export async function MixWidget({ user, scope, currency, asOf, kind }: Props & { kind: "status" | "payment" | "shipping" }) {
  const rows = await loadMix(user, scope, kind);
  const title = MIX_TITLES[kind];
  return (
    <Widget title={title} description={kind === "status" ? "Every status, canceled included" : "Share of orders"} note={asOf}>
      {rows.length === 0 ? (
        <WidgetEmpty>No orders in this period.</WidgetEmpty>
      ) : kind === "status" ? (
        <BarChart
          title={title}
          format="count"
          labelHeader="Status"
          valueHeader="Orders"
          detailHeader="Revenue"
          items={rows.map((r) => ({ label: r.value, value: String(r.orders), detail: formatMoney(r.revenue, currency) }))}
        />
      ) : (
        <DonutChart
          title={title}
          format="count"
          labelHeader="Method"
          valueHeader="Orders"
          slices={rows.slice(0, 7).map((r) => ({ label: r.value, value: String(r.orders) }))}
        />
      )}
    </Widget>
  );
}

export async function SyncHealthWidget({ user, scope }: Omit<Props, "currency" | "asOf">) {
  const rows = await loadSyncHealth(user, scope);
  const now = new Date();
  const tone = (s: string | null) =>
    s === "succeeded" ? "text-emerald-700" : s === "failed" ? "text-red-700" : s === "partial" ? "text-amber-700" : "text-slate-700";
  return (
    <Widget title="Sync health" description="Each channel's last run and how fresh its figures are">
      {rows.length === 0 ? (
        <WidgetEmpty>No Magento channel yet.</WidgetEmpty>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm" data-testid="sync-health">
          {rows.map((r) => (
            <li key={r.id} className="flex flex-wrap items-baseline justify-between gap-2 py-2">
              <span className="font-medium text-slate-900">{r.name}</span>
              <span className={tone(r.lastRunStatus)}>{runStatusLabel(r.lastRunStatus)}</span>
              <span className="w-full text-xs text-slate-600">
                {dataAsOf(r.lastSuccessAt, r.lastRunStatus, now)}
                {r.lastSuccessAt ? ` (${formatDateTime(r.lastSuccessAt)})` : ""} ·{" "}
                {r.rollupsAsOf ? `figures refreshed ${ago(r.rollupsAsOf, now)}` : "figures not computed yet"}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Widget>
  );
}
