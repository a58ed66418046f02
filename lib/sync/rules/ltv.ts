import { sql } from "drizzle-orm";
import type { DbTx } from "@/lib/sync/types";
import { idSet } from "@/lib/sync/write/upsert";

// Customer totals, recomputed set-based for the customers a page touched:
// lifetime_value = Σ (subtotal + discount_amount) of non-canceled orders (Magento's discount is
// negative), orders_count = number of non-canceled orders, refunds_total = Σ credit memo grand_total.

export async function recomputeCustomerTotals(tx: DbTx, channelId: number, customerIds: readonly number[]): Promise<void> {
  if (customerIds.length === 0) return;
  await tx.execute(sql`
    UPDATE magento_customers c SET
      lifetime_value = s.ltv, orders_count = s.orders_count, refunds_total = s.refunds
    FROM (
      SELECT ids.id,
        coalesce((SELECT sum(o.subtotal + o.discount_amount) FROM magento_orders o
                  WHERE o.customer_id = ids.id AND o.state <> 'canceled' AND o.removed_at IS NULL), 0) AS ltv,
        (SELECT count(*) FROM magento_orders o
                  WHERE o.customer_id = ids.id AND o.state <> 'canceled' AND o.removed_at IS NULL)::int AS orders_count,
        coalesce((SELECT sum(m.grand_total) FROM magento_credit_memos m
                  WHERE m.customer_id = ids.id AND m.removed_at IS NULL), 0) AS refunds
      FROM ${idSet(customerIds)} AS ids(id)
    ) s
    WHERE c.id = s.id AND c.channel_id = ${channelId}
      AND (c.lifetime_value, c.orders_count, c.refunds_total) IS DISTINCT FROM (s.ltv, s.orders_count, s.refunds)`);
}
