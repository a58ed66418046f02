import { sql, type SQL } from "drizzle-orm";
import type { DbTx } from "@/db/client";
import { idArray } from "@/lib/sync/write/upsert";

// Customer totals, recomputed set-based for the customers a page touched, in the channel's global
// currency (as Magento's own admin reports add up):
//   lifetime_value = Σ (base_subtotal + base_discount_amount) × base_to_global_rate of non-canceled,
//     not-removed orders (Magento's discount is negative);
//   orders_count = number of those orders;
//   lifetime_unconverted_orders = those of them without base_subtotal or base_to_global_rate (synced
//     before the portal read base amounts, until the backfill re-reads them): left out of the value,
//     never added in their own currency;
//   lifetime_currency_code = the global currency of the converted orders;
//   refunds_total = Σ base_grand_total × base_to_global_rate of credit memos (unconverted ones left out).

export async function recomputeCustomerTotals(tx: DbTx, channelId: number, customerIds: readonly number[]): Promise<void> {
  if (customerIds.length === 0) return;
  await recompute(tx, channelId, sql`SELECT DISTINCT unnest(${idArray(customerIds)}) AS id`);
}

/** The totals of the customers of a page of orders (by Magento order id), in one statement. */
export async function recomputeTotalsForOrders(tx: DbTx, channelId: number, orderOriginIds: readonly number[]): Promise<void> {
  if (orderOriginIds.length === 0) return;
  await recompute(
    tx,
    channelId,
    sql`
    SELECT DISTINCT customer_id AS id FROM magento_orders
    WHERE channel_id = ${channelId} AND origin_id = ANY(${idArray(orderOriginIds)}) AND customer_id IS NOT NULL`,
  );
}

/** `customers` selects one column, id. */
async function recompute(tx: DbTx, channelId: number, customers: SQL): Promise<void> {
  // One pass over each customer's orders (sum and counts together), by index, per page's customers.
  await tx.execute(sql`
    UPDATE magento_customers c SET
      lifetime_value = s.ltv, orders_count = s.orders_count, refunds_total = s.refunds,
      lifetime_currency_code = s.currency, lifetime_unconverted_orders = s.unconverted
    FROM (
      SELECT ids.id, coalesce(o.ltv, 0)::numeric(20, 4) AS ltv, coalesce(o.n, 0) AS orders_count,
             coalesce(m.refunds, 0)::numeric(20, 4) AS refunds, o.currency, coalesce(o.unconverted, 0) AS unconverted
      FROM (${customers}) ids
      LEFT JOIN LATERAL (
        SELECT sum((o.base_subtotal + coalesce(o.base_discount_amount, 0)) * o.base_to_global_rate) AS ltv, count(*)::int AS n,
               count(*) FILTER (WHERE o.base_subtotal IS NULL OR o.base_to_global_rate IS NULL)::int AS unconverted,
               min(o.global_currency_code) FILTER (WHERE o.base_subtotal IS NOT NULL AND o.base_to_global_rate IS NOT NULL) AS currency
        FROM magento_orders o
        WHERE o.customer_id = ids.id AND o.state <> 'canceled' AND o.removed_at IS NULL
      ) o ON true
      LEFT JOIN LATERAL (
        SELECT sum(m.base_grand_total * m.base_to_global_rate) AS refunds FROM magento_credit_memos m
        WHERE m.customer_id = ids.id AND m.removed_at IS NULL
      ) m ON true
    ) s
    WHERE c.id = s.id AND c.channel_id = ${channelId}
      AND (c.lifetime_value, c.orders_count, c.refunds_total, c.lifetime_currency_code, c.lifetime_unconverted_orders)
        IS DISTINCT FROM (s.ltv, s.orders_count, s.refunds, s.currency, s.unconverted)`);
}
