import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels } from "@/db/schema";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { rebuildRollups, refreshRollups } from "@/lib/sync/rules/rollups";
import { runChannelSync } from "@/lib/sync/runner";
import { queryRows } from "@/db/rows";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// The rollups (daily sales and mix, daily and monthly products) refreshed incrementally (only the
// days a sync touched) equal a full rebuild, after orders, carts and credit memos change in Magento
// and sync again.

let testDb: TestDatabase;
let sim: RunningSimulator;
let channelId: number;

const snapshot = async () => ({
  sales: await queryRows(
    testDb.db,
    sql`
    SELECT s.*, (SELECT json_agg(m ORDER BY m.store_id, m.day, m.kind, m.value) FROM report_daily_mix m
      WHERE m.channel_id = s.channel_id AND m.store_id IS NOT DISTINCT FROM s.store_id AND m.day = s.day) AS mix
    FROM report_daily_sales s WHERE s.channel_id = ${channelId} ORDER BY s.store_id, s.day`,
  ),
  products: await queryRows(
    testDb.db,
    sql`
    SELECT * FROM report_daily_products WHERE channel_id = ${channelId} ORDER BY day, store_id, sku`,
  ),
  productMonths: await queryRows(
    testDb.db,
    sql`
    SELECT * FROM report_monthly_products WHERE channel_id = ${channelId} ORDER BY month, store_id, sku`,
  ),
  // Each customer's order days (the dashboard's returning customers), refreshed with the rollups.
  orderDays: await queryRows(
    testDb.db,
    sql`
    SELECT id, order_days::text AS days FROM magento_customers WHERE channel_id = ${channelId} ORDER BY id`,
  ),
});

beforeAll(async () => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  testDb = await createTestDatabase();
  sim = await startMagentoSimulator({ port: 0, seed: 5, customers: 40, orders: 160 });
  const [channel] = await testDb.db
    .insert(channels)
    .values({ name: "sim", baseUrl: sim.baseUrl, credentialsEncrypted: sealCredentials({ type: "bearer", token: sim.adminToken }) })
    .returning();
  channelId = channel!.id;
});

afterAll(async () => {
  await sim?.close();
  await testDb?.drop();
});

