import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels } from "@/db/schema";
import { createMagentoClient, type MagentoClient } from "@/lib/magento/client";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { getCheckpoint, listCheckpoints } from "@/lib/sync/checkpoints";
import { activeCartIds, reconcileAfterPass, reconcileCheckpointName } from "@/lib/sync/rules/reconcile";
import { flagRemovedRecords, walkRemoteIds } from "@/lib/sync/rules/removed";
import { runChannelSync } from "@/lib/sync/runner";
import type { ChannelRow, SyncContext } from "@/lib/sync/types";
import { rowsOf } from "@/db/rows";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// Records deleted in Magento are flagged removed (never erased) by the keyset id walk of
// lib/sync/rules/removed.ts, on the cadence of reconcileAfterPass; against the simulator.

let sim: RunningSimulator;
let testDb: TestDatabase;
let client: MagentoClient;
let channel: ChannelRow;
let ctx: SyncContext;

function clientFor(s: RunningSimulator, maxRetries = 8): MagentoClient {
  return createMagentoClient({
    baseUrl: s.baseUrl,
    auth: { type: "bearer", token: s.adminToken },
    requestsPerSecond: null,
    maxRetries,
    backoff: { baseDelayMs: 5, maxDelayMs: 20 },
  });
}

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await testDb.db.execute(query));
}

async function removedIds(table: "magento_customers" | "magento_orders" | "magento_credit_memos"): Promise<number[]> {
  const found = await rows<{ origin_id: string }>(sql`
    SELECT origin_id::text FROM ${sql.raw(table)} WHERE channel_id = ${channel.id} AND removed_at IS NOT NULL`);
  return found.map((r) => Number(r.origin_id)).sort((a, b) => a - b);
}

type Totals = { orders_count: number; lifetime_value: string; refunds_total: string };
async function totalsOf(customerOriginId: number): Promise<Totals> {
  const [row] = await rows<Totals>(sql`
    SELECT orders_count, lifetime_value::text, refunds_total::text FROM magento_customers
    WHERE channel_id = ${channel.id} AND origin_id = ${customerOriginId}`);
  return row!;
}

const requestCount = () => sim.control.requests().total;

beforeAll(async () => {
  // Enough customers for more than ten active carts (the cart walk below pages them by 5).
  sim = await startMagentoSimulator({ port: 0, seed: 211, customers: 60, orders: 150 });
  testDb = await createTestDatabase();
  client = clientFor(sim);
  [channel] = (await testDb.db.insert(channels).values({ name: "removed", baseUrl: sim.baseUrl }).returning()) as [ChannelRow];
  ctx = { db: testDb.db, channel, client, runId: 0 };
  const run = await runChannelSync({ db: testDb.db, channelId: channel.id, mode: "initial", trigger: "cli", client, pageSize: 100 });
  expect(run.status).toBe("succeeded");
}, 60_000);

afterAll(async () => {
  await sim?.close();
  await testDb?.drop();
});

