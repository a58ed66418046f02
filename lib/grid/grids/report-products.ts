import { sql, type SQL } from "drizzle-orm";
import type { ReportFilters } from "@/lib/reports/filters";
import { assertDefinition } from "../query";
import type { GridDefinition } from "../types";

// Reports › Products: best sellers by quantity and revenue, from the order items of non-canceled
// orders placed in the range (UTC days). A configurable product's child line repeats its parent's,
// so only top-level lines count. Quantity = ordered − canceled; revenue = Σ (row_total − item
// discount), Magento's item discount being positive. One row per channel and SKU.

export function productsFrom(f: ReportFilters): SQL {
  const website = f.websiteId === null ? sql`` : sql` AND o.store_id IN (SELECT id FROM magento_stores WHERE website_id = ${f.websiteId})`;
  const channel = f.channelId === null ? sql`` : sql` AND o.channel_id = ${f.channelId}`;
  return sql`(
    SELECT row_number() OVER (ORDER BY x.channel_id, x.sku) AS id, x.*
    FROM (
      SELECT o.channel_id, i.sku, max(i.name) AS name,
        sum(i.qty_ordered - i.qty_canceled) AS qty, sum(i.qty_refunded) AS qty_refunded,
        sum(i.row_total - i.discount_amount) AS revenue, count(DISTINCT i.order_id) AS orders,
        max(o.order_currency_code) AS currency
      FROM magento_orders o JOIN magento_order_items i ON i.order_id = o.id
      WHERE o.state <> 'canceled' AND o.removed_at IS NULL AND i.parent_item_origin_id IS NULL
        AND o.remote_created_at >= (${f.range.from}::date)::timestamp AT TIME ZONE 'UTC'
        AND o.remote_created_at < (${f.range.to}::date + 1)::timestamp AT TIME ZONE 'UTC'${website}${channel}
      GROUP BY o.channel_id, i.sku
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
