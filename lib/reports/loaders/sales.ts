import { sql } from "drizzle-orm";
import { getReadDb, type Db } from "@/db/client";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { salesFrom } from "@/lib/reports/grids/sales";
import { bucketStarts, type ReportFilters } from "@/lib/periods/filters";
import { queryRows } from "@/db/rows";
import { reportAsOf, singleCurrency, text } from "./common";

// Sales by period: the series for the chart and the range's totals, from the same rollup rows the
// grid lists (lib/reports/grids/sales.ts), summed over stores in the global currency (each
// row's converted amounts; the grid shows each store's own base-currency figures beside them).

export type SalesPoint = { period: string; orders: number; revenue: string; refunds: string; aov: string | null };
export type SalesReport = {
  points: SalesPoint[];
  totals: Omit<SalesPoint, "period">;
  /** The global currency of the totals (null when the rows span several: channels of different Magento installs). */
  currency: string | null;
  /** Orders in range synced before their base amounts: counted, not in the money yet. */
  unconvertedOrders: number;
  asOf: Date | null;
};

export async function loadSalesReport(user: SessionUser | null, f: ReportFilters, db?: Db): Promise<SalesReport> {
  requirePermission(user, "view_sales");
  const database = db ?? (await getReadDb());
  const [rows, [totals], currencies, asOf] = await Promise.all([
    queryRows<{ period: string; orders: unknown; revenue: unknown; refunds: unknown; aov: unknown }>(
      database,
      sql`
      SELECT to_char(r.period, 'YYYY-MM-DD') AS period, sum(r.orders) AS orders, sum(r.revenue) AS revenue, sum(r.refunds) AS refunds,
        round(sum(r.revenue) / nullif(sum(r.orders) - sum(r.unconverted_orders), 0), 2) AS aov
      FROM ${salesFrom(f)} GROUP BY r.period ORDER BY r.period`,
    ),
    queryRows<{ orders: unknown; revenue: unknown; refunds: unknown; aov: unknown; unconverted: unknown }>(
      database,
      sql`
      SELECT coalesce(sum(r.orders), 0) AS orders, coalesce(sum(r.revenue), 0) AS revenue, coalesce(sum(r.refunds), 0) AS refunds,
        round(sum(r.revenue) / nullif(sum(r.orders) - sum(r.unconverted_orders), 0), 2) AS aov, coalesce(sum(r.unconverted_orders), 0) AS unconverted
      FROM ${salesFrom(f)}`,
    ),
    queryRows<{ currency: string | null }>(database, sql`SELECT DISTINCT r.global_currency AS currency FROM ${salesFrom(f)} LIMIT 3`),
    reportAsOf(database, "daily_sales", f.channelId),
  ]);
  const byPeriod = new Map(rows.map((r) => [r.period, r]));
  const points = bucketStarts(f.range, f.bucket).map((period): SalesPoint => {
    const r = byPeriod.get(period);
    return {
      period,
      orders: Number(r?.orders ?? 0),
      revenue: text(r?.revenue),
      refunds: text(r?.refunds),
      aov: r?.aov == null ? null : String(r.aov),
    };
  });
  return {
    points,
    totals: {
      orders: Number(totals?.orders ?? 0),
      revenue: text(totals?.revenue),
      refunds: text(totals?.refunds),
      aov: totals?.aov == null ? null : String(totals.aov),
    },
    currency: singleCurrency(currencies.map((c) => c.currency)),
    unconvertedOrders: Number(totals?.unconverted ?? 0),
    asOf,
  };
}
