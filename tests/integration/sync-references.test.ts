import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { channels } from "@/db/schema";
import { createMagentoClient } from "@/lib/magento/client";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { runChannelSync } from "@/lib/sync/runner";
import { statsOf } from "@/lib/sync/runs";
import { rowsOf } from "@/db/rows";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// "Referenced records are always there": with a sync start date later than most customers'
// creation, the initial walk brings only recent records, and every registered customer those
// records point to (and every order a credit memo names) is fetched by id, whatever its date.

const sims: RunningSimulator[] = [];
const dbs: TestDatabase[] = [];
afterAll(async () => {
  for (const sim of sims) await sim.close();
  for (const db of dbs) await db.drop();
});

async function count(db: Db, query: ReturnType<typeof sql>): Promise<number> {
  const [row] = rowsOf<{ n: string }>(await db.execute(query));
  return Number(row!.n);
}

describe("sync: referenced records are fetched whatever the sync start date", () => {
  it("links every non-guest cart, order and credit memo to its customer, with exact counts", async () => {
    const sim = await startMagentoSimulator({ port: 0, seed: 311, customers: 80, orders: 400 });
    sims.push(sim);
    const test = await createTestDatabase();
    dbs.push(test);
    const { db } = test;
    const store = sim.store;

    // 90 days before the store's "now": most customers signed up long before.
    const latest = [...store.orders.values()]
      .map((o) => o.updatedAt)
      .sort()
      .at(-1)!;
    const start = new Date(Date.parse(`${latest.slice(0, 10)}T00:00:00Z`) - 90 * 86_400_000).toISOString().slice(0, 10);
    const since = `${start} 00:00:00`;
    const [channel] = await db.insert(channels).values({ name: "late start", baseUrl: sim.baseUrl, syncStartDate: start }).returning();

    // Two old credit memos edited lately (a comment added in Magento): the walk brings them, not their orders.
    const oldMemos = [...store.memos.values()]
      .filter((m) => m.updatedAt < since && store.orders.get(m.orderId)!.updatedAt < since)
      .slice(0, 2);
    expect(oldMemos).toHaveLength(2);
    for (const memo of oldMemos) {
      memo.updatedAt = latest;
      memo.header = undefined;
    }
    store.changed();

    // What the walk brings, and what those records point to.
    const orders = [...store.orders.values()];
    const walkedOrders = orders.filter((o) => o.updatedAt >= since);
    const walkedCarts = [...store.carts.values()].filter((c) => c.updatedAt >= since);
    const walkedMemos = [...store.memos.values()].filter((m) => m.updatedAt >= since);
    const walkedCustomers = [...store.customers.values()].filter((c) => c.updated_at >= since);
    const orderIds = new Set([...walkedOrders.map((o) => o.entityId), ...walkedMemos.map((m) => m.orderId)]);
    const portalOrders = orders.filter((o) => orderIds.has(o.entityId));
    const customerIds = new Set<number>([
      ...walkedCustomers.map((c) => c.id),
      ...walkedCarts.flatMap((c) => (c.isGuest || c.customerId === null ? [] : [c.customerId])),
      ...portalOrders.flatMap((o) => (o.isGuest || o.customerId === null ? [] : [o.customerId])),
    ]);
    // The case under test: records point to customers (and orders) the walk never reaches.
    expect(customerIds.size).toBeGreaterThan(walkedCustomers.length + 10);
    expect(orderIds.size).toBeGreaterThan(walkedOrders.length);

    const client = createMagentoClient({ baseUrl: sim.baseUrl, auth: { type: "bearer", token: sim.adminToken }, requestsPerSecond: null });
    const run = await runChannelSync({ db, channelId: channel!.id, mode: "initial", trigger: "cli", client, pageSize: 50 });
    expect(run.status).toBe("succeeded");
    expect(run.errorCount).toBe(0);

    const id = channel!.id;
    expect(await count(db, sql`SELECT count(*)::text AS n FROM magento_customers WHERE channel_id = ${id} AND NOT is_guest`)).toBe(
      customerIds.size,
    );
    expect(await count(db, sql`SELECT count(*)::text AS n FROM magento_orders WHERE channel_id = ${id}`)).toBe(orderIds.size);
    expect(await count(db, sql`SELECT count(*)::text AS n FROM magento_carts WHERE channel_id = ${id}`)).toBe(walkedCarts.length);
    expect(await count(db, sql`SELECT count(*)::text AS n FROM magento_credit_memos WHERE channel_id = ${id}`)).toBe(walkedMemos.length);
    // Every link resolves: no registered record without its customer, no memo without its order.
    expect(
      await count(
        db,
        sql`SELECT count(*)::text AS n FROM magento_orders WHERE channel_id = ${id} AND NOT is_guest AND customer_id IS NULL`,
      ),
    ).toBe(0);
    expect(
      await count(db, sql`SELECT count(*)::text AS n FROM magento_carts WHERE channel_id = ${id} AND NOT is_guest AND customer_id IS NULL`),
    ).toBe(0);
    expect(await count(db, sql`SELECT count(*)::text AS n FROM magento_credit_memos WHERE channel_id = ${id} AND order_id IS NULL`)).toBe(
      0,
    );
    expect(
      await count(
        db,
        sql`
      SELECT count(*)::text AS n FROM magento_credit_memos m JOIN magento_orders o ON o.id = m.order_id
      WHERE m.channel_id = ${id} AND NOT o.is_guest AND m.customer_id IS NULL`,
      ),
    ).toBe(0);
    const registeredCarts = walkedCarts.filter((c) => !c.isGuest && c.customerId !== null).length;
    expect(
      await count(
        db,
        sql`SELECT count(*)::text AS n FROM magento_carts WHERE channel_id = ${id} AND NOT is_guest AND customer_id IS NOT NULL`,
      ),
    ).toBe(registeredCarts);
    // The referenced customers' subscriptions come along (the channel syncs subscribers).
    const subscribed = [...customerIds].filter((c) => store.customers.get(c)?.extension_attributes.is_subscribed).length;
    expect(
      await count(
        db,
        sql`SELECT count(*)::text AS n FROM magento_newsletter_subscribers WHERE channel_id = ${id} AND status = 'subscribed'`,
      ),
    ).toBe(subscribed);
    // Lifetime values include the referenced orders.
    expect(
      await count(
        db,
        sql`
      SELECT count(*)::text AS n FROM magento_customers c WHERE c.channel_id = ${id} AND NOT c.is_guest
        AND c.orders_count <> (SELECT count(*) FROM magento_orders o WHERE o.customer_id = c.id AND o.state <> 'canceled')`,
      ),
    ).toBe(0);

    const referenced = ["carts", "orders", "credit_memos"].reduce((sum, name) => sum + statsOf(run, name).referenced, 0);
    // At least the records outside the walks; records the customers and orders passes (running at
    // the same time) had not written yet may be fetched by id too.
    expect(referenced).toBeGreaterThanOrEqual(customerIds.size - walkedCustomers.length + orderIds.size - walkedOrders.length);

    // A second run finds every link present: nothing is fetched again.
    const again = await runChannelSync({ db, channelId: id, mode: "incremental", trigger: "cli", client, pageSize: 50 });
    expect(again.status).toBe("succeeded");
    expect(["carts", "orders", "credit_memos"].reduce((sum, name) => sum + statsOf(again, name).referenced, 0)).toBe(0);
  }, 60_000);
});
