import { sql } from "drizzle-orm";
import type { DbTx } from "@/db/client";
import { queryRows } from "@/db/rows";
import { idArray } from "@/lib/sync/write/upsert";
import { recomputeCustomerTotals } from "./ltv";

// Carts, orders and credit memos that were written before their registered customer (window
// edges, a customer created after the order page ran): once the customer arrives, link them by
// customer_origin_id and recompute the customer's totals.

export async function linkRecordsToCustomers(tx: DbTx, channelId: number, customerOriginIds: readonly number[]): Promise<void> {
  if (customerOriginIds.length === 0) return;
  const ids = idArray(customerOriginIds);
  await tx.execute(sql`
    UPDATE magento_carts x SET customer_id = c.id FROM magento_customers c
    WHERE c.channel_id = ${channelId} AND c.origin_id = ANY(${ids}) AND x.channel_id = c.channel_id
      AND x.customer_origin_id = c.origin_id AND x.customer_id IS NULL`);
  const orders = await queryRows<{ customer_id: unknown }>(
    tx,
    sql`
    UPDATE magento_orders x SET customer_id = c.id FROM magento_customers c
    WHERE c.channel_id = ${channelId} AND c.origin_id = ANY(${ids}) AND x.channel_id = c.channel_id
      AND x.customer_origin_id = c.origin_id AND x.customer_id IS NULL
    RETURNING x.customer_id`,
  );
  if (orders.length === 0) return;
  await tx.execute(sql`
    UPDATE magento_credit_memos m SET customer_id = o.customer_id FROM magento_orders o, magento_customers c
    WHERE o.id = m.order_id AND o.customer_id = c.id AND c.channel_id = ${channelId} AND c.origin_id = ANY(${ids})
      AND m.customer_id IS DISTINCT FROM o.customer_id`);
  await recomputeCustomerTotals(tx, channelId, [...new Set(orders.map((row) => Number(row.customer_id)))]);
}
