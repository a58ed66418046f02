import { sql, type SQL } from "drizzle-orm";
import type { ReportFilters } from "@/lib/periods/filters";
import { assertDefinition } from "@/lib/grid/sql";
import type { GridDefinition } from "@/lib/grid/types";

// Reports › Sales by period: one row per period (the filters' bucket: day, week from Monday, month)
// and store, summed from the daily rollup (report_daily_sales, refreshed after each sync), so a
// year of a million orders is a few thousand rollup rows. Revenue is the rollup's: Σ (base_subtotal
// + base_discount_amount) of non-canceled orders by the order's local day, in the store's base
// currency, and beside it converted to the global currency (× each order's base_to_global_rate),
// the figure the report's totals add up. AOV = revenue ÷ non-canceled orders with base amounts.

/** The rows of a range, bucketed; the row id numbers them in a fixed order (for links and selection). */
export function salesFrom(f: ReportFilters): SQL {
  const website = f.websiteId === null ? sql`` : sql` AND d.website_id = ${f.websiteId}`;
  const channel = f.channelId === null ? sql`` : sql` AND d.channel_id = ${f.channelId}`;
  return sql`(
    SELECT row_number() OVER (ORDER BY x.period, x.channel_id, x.store_id NULLS FIRST) AS id, x.*,
      ch.name AS channel_name, w.name AS website_name, st.name AS store_name
    FROM (
      SELECT date_trunc(${f.bucket}, d.day::timestamp)::date AS period, d.channel_id, d.store_id,
        max(d.website_id) AS website_id,
        sum(d.orders) AS orders, sum(d.orders_canceled) AS orders_canceled, sum(d.revenue) AS revenue,
        sum(d.discounted_orders) AS discounted_orders, sum(d.refunds) AS refunds, sum(d.refunds_count) AS refunds_count,
        sum(d.base_revenue) AS base_revenue, sum(d.base_refunds) AS base_refunds, max(d.base_currency) AS currency,
        max(d.global_currency) AS global_currency, sum(d.unconverted_orders) AS unconverted_orders
      FROM report_daily_sales d
      WHERE d.day BETWEEN ${f.range.from}::date AND ${f.range.to}::date${website}${channel}
      GROUP BY 1, 2, 3
    ) x
    LEFT JOIN channels ch ON ch.id = x.channel_id
    LEFT JOIN magento_websites w ON w.id = x.website_id
    LEFT JOIN magento_stores st ON st.id = x.store_id
  ) r`;
}

export const reportSalesGrid: GridDefinition = assertDefinition({
  id: "report_sales",
  title: "Sales by period",
  noun: "rows",
  from: "(see salesFrom)",
  where: "true",
  idSql: "r.id",
  channelSql: "r.channel_id",
  defaultSort: { column: "period", direction: "desc" },
  report: { from: salesFrom },
  columns: [
    { id: "period", label: "Period from", kind: "text", sql: "to_char(r.period, 'YYYY-MM-DD')", filter: null, card: "title" },
    { id: "channel", label: "Channel", kind: "text", sql: "r.channel_name", filter: null, priority: 3 },
    { id: "website", label: "Website", kind: "text", sql: "r.website_name", priority: 3 },
    { id: "store", label: "Store", kind: "text", sql: "r.store_name", card: "who" },
    { id: "orders", label: "Orders", kind: "number", sql: "r.orders" },
    { id: "orders_canceled", label: "Canceled", kind: "number", sql: "r.orders_canceled", hiddenByDefault: true },
    { id: "revenue", label: "Revenue", kind: "money", sql: "r.base_revenue", currencySql: "r.currency", priority: 1, card: "amount" },
    {
      id: "aov",
      label: "Average order",
      kind: "money",
      sql: "round(r.base_revenue / nullif(r.orders - r.unconverted_orders, 0), 2)",
      currencySql: "r.currency",
    },
    { id: "revenue_global", label: "Revenue, converted", kind: "money", sql: "r.revenue", currencySql: "r.global_currency" },
    { id: "discounted_orders", label: "Discounted orders", kind: "number", sql: "r.discounted_orders", hiddenByDefault: true },
    { id: "refunds_count", label: "Refunds", kind: "number", sql: "r.refunds_count", priority: 3 },
    { id: "refunds", label: "Refunded", kind: "money", sql: "r.base_refunds", currencySql: "r.currency", priority: 1 },
    {
      id: "refunds_global",
      label: "Refunded, converted",
      kind: "money",
      sql: "r.refunds",
      currencySql: "r.global_currency",
      hiddenByDefault: true,
    },
    { id: "unconverted_orders", label: "Orders without base amounts", kind: "number", sql: "r.unconverted_orders", hiddenByDefault: true },
  ],
});
