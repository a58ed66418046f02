import { sql, type SQL } from "drizzle-orm";
import { addDays, type DayRange, type ReportFilters } from "@/lib/reports/filters";
import { assertDefinition } from "../query";
import type { GridDefinition } from "../types";

// Reports › Products: best sellers by quantity and revenue, from the order items of non-canceled
// orders placed in the range (UTC days). A configurable product's child line repeats its parent's,
// so only top-level lines count. Quantity = ordered − canceled; revenue = Σ (row_total − item
// discount), Magento's item discount being positive. One row per channel and SKU.
//
// Read from the products rollups (lib/reports/rollups.ts), not the order items: the range's whole
// calendar months from report_monthly_products, its other days from report_daily_products. At a
// million orders a year is ~10 × SKUs × stores monthly rows plus at most two partial months of
// daily rows, instead of a join over a million order lines. Every figure is a sum (or a max, for
// the name and currency) of the rollup rows, so the split changes no number.

/** The range's whole calendar months (first days: `from` ≤ month < `until`; null when it holds none), and its other days. */
export function splitByMonths(range: DayRange): { months: { from: string; until: string } | null; days: DayRange[] } {
  const firstMonth = range.from.endsWith("-01") ? range.from : `${addDays(`${range.from.slice(0, 7)}-28`, 4).slice(0, 7)}-01`;
  // The month after the last whole month: the month `to + 1` falls in.
  const afterLast = `${addDays(range.to, 1).slice(0, 7)}-01`;
  if (firstMonth >= afterLast) return { months: null, days: [range] };
  const days: DayRange[] = [];
  if (range.from < firstMonth) days.push({ from: range.from, to: addDays(firstMonth, -1) });
  if (afterLast <= range.to) days.push({ from: afterLast, to: range.to });
  return { months: { from: firstMonth, until: afterLast }, days };
}

const ROLLUP_COLUMNS = sql.raw("channel_id, sku, name, qty, qty_refunded, revenue, orders, currency");

export function productsFrom(f: ReportFilters): SQL {
  const scope = (alias: string) => sql.join([
    f.websiteId === null ? sql`` : sql` AND ${sql.raw(alias)}.website_id = ${f.websiteId}`,
    f.channelId === null ? sql`` : sql` AND ${sql.raw(alias)}.channel_id = ${f.channelId}`,
  ]);
  const { months, days } = splitByMonths(f.range);
  const parts: SQL[] = days.map((d) => sql`
        SELECT ${ROLLUP_COLUMNS} FROM report_daily_products d
        WHERE d.day BETWEEN ${d.from}::date AND ${d.to}::date${scope("d")}`);
  if (months) {
    parts.push(sql`
        SELECT ${ROLLUP_COLUMNS} FROM report_monthly_products m
        WHERE m.month >= ${months.from}::date AND m.month < ${months.until}::date${scope("m")}`);
  }
  return sql`(
    SELECT row_number() OVER (ORDER BY x.channel_id, x.sku) AS id, x.*
    FROM (
      SELECT u.channel_id, u.sku, max(u.name) AS name, sum(u.qty) AS qty, sum(u.qty_refunded) AS qty_refunded,
        sum(u.revenue) AS revenue, sum(u.orders) AS orders, max(u.currency) AS currency
      FROM (${sql.join(parts, sql`
        UNION ALL`)}
      ) u
      GROUP BY u.channel_id, u.sku
    ) x
  ) p`;
}

export const reportProductsGrid: GridDefinition = assertDefinition({
  id: "report_products",
  title: "Best-selling products",
  noun: "products",
  from: "(see productsFrom)",
  where: "true",
  idSql: "p.id",
  channelSql: "p.channel_id",
  defaultSort: { column: "revenue", direction: "desc" },
  report: { from: productsFrom },
  columns: [
    { id: "sku", label: "SKU", kind: "text", sql: "p.sku", searchable: true },
    { id: "name", label: "Product", kind: "text", sql: "p.name", searchable: true },
    { id: "qty", label: "Quantity", kind: "number", sql: "p.qty" },
    { id: "revenue", label: "Revenue", kind: "money", sql: "p.revenue", currencySql: "p.currency" },
    { id: "orders", label: "Orders", kind: "number", sql: "p.orders" },
    { id: "avg_price", label: "Average price", kind: "money", sql: "round(p.revenue / nullif(p.qty, 0), 2)", currencySql: "p.currency", hiddenByDefault: true },
    { id: "qty_refunded", label: "Refunded qty", kind: "number", sql: "p.qty_refunded" },
  ],
});
