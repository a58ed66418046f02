import { sql } from "drizzle-orm";
import type { DbTx } from "@/db/client";
import { idArray } from "@/lib/sync/write/upsert";

// Cart rules.
// (1) Status from Magento: inactive → expired ("Inactive in Magento"), active → open. Only carts
//     in a Magento-derived status (open, expired) follow Magento; lost/converted/purchased set by
//     the portal are kept (contacted, lost, converted, purchased). These SQL expressions are used
//     by the carts upsert.
// (2) An order whose quote_id names a cart makes the cart purchased (converted when it was
//     contacted) and links both ways, from whichever side syncs second.

export const INACTIVE_MESSAGE = "Inactive in Magento";

/** Status for a new cart row (over the recordset alias r with r.is_active). */
export const NEW_CART_STATUS = "CASE WHEN r.is_active THEN 'open' ELSE 'expired' END";
export const NEW_CART_MESSAGE = `CASE WHEN r.is_active THEN NULL ELSE '${INACTIVE_MESSAGE}' END`;

// Totals read from Magento's totals route after the cart last changed stay; the search's estimate
// (sum of item rows) only replaces them when the cart changed since (lib/sync/rules/cart-totals.ts).
const keepReadTotals = (column: string) =>
  `CASE WHEN t.totals_synced_at IS NOT NULL AND t.totals_synced_at >= excluded.remote_updated_at THEN t.${column} ELSE excluded.${column} END`;

/** Update expressions on conflict (t = current row, excluded = proposed row). */
export const CART_UPDATES = {
  grand_total: keepReadTotals("grand_total"),
  base_grand_total: keepReadTotals("base_grand_total"),
  status: "CASE WHEN t.status IN ('open', 'expired') THEN excluded.status ELSE t.status END",
  status_message: "CASE WHEN t.status IN ('open', 'expired') THEN excluded.status_message ELSE t.status_message END",
  status_changed_at:
    "CASE WHEN t.status IN ('open', 'expired') AND t.status IS DISTINCT FROM excluded.status THEN now() ELSE t.status_changed_at END",
};

/**
 * The cart an order links to, as an expression of the orders upsert (recordset alias r): the
 * order's side of rule 2 is written with the order itself instead of updating it again.
 */
export const ORDER_CART_ID = "(SELECT c.id FROM magento_carts c WHERE c.channel_id = r.channel_id AND c.origin_id = r.quote_origin_id)";

/** Links carts (by origin id) of a page to their orders (quote_origin_id), both directions. */
export async function linkCartsToOrders(tx: DbTx, channelId: number, cartOriginIds: readonly number[]): Promise<void> {
  if (cartOriginIds.length === 0) return;
  const scope = sql`c.origin_id = ANY(${idArray(cartOriginIds)})`;
  await markCartsPurchased(tx, channelId, scope);
  await tx.execute(sql`
    UPDATE magento_orders o SET cart_id = c.id
    FROM magento_carts c
    WHERE c.channel_id = o.channel_id AND c.origin_id = o.quote_origin_id
      AND o.channel_id = ${channelId} AND ${scope}
      AND o.cart_id IS DISTINCT FROM c.id`);
}

/** Marks the carts of a page of orders purchased (the orders' cart_id came with their upsert: ORDER_CART_ID). */
export async function linkOrdersToCarts(tx: DbTx, channelId: number, orderOriginIds: readonly number[]): Promise<void> {
  if (orderOriginIds.length === 0) return;
  await markCartsPurchased(tx, channelId, sql`o.origin_id = ANY(${idArray(orderOriginIds)})`);
}

async function markCartsPurchased(tx: DbTx, channelId: number, scope: ReturnType<typeof sql>): Promise<void> {
  // Newest order per quote when Magento ever reports two. A contacted cart becomes converted
  // (recovered by follow-up, lib/carts/follow-up-rules.ts: order_arrived) and gets a timeline
  // entry in the same statement; open/expired carts become purchased; other portal statuses stay.
  await tx.execute(sql`
    WITH x AS (
      SELECT DISTINCT ON (c.id) c.id AS cart_id, o.id AS order_id, c.status AS old_status
      FROM magento_carts c JOIN magento_orders o ON o.channel_id = c.channel_id AND o.quote_origin_id = c.origin_id
      WHERE c.channel_id = ${channelId} AND ${scope}
      ORDER BY c.id, o.origin_id DESC
    ), updated AS (
      UPDATE magento_carts c SET
        order_id = x.order_id,
        status = CASE WHEN c.status = 'contacted' THEN 'converted' WHEN c.order_id IS NULL OR c.status IN ('open', 'expired') THEN 'purchased' ELSE c.status END,
        status_message = CASE WHEN c.status = 'contacted' OR c.order_id IS NULL OR c.status IN ('open', 'expired') THEN NULL ELSE c.status_message END,
        status_changed_at = CASE
          WHEN c.status = 'contacted' THEN now()
          WHEN c.status <> 'purchased' AND (c.order_id IS NULL OR c.status IN ('open', 'expired')) THEN now()
          ELSE c.status_changed_at END
      FROM x
      WHERE c.id = x.cart_id
        AND (c.order_id IS DISTINCT FROM x.order_id OR c.status IN ('open', 'expired', 'contacted'))
      RETURNING c.id, x.old_status, c.status
    )
    INSERT INTO cart_events (cart_id, actor, kind, from_status, to_status, note)
    SELECT u.id, 'Magento sync', 'status', u.old_status, u.status, 'The customer ordered after the follow-up.'
    FROM updated u WHERE u.old_status = 'contacted' AND u.status = 'converted'`);
}