describe("daily rollups", () => {
  it("are built in full by the first sync of a channel, with every order counted once", async () => {
    const run = await runChannelSync({ db: testDb.db, channelId, mode: "initial", trigger: "cli" });
    expect(run.status).toBe("succeeded");
    const [totals] = await queryRows<{ orders: number; canceled: number }>(
      testDb.db,
      sql`
      SELECT sum(orders)::int AS orders, sum(orders_canceled)::int AS canceled FROM report_daily_sales WHERE channel_id = ${channelId}`,
    );
    const [direct] = await queryRows<{ n: number }>(
      testDb.db,
      sql`
      SELECT count(*)::int AS n FROM magento_orders WHERE channel_id = ${channelId} AND removed_at IS NULL AND remote_created_at IS NOT NULL`,
    );
    expect(totals!.orders + totals!.canceled).toBe(direct!.n);
    const [refresh] = await queryRows<{ n: number }>(
      testDb.db,
      sql`SELECT count(*)::int AS n FROM report_refresh WHERE channel_id = ${channelId} AND kind = 'daily_sales'`,
    );
    expect(refresh!.n).toBe(1);
    // Best sellers: every top-level line of a non-canceled order once (revenue in the global currency:
    // base amounts × the order's rate), and the months add up the days.
    const [lines] = await queryRows<{ qty: string; revenue: string }>(
      testDb.db,
      sql`
      SELECT sum(i.qty_ordered - i.qty_canceled)::text AS qty, sum((i.base_row_total - i.base_discount_amount) * o.base_to_global_rate)::text AS revenue
      FROM magento_order_items i JOIN magento_orders o ON o.id = i.order_id
      WHERE o.channel_id = ${channelId} AND o.state <> 'canceled' AND o.removed_at IS NULL AND i.parent_item_origin_id IS NULL`,
    );
    for (const table of ["report_daily_products", "report_monthly_products"]) {
      const [rolled] = await queryRows<{ qty: string; revenue: string }>(
        testDb.db,
        sql`
        SELECT sum(qty)::text AS qty, sum(revenue)::text AS revenue FROM ${sql.raw(table)} WHERE channel_id = ${channelId}`,
      );
      expect(rolled, table).toEqual(lines);
    }
  });

  it("refreshed incrementally after new, progressed, refunded and canceled orders equal a full rebuild", async () => {
    await testDb.db.execute(sql`UPDATE report_refresh SET refreshed_at = refreshed_at - interval '1 hour' WHERE kind = 'daily_sales'`);
    const [before] = await queryRows<{ at: string }>(
      testDb.db,
      sql`SELECT refreshed_at::text AS at FROM report_refresh WHERE kind = 'daily_sales'`,
    );
    sim.control.tick({
      newOrders: 12,
      newCarts: 6,
      abandonCarts: 4,
      progressOrders: 10,
      refundOrders: 4,
      cancelOrders: 3,
      newCustomers: 3,
      advanceSeconds: 600,
    });
    const run = await runChannelSync({ db: testDb.db, channelId, mode: "incremental", trigger: "cli" });
    expect(run.status).toBe("succeeded");
    const [after] = await queryRows<{ at: string }>(
      testDb.db,
      sql`SELECT refreshed_at::text AS at FROM report_refresh WHERE kind = 'daily_sales'`,
    );
    expect(after!.at > before!.at).toBe(true);
    // A follow-up contact marks a purchased cart's order as recovered, with no sync.
    await testDb.db.execute(sql`
      UPDATE magento_carts SET contact_count = 1, last_contact_at = now() WHERE id = (
        SELECT c.id FROM magento_carts c JOIN magento_orders o ON o.id = c.order_id WHERE o.state <> 'canceled' ORDER BY c.id LIMIT 1)`);
    await testDb.db.execute(sql`
      INSERT INTO cart_events (cart_id, actor, kind, outcome)
      SELECT id, 'test', 'contact_call', 'reached' FROM magento_carts WHERE contact_count = 1 ORDER BY id LIMIT 1`);
    // The first order of the customer with most orders is canceled: they become "new" on a later day.
    await testDb.db.execute(sql`
      UPDATE magento_orders SET state = 'canceled', status = 'canceled', synced_at = now() WHERE id = (
        SELECT o.id FROM magento_orders o WHERE o.customer_id = (
          SELECT customer_id FROM magento_orders WHERE customer_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1)
          AND o.state <> 'canceled' ORDER BY o.remote_created_at, o.id LIMIT 1)`);
    const incremental = await refreshRollups(testDb.db, channelId);
    expect(incremental.mode).toBe("incremental");
    expect(incremental.days).toBeGreaterThan(0);
    const refreshed = await snapshot();
    expect(refreshed.products.length).toBeGreaterThan(0);
    expect(refreshed.productMonths.length).toBeGreaterThan(0);
    const [recovered] = await queryRows<{ n: number }>(testDb.db, sql`SELECT sum(recovered_orders)::int AS n FROM report_daily_sales`);
    expect(recovered!.n).toBeGreaterThan(0);
    const full = await rebuildRollups(testDb.db, channelId);
    expect(full.mode).toBe("full");
    expect(await snapshot()).toEqual(refreshed);
  });

  it("moves a customer's first order earlier (an order un-canceled) on both days", async () => {
    // The customer's first order is canceled before the last refresh, then comes back: the day of
    // their former first order (one that did not change) must lose its "new customer".
    const [first] = await queryRows<{ id: number; state: string; status: string }>(
      testDb.db,
      sql`
      SELECT o.id::int AS id, o.state, o.status FROM magento_orders o WHERE o.customer_id = (
        SELECT customer_id FROM magento_orders WHERE customer_id IS NOT NULL AND state <> 'canceled' GROUP BY 1 HAVING count(*) >= 3
        ORDER BY 1 LIMIT 1) AND o.state <> 'canceled' ORDER BY o.remote_created_at, o.id LIMIT 1`,
    );
    // Everything synced an hour ago (else the refresh's look-back for in-flight pages takes it all).
    for (const table of ["magento_orders", "magento_carts", "magento_credit_memos"]) {
      await testDb.db.execute(sql.raw(`UPDATE ${table} SET synced_at = now() - interval '1 hour'`));
    }
    await testDb.db.execute(sql`UPDATE magento_orders SET state = 'canceled', status = 'canceled' WHERE id = ${first!.id}`);
    await rebuildRollups(testDb.db, channelId);
    await testDb.db.execute(
      sql`UPDATE magento_orders SET state = ${first!.state}, status = ${first!.status}, synced_at = now() WHERE id = ${first!.id}`,
    );
    const incremental = await refreshRollups(testDb.db, channelId);
    expect(incremental.mode).toBe("incremental");
    expect(incremental.days).toBeLessThanOrEqual(3);
    const refreshed = await snapshot();
    await rebuildRollups(testDb.db, channelId);
    expect(await snapshot()).toEqual(refreshed);
  });
});
