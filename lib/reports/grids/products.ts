import { sql, type SQL } from "drizzle-orm";
import { addDays, type DayRange } from "@/lib/dates";
import type { ReportFilters } from "@/lib/periods/filters";
import { assertDefinition } from "@/lib/grid/sql";
import type { GridDefinition } from "@/lib/grid/types";

// Reports › Products: best sellers by quantity and revenue, from the order items of non-canceled
// orders placed in the range (store-local days). A configurable product's child line repeats its parent's,
// so only top-level lines count. Quantity = ordered − canceled; revenue = Σ (row_total − item
// discount), Magento's item discount being positive. One row per channel and SKU.
//
// Read from the products rollups (lib/sync/rules/rollups.ts), not the order items: the range's whole
// calendar months from report_monthly_products, its other days from report_daily_products. At a
// million orders a year is ~10 × SKUs × stores monthly rows plus at most two partial months of
// daily rows, instead of a join over a million order lines. Every figure is a sum (or a max, for
// the name and currency) of the rollup rows, so the split changes no number.

export type MonthSplit = {
  /** Days read from the daily rollup: the start of a range that does not begin on a 1st. */
  days: DayRange[];
  /** Whole months (first days, `from` ≤ month < `until`), from the monthly rollup. */
  months: { from: string; until: string } | null;
  /**
   * The range's last month when it ends before that month's end (month-to-date, as "this month"
   * or "this year"): its monthly row is exactly these days when the month has no daily rows after
   * `to` yet (the usual case: `to` is today), else its days are read.
   */
  partial: { month: string; to: string; until: string } | null;
};

const monthOf = (day: string) => `${day.slice(0, 7)}-01`;
const nextMonth = (month: string) => monthOf(addDays(`${month.slice(0, 7)}-28`, 4));

/** Splits a range into the parts read from the daily and the monthly rollup (every day exactly once). */
export function splitByMonths(range: DayRange): MonthSplit {
  const firstMonth = range.from.endsWith("-01") ? range.from : nextMonth(monthOf(range.from));
  const lastMonth = monthOf(range.to);
  if (firstMonth > lastMonth) return { days: [range], months: null, partial: null };
  const days = range.from < firstMonth ? [{ from: range.from, to: addDays(firstMonth, -1) }] : [];
  const endsMonth = addDays(range.to, 1).endsWith("-01");
  const until = endsMonth ? nextMonth(lastMonth) : lastMonth;
  return {
    days,
    months: firstMonth < until ? { from: firstMonth, until } : null,
    partial: endsMonth ? null : { month: lastMonth, to: range.to, until: nextMonth(lastMonth) },
  };
}

const ROLLUP_COLUMNS = sql.raw("channel_id, sku, name, qty, qty_refunded, revenue, orders, currency");

export function productsFrom(f: ReportFilters): SQL {
  const scope = (alias: string) =>
    sql.join([
      f.websiteId === null ? sql`` : sql` AND ${sql.raw(alias)}.website_id = ${f.websiteId}`,
      f.channelId === null ? sql`` : sql` AND ${sql.raw(alias)}.channel_id = ${f.channelId}`,
    ]);
  const { days, months, partial } = splitByMonths(f.range);
  const parts: SQL[] = days.map(
    (d) => sql`
        SELECT ${ROLLUP_COLUMNS} FROM report_daily_products d
        WHERE d.day BETWEEN ${d.from}::date AND ${d.to}::date${scope("d")}`,
  );
  if (months) {
    parts.push(sql`
        SELECT ${ROLLUP_COLUMNS} FROM report_monthly_products m
        WHERE m.month >= ${months.from}::date AND m.month < ${months.until}::date${scope("m")}`);
  }
  if (partial) {
    // Computed once (an uncommitted refresh is invisible to both branches alike).
    const later = sql`EXISTS (SELECT 1 FROM report_daily_products l
          WHERE l.day > ${partial.to}::date AND l.day < ${partial.until}::date${scope("l")})`;
    parts.push(
      sql`
        SELECT ${ROLLUP_COLUMNS} FROM report_monthly_products m
        WHERE m.month = ${partial.month}::date${scope("m")} AND NOT ${later}`,
      sql`
        SELECT ${ROLLUP_COLUMNS} FROM report_daily_products d
        WHERE d.day BETWEEN ${partial.month}::date AND ${partial.to}::date${scope("d")} AND ${later}`,
    );
  }
  return sql`(
    SELECT row_number() OVER (ORDER BY x.channel_id, x.sku) AS id, x.*
    FROM (
      SELECT u.channel_id, u.sku, max(u.name) AS name, sum(u.qty) AS qty, sum(u.qty_refunded) AS qty_refunded,
        sum(u.revenue) AS revenue, sum(u.orders) AS orders, max(u.currency) AS currency
      FROM (${sql.join(
        parts,
        sql`
        UNION ALL`,
      )}
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
    {
      id: "avg_price",
      label: "Average price",
      kind: "money",
      sql: "round(p.revenue / nullif(p.qty, 0), 2)",
      currencySql: "p.currency",
      hiddenByDefault: true,
    },
    { id: "qty_refunded", label: "Refunded qty", kind: "number", sql: "p.qty_refunded" },
  ],
});