describe("removed records", () => {
  it("flags customers, orders and credit memos deleted in Magento, recomputes totals, and un-flags a record that comes back", async () => {
    const orders = [...sim.store.orders.values()];
    const memoOrders = new Set([...sim.store.memos.values()].map((m) => m.orderId));
    // An order of a registered customer, not canceled and without credit memos (its removal moves the totals).
    const order = orders.find((o) => o.customerId !== null && o.state !== "canceled" && !memoOrders.has(o.entityId))!;
    const orderCustomer = order.customerId!;
    // A memo of another customer's order: its removal must not move the totals checked below.
    const memo = [...sim.store.memos.values()].find((m) => sim.store.orders.get(m.orderId)?.customerId !== orderCustomer)!;
    // A customer with no orders (deleting one with orders also changes those orders in Magento).
    const withOrders = new Set(orders.map((o) => o.customerId));
    const customer = [...sim.store.customers.values()].find((c) => !withOrders.has(c.id) && c.id !== orderCustomer)!;
    expect(order && memo && customer).toBeTruthy();
    const before = await totalsOf(orderCustomer);
    expect(before.orders_count).toBeGreaterThan(0);

    sim.control.tick({ deleteCustomers: [customer.id] });
    sim.store.orders.delete(order.entityId);
    sim.store.memos.delete(memo.entityId);
    sim.store.changed(); // direct map edits: the simulator's search indexes rebuild

    const customers = await reconcileAfterPass(ctx, "customers", { force: true });
    expect(customers).toEqual({ connector: "customers", removed: { remote: sim.store.customers.size, flagged: 1 } });
    const flaggedOrders = await reconcileAfterPass(ctx, "orders", { force: true });
    expect(flaggedOrders).toEqual({ connector: "orders", removed: { remote: sim.store.orders.size, flagged: 1 } });
    const flaggedMemos = await reconcileAfterPass(ctx, "credit_memos", { force: true });
    expect(flaggedMemos).toEqual({ connector: "credit_memos", removed: { remote: sim.store.memos.size, flagged: 1 } });

    expect(await removedIds("magento_customers")).toEqual([customer.id]);
    expect(await removedIds("magento_orders")).toEqual([order.entityId]);
    expect(await removedIds("magento_credit_memos")).toEqual([memo.entityId]);
    // Flagged, never erased; guest customers (no origin id) are never flagged.
    const [kept] = await rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM magento_orders WHERE channel_id = ${channel.id} AND origin_id = ${order.entityId}`,
    );
    expect(kept!.n).toBe(1);
    const [guests] = await rows<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM magento_customers WHERE channel_id = ${channel.id} AND origin_id IS NULL AND removed_at IS NOT NULL`);
    expect(guests!.n).toBe(0);

    const after = await totalsOf(orderCustomer);
    expect(after.orders_count).toBe(before.orders_count - 1);
    // Lifetime value is global: the order's base amounts × its base_to_global_rate, in units of 10^-6
    // (cents × a rate of 4 places); each stored total is rounded to 4 places, so they may differ by 10^-4.
    const header = sim.store.orderColumns(order);
    const cents = (v: unknown) => BigInt(Math.round(Number(v) * 100));
    const orderValue =
      (cents(header.base_subtotal) + cents(header.base_discount_amount)) * BigInt(Math.round(Number(header.base_to_global_rate) * 10_000));
    const units = (v: string) => BigInt(Math.round(Number(v) * 10_000)) * 100n;
    const drift = units(before.lifetime_value) - units(after.lifetime_value) - orderValue;
    expect(
      drift >= -100n && drift <= 100n,
      `moved by ${units(before.lifetime_value) - units(after.lifetime_value)}, order ${orderValue}`,
    ).toBe(true);

    // A second pass flags nothing more.
    expect(await flagRemovedRecords(ctx, "orders")).toEqual({ remote: sim.store.orders.size, flagged: 0 });

    // The order comes back in Magento: the next sync's upsert clears removed_at and restores the totals.
    sim.store.orders.set(order.entityId, order);
    sim.store.changed();
    const full = await runChannelSync({ db: testDb.db, channelId: channel.id, mode: "full", trigger: "cli", client, pageSize: 100 });
    expect(full.status).toBe("succeeded");
    expect(await removedIds("magento_orders")).toEqual([]);
    expect(await totalsOf(orderCustomer)).toEqual(before);
    // Still gone in Magento: still flagged.
    expect(await removedIds("magento_customers")).toEqual([customer.id]);
  }, 60_000);

  it("flags nothing when a page of the id walk fails or carries invalid items", async () => {
    const victim = [...sim.store.orders.values()].at(-5)!;
    sim.store.orders.delete(victim.entityId);
    sim.store.changed();
    const before = requestCount();

    // Retries exhausted: reconcileAfterPass logs and returns null, the run would go on.
    const fragile = clientFor(sim, 1);
    sim.control.addFaults([{ path: "/V1/orders", status: 500 }]);
    try {
      expect(await reconcileAfterPass({ ...ctx, client: fragile }, "orders", { force: true })).toBeNull();
      expect(requestCount()).toBeGreaterThan(before);
    } finally {
      sim.control.clearFaults();
    }
    expect(await removedIds("magento_orders")).toEqual([]);

    // The first pages answer, a later one fails for good: nothing is flagged either.
    let pages = 0;
    const failingLater = Object.create(fragile) as MagentoClient;
    failingLater.searchProjected = (async (
      entity: Parameters<MagentoClient["searchProjected"]>[0],
      criteria: Parameters<MagentoClient["searchProjected"]>[1],
    ) => {
      if (++pages === 3) sim.control.addFaults([{ path: "/V1/orders", status: 500 }]);
      return fragile.searchProjected(entity, criteria);
    }) as MagentoClient["searchProjected"];
    try {
      await expect(flagRemovedRecords({ ...ctx, client: failingLater }, "orders", { pageSize: 50 })).rejects.toThrow(/500/);
    } finally {
      sim.control.clearFaults();
    }
    expect(pages).toBe(3);
    expect(await removedIds("magento_orders")).toEqual([]);

    // An item without a readable id on every page.
    sim.control.addFaults([{ path: "/V1/orders", malformed: { field: "entity_id", mode: "null", index: 3 } }]);
    try {
      expect(await flagRemovedRecords(ctx, "orders", { pageSize: 50 })).toBeNull();
    } finally {
      sim.control.clearFaults();
    }
    expect(await removedIds("magento_orders")).toEqual([]);

    // Without faults the same walk flags exactly the deleted order.
    expect(await flagRemovedRecords(ctx, "orders", { pageSize: 50 })).toEqual({ remote: sim.store.orders.size, flagged: 1 });
    expect(await removedIds("magento_orders")).toEqual([victim.entityId]);
  }, 30_000);

  it("a record deleted mid-walk never makes a live record look removed (keyset by id)", async () => {
    const flaggedBefore = await removedIds("magento_orders");
    const sorted = [...sim.store.orders.keys()].sort((a, b) => a - b);
    let calls = 0;
    const deletedMidWalk: number[] = [];
    // After each page, delete the first order of that page: position paging would now skip an id.
    const shifting = Object.create(client) as MagentoClient;
    shifting.searchProjected = (async (
      entity: Parameters<MagentoClient["searchProjected"]>[0],
      criteria: Parameters<MagentoClient["searchProjected"]>[1],
    ) => {
      const page = await client.searchProjected(entity, criteria);
      expect(criteria.currentPage).toBe(1);
      calls++;
      const first = page.items[0] as { entity_id?: number } | undefined;
      if (first?.entity_id !== undefined && calls <= 3) {
        sim.store.orders.delete(first.entity_id);
        sim.store.changed();
        deletedMidWalk.push(first.entity_id);
      }
      return page;
    }) as MagentoClient["searchProjected"];

    const result = await flagRemovedRecords({ ...ctx, client: shifting }, "orders", { pageSize: 20 });
    expect(calls).toBeGreaterThan(3);
    // Every id that existed at the start was seen (the ones deleted mid-walk included: flagged next time).
    expect(result).toEqual({ remote: sorted.length, flagged: 0 });
    expect(await removedIds("magento_orders")).toEqual(flaggedBefore);
    expect(deletedMidWalk).toHaveLength(3);

    // The next pass flags exactly those.
    expect((await flagRemovedRecords(ctx, "orders", { pageSize: 20 }))?.flagged).toBe(3);
    expect(await removedIds("magento_orders")).toEqual([...flaggedBefore, ...deletedMidWalk].sort((a, b) => a - b));
  }, 30_000);

  it("cart reconciliation walks active quotes by id: a cart made inactive mid-walk never hides a live one", async () => {
    const active = [...sim.store.carts.values()]
      .filter((c) => c.isActive)
      .map((c) => c.id)
      .sort((a, b) => a - b);
    expect(active.length).toBeGreaterThan(10);
    expect((await activeCartIds(ctx))?.sort((a, b) => a - b)).toEqual(active);
    let calls = 0;
    const shifting = Object.create(client) as MagentoClient;
    shifting.searchProjected = (async (
      entity: Parameters<MagentoClient["searchProjected"]>[0],
      criteria: Parameters<MagentoClient["searchProjected"]>[1],
    ) => {
      const page = await client.searchProjected(entity, criteria);
      if (++calls === 1) {
        sim.store.carts.get(active[0]!)!.isActive = false;
        sim.store.changed();
      }
      return page;
    }) as MagentoClient["searchProjected"];
    const ids = await walkRemoteIds(shifting, "carts", { filters: [[{ field: "is_active", conditionType: "eq", value: 1 }]], pageSize: 5 });
    expect(ids).toEqual(active);
  });

  it("keeps a cadence per channel and connector: a second call within the interval does nothing and asks Magento nothing", async () => {
    const t0 = new Date(Date.now() + 30 * 86_400_000); // past whatever the forced passes above stored
    let before = requestCount();
    expect(await reconcileAfterPass(ctx, "orders", { force: false, now: t0 })).toMatchObject({ connector: "orders" });
    expect(requestCount()).toBeGreaterThan(before);
    const row = await getCheckpoint(testDb.db, channel.id, reconcileCheckpointName("orders"), "initial");
    expect(row?.completedAt?.toISOString()).toBe(t0.toISOString());
    expect((await listCheckpoints(testDb.db, channel.id)).map((c) => c.connector)).not.toContain("__reconcile_orders");

    before = requestCount();
    expect(await reconcileAfterPass(ctx, "orders", { force: false, now: new Date(t0.getTime() + 5 * 3_600_000) })).toBeNull();
    expect(await reconcileAfterPass(ctx, "stores", { force: false, now: t0 })).toBeNull();
    expect(await reconcileAfterPass(ctx, "newsletter_subscribers", { force: true, now: t0 })).toBeNull();
    expect(requestCount()).toBe(before);
    // After 6 hours it runs again; `force` ignores the cadence.
    expect(await reconcileAfterPass(ctx, "orders", { force: false, now: new Date(t0.getTime() + 6 * 3_600_000 + 1000) })).not.toBeNull();
    expect(await reconcileAfterPass(ctx, "orders", { force: true, now: new Date(t0.getTime() + 6 * 3_600_000 + 2000) })).not.toBeNull();

    // Carts: hourly.
    expect(await reconcileAfterPass(ctx, "carts", { force: false, now: t0 })).toMatchObject({ connector: "carts" });
    before = requestCount();
    expect(await reconcileAfterPass(ctx, "carts", { force: false, now: new Date(t0.getTime() + 59 * 60_000) })).toBeNull();
    expect(requestCount()).toBe(before);
    expect(await reconcileAfterPass(ctx, "carts", { force: false, now: new Date(t0.getTime() + 61 * 60_000) })).toMatchObject({
      connector: "carts",
    });
    expect(requestCount()).toBeGreaterThan(before);
  });

  it("starts the cadence without listing ids when an initial walk has just read everything (a full run still lists them)", async () => {
    const t0 = new Date(Date.now() + 90 * 86_400_000); // past every cadence stored above
    const before = requestCount();
    expect(await reconcileAfterPass(ctx, "orders", { force: false, now: t0, walkedEverything: true })).toBeNull();
    // Carts: only the idle rule runs (the database alone).
    expect(await reconcileAfterPass(ctx, "carts", { force: false, now: t0, walkedEverything: true })).toMatchObject({
      connector: "carts",
      carts: { activeInMagento: 0, missing: 0 },
    });
    expect(requestCount()).toBe(before);
    expect((await getCheckpoint(testDb.db, channel.id, reconcileCheckpointName("orders"), "initial"))?.completedAt?.toISOString()).toBe(
      t0.toISOString(),
    );
    // The next pass inside the interval does nothing; a full run's pass lists the ids all the same.
    expect(await reconcileAfterPass(ctx, "orders", { force: false, now: new Date(t0.getTime() + 3_600_000) })).toBeNull();
    expect(requestCount()).toBe(before);
    expect(
      await reconcileAfterPass(ctx, "orders", { force: true, now: new Date(t0.getTime() + 7_200_000), walkedEverything: true }),
    ).toMatchObject({ connector: "orders" });
    expect(requestCount()).toBeGreaterThan(before);
  });
});
