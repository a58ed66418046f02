import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rowsOf } from "@/db/rows";
import type { RunningSimulator } from "@/simulator";

// What a sync test compares: the records the simulator holds against what the portal stored for
// a channel, and whether any origin id was stored twice.

export async function rows<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

export const cents = (value: unknown) => Math.round(Number(value) * 100);

export type Snapshot = {
  customers: number;
  carts: number;
  purchased: number;
  orders: number;
  guestOrders: number;
  memos: number;
  grandTotalCents: number;
  byState: Record<string, number>;
};

/** What the simulator holds. */
export function expected(sim: RunningSimulator): Snapshot {
  const store = sim.store;
  const orders = [...store.orders.values()];
  const quoteIds = new Set(orders.map((o) => o.quoteId));
  const byState: Record<string, number> = {};
  for (const o of orders) byState[o.state] = (byState[o.state] ?? 0) + 1;
  return {
    customers: store.customers.size,
    carts: store.carts.size,
    purchased: [...store.carts.values()].filter((c) => !c.isActive && quoteIds.has(c.id)).length,
    orders: orders.length,
    guestOrders: orders.filter((o) => o.isGuest).length,
    memos: store.memos.size,
    grandTotalCents: orders.reduce((sum, o) => sum + cents(store.orderColumns(o).grand_total), 0),
    byState,
  };
}

/** What the portal's database holds for a channel. */
export async function actual(db: Db, channelId: number): Promise<Snapshot> {
  const [row] = await rows<Record<string, string>>(
    db,
    sql`
    SELECT
      (SELECT count(*) FROM magento_customers WHERE channel_id = ${channelId} AND NOT is_guest)::text AS customers,
      (SELECT count(*) FROM magento_carts WHERE channel_id = ${channelId})::text AS carts,
      (SELECT count(*) FROM magento_carts WHERE channel_id = ${channelId} AND status = 'purchased')::text AS purchased,
      (SELECT count(*) FROM magento_orders WHERE channel_id = ${channelId})::text AS orders,
      (SELECT count(*) FROM magento_orders WHERE channel_id = ${channelId} AND is_guest)::text AS guest_orders,
      (SELECT count(*) FROM magento_credit_memos WHERE channel_id = ${channelId})::text AS memos,
      (SELECT coalesce(sum(grand_total), 0)::text FROM magento_orders WHERE channel_id = ${channelId}) AS grand_total`,
  );
  const states = await rows<{ state: string; n: string }>(
    db,
    sql`
    SELECT state, count(*)::text AS n FROM magento_orders WHERE channel_id = ${channelId} GROUP BY state`,
  );
  return {
    customers: Number(row!.customers),
    carts: Number(row!.carts),
    purchased: Number(row!.purchased),
    orders: Number(row!.orders),
    guestOrders: Number(row!.guest_orders),
    memos: Number(row!.memos),
    grandTotalCents: cents(row!.grand_total),
    byState: Object.fromEntries(states.map((s) => [s.state, Number(s.n)])),
  };
}

/** No origin id stored twice for the channel. */
export async function duplicates(db: Db, channelId: number): Promise<number> {
  const [row] = await rows<{ n: string }>(
    db,
    sql`
    SELECT (
      (SELECT count(*) - count(DISTINCT origin_id) FROM magento_orders WHERE channel_id = ${channelId}) +
      (SELECT count(*) - count(DISTINCT origin_id) FROM magento_customers WHERE channel_id = ${channelId} AND NOT is_guest) +
      (SELECT count(*) - count(DISTINCT origin_id) FROM magento_carts WHERE channel_id = ${channelId}) +
      (SELECT count(*) - count(DISTINCT origin_id) FROM magento_order_items WHERE channel_id = ${channelId}) +
      (SELECT count(*) - count(DISTINCT origin_id) FROM magento_credit_memos WHERE channel_id = ${channelId})
    )::text AS n`,
  );
  return Number(row!.n);
}
