import { sql, type SQL } from "drizzle-orm";
import type { DbTx } from "@/lib/sync/types";
import { idArray } from "@/lib/sync/write/upsert";

// Customer totals, recomputed set-based for the customers a page touched:
// lifetime_value = Σ (subtotal + discount_amount) of non-canceled orders (Magento's discount is
// negative), orders_count = number of non-canceled orders, refunds_total = Σ credit memo grand_total.

export async function recomputeCustomerTotals(tx: DbTx, channelId: number, customerIds: readonly number[]): Promise<void> {
  if (customerIds.length === 0) return;
  await recompute(tx, channelId, sql`SELECT DISTINCT unnest(${idArray(customerIds)}) AS id`);
}

/** The totals of the customers of a page of orders (by Magento order id), in one statement. */
export async function recomputeTotalsForOrders(tx: DbTx, channelId: number, orderOriginIds: readonly number[]): Promise<void> {
  if (orderOriginIds.length === 0) return;
  await recompute(tx, channelId, sql`
    SELECT DISTINCT customer_id AS id FROM magento_orders
    WHERE channel_id = ${channelId} AND origin_id = ANY(${idArray(orderOriginIds)}) AND customer_id IS NOT NULL`);
}

/** `customers` selects one column, id. */
async function recompute(tx: DbTx, channelId: number, customers: SQL): Promise<void> {
  // One pass over each customer's orders (sum and count together), by index, per page's customers.
  await tx.execute(sql`
    UPDATE magento_customers c SET
      lifetime_value = s.ltv, orders_count = s.orders_count, refunds_total = s.refunds
    FROM (
      SELECT ids.id, coalesce(o.ltv, 0) AS ltv, coalesce(o.n, 0) AS orders_count, coalesce(m.refunds, 0) AS refunds
      FROM (${customers}) ids
      LEFT JOIN LATERAL (
        SELECT sum(o.subtotal + o.discount_amount) AS ltv, count(*)::int AS n FROM magento_orders o
        WHERE o.customer_id = ids.id AND o.state <> 'canceled' AND o.removed_at IS NULL
      ) o ON true
      LEFT JOIN LATERAL (
        SELECT sum(m.grand_total) AS refunds FROM magento_credit_memos m
        WHERE m.customer_id = ids.id AND m.removed_at IS NULL
      ) m ON true
    ) s
    WHERE c.id = s.id AND c.channel_id = ${channelId}
      AND (c.lifetime_value, c.orders_count, c.refunds_total) IS DISTINCT FROM (s.ltv, s.orders_count, s.refunds)`);
}
