import { sql } from "drizzle-orm";
import type { DbTx } from "@/lib/sync/types";
import { idArray } from "@/lib/sync/write/upsert";

// Customer totals, recomputed set-based for the customers a page touched:
// lifetime_value = Σ (subtotal + discount_amount) of non-canceled orders (Magento's discount is
// negative), orders_count = number of non-canceled orders, refunds_total = Σ credit memo grand_total.

export async function recomputeCustomerTotals(tx: DbTx, channelId: number, customerIds: readonly number[]): Promise<void> {
  if (customerIds.length === 0) return;
  // One pass over each customer's orders (sum and count together), by index, per page's customers.
  await tx.execute(sql`
    UPDATE magento_customers c SET
      lifetime_value = s.ltv, orders_count = s.orders_count, refunds_total = s.refunds
    FROM (
      SELECT ids.id, coalesce(o.ltv, 0) AS ltv, coalesce(o.n, 0) AS orders_count, coalesce(m.refunds, 0) AS refunds
      FROM (SELECT DISTINCT unnest(${idArray(customerIds)}) AS id) ids
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
