import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels } from "@/db/schema";
import { createMagentoClient, type MagentoClient } from "@/lib/magento/client";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { claimLease, releaseLease, SyncBusyError } from "@/lib/sync/lease";
import { NO_LONGER_IN_MAGENTO, retryFailedRecords } from "@/lib/sync/retry";
import { runChannelSync } from "@/lib/sync/runner";
import type { ChannelRow } from "@/lib/sync/types";
import { rowsOf } from "@/db/rows";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// retryFailedRecords (lib/sync/retry.ts): records a sync could not keep are fetched again by id
// and written through their connector once Magento sends them whole.

let sim: RunningSimulator;
let testDb: TestDatabase;
let client: MagentoClient;

beforeAll(async () => {
  sim = await startMagentoSimulator({ port: 0, seed: 307, customers: 30, orders: 120 });
  testDb = await createTestDatabase();
  client = createMagentoClient({
    baseUrl: sim.baseUrl,
    auth: { type: "bearer", token: sim.adminToken },
    requestsPerSecond: null,
    maxRetries: 8,
    backoff: { baseDelayMs: 5, maxDelayMs: 20 },
  });
});

afterAll(async () => {
  await sim?.close();
  await testDb?.drop();
});

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await testDb.db.execute(query));
}

type ErrorRow = { id: number; origin_id: string; message: string; resolved: boolean };
async function errorsOf(runId: number): Promise<ErrorRow[]> {
  return rows<ErrorRow>(sql`
    SELECT id::int, origin_id, message, resolved_at IS NOT NULL AS resolved FROM sync_errors WHERE run_id = ${runId} ORDER BY origin_id::bigint`);
}

const cents = (value: unknown) => Math.round(Number(value) * 100);

describe("retryFailedRecords", () => {
  it("resolves malformed orders once Magento sends them whole, with the right totals", async () => {
    const { db } = testDb;
    const [channel] = (await db.insert(channels).values({ name: "retry", baseUrl: sim.baseUrl }).returning()) as [ChannelRow];
    // Two orders of two different registered customers, not canceled; a third one that will be deleted.
    const orders = [...sim.store.orders.values()]
      .filter((o) => o.customerId !== null && o.state !== "canceled")
      .sort((a, b) => a.entityId - b.entityId);
    const first = orders[5]!;
    const second = orders.find((o) => o.entityId > first.entityId + 20 && o.customerId !== first.customerId)!;
    const gone = [...sim.store.orders.values()].find(
      (o) => o !== first && o !== second && o.customerId !== first.customerId && o.customerId !== second.customerId,
    )!;
    const broken = [first, second, gone].map((o) => o.entityId).sort((a, b) => a - b);
    const faults = sim.control.addFaults(
      broken.map((id) => ({ path: "/V1/orders", malformed: { field: "grand_total", mode: "null" as const, id } })),
    );

    const run = await runChannelSync({ db, channelId: channel.id, mode: "initial", trigger: "cli", client, pageSize: 50 });
    expect(run.status).toBe("partial");
    expect(run.errorCount).toBe(3);
    expect((await errorsOf(run.id)).map((e) => Number(e.origin_id))).toEqual(broken);

    const countOf = async (customerOriginId: number) => {
      const [row] = await rows<{ orders_count: number; lifetime_value: string }>(sql`
        SELECT orders_count, lifetime_value::text FROM magento_customers WHERE channel_id = ${channel.id} AND origin_id = ${customerOriginId}`);
      return row!;
    };
    const expectedCount = (customerId: number) =>
      [...sim.store.orders.values()].filter((o) => o.customerId === customerId && o.state !== "canceled").length;
    const before = await countOf(first.customerId!);
    expect(before.orders_count).toBe(expectedCount(first.customerId!) - 1);

    // The channel is busy: no retry next to a sync.
    await claimLease(db, channel.id, "run:999999");
    await expect(retryFailedRecords(db, { channelId: channel.id }, { client })).rejects.toBeInstanceOf(SyncBusyError);
    await releaseLease(db, channel.id, "run:999999");

    // Still broken in Magento: nothing resolved, messages refreshed.
    const still = await retryFailedRecords(db, { channelId: channel.id, runId: run.id }, { client });
    expect(still).toMatchObject({ retried: 3, resolved: 0 });
    expect(still.stillFailing.map((f) => Number(f.originId)).sort((a, b) => a - b)).toEqual(broken);
    expect(still.stillFailing[0]!.message).toContain("grand_total");

    for (const fault of faults) sim.control.clearFaults(fault.id);
    sim.store.orders.delete(gone.entityId);
    sim.store.changed();

    const retried = await retryFailedRecords(db, { channelId: channel.id, runId: run.id }, { client });
    expect(retried).toEqual({ retried: 3, resolved: 3, stillFailing: [] });
    const errors = await errorsOf(run.id);
    expect(errors.every((e) => e.resolved)).toBe(true);
    expect(errors.find((e) => Number(e.origin_id) === gone.entityId)!.message).toBe(NO_LONGER_IN_MAGENTO);

    const stored = await rows<{ origin_id: string; grand_total: string }>(sql`
      SELECT origin_id::text, grand_total::text FROM magento_orders WHERE channel_id = ${channel.id} AND origin_id IN (${first.entityId}, ${second.entityId})`);
    expect(new Map(stored.map((r) => [Number(r.origin_id), cents(r.grand_total)]))).toEqual(
      new Map([
        [first.entityId, cents(sim.store.orderColumns(first).grand_total)],
        [second.entityId, cents(sim.store.orderColumns(second).grand_total)],
      ]),
    );
    for (const order of [first, second]) {
      const after = await countOf(order.customerId!);
      expect(after.orders_count).toBe(expectedCount(order.customerId!));
      const [sum] = await rows<{ ltv: string }>(sql`
        SELECT round(coalesce(sum((o.base_subtotal + o.base_discount_amount) * o.base_to_global_rate), 0), 4)::text AS ltv
        FROM magento_orders o JOIN magento_customers c ON c.id = o.customer_id
        WHERE c.channel_id = ${channel.id} AND c.origin_id = ${order.customerId} AND o.state <> 'canceled' AND o.removed_at IS NULL`);
      expect(after.lifetime_value).toBe(sum!.ltv);
    }
    expect((await countOf(first.customerId!)).orders_count).toBe(before.orders_count + 1);

    // Nothing left to retry.
    expect(await retryFailedRecords(db, { channelId: channel.id }, { client })).toEqual({ retried: 0, resolved: 0, stillFailing: [] });
  }, 60_000);

  it("leaves errors without an origin id unresolved and counts them as still failing", async () => {
    const { db } = testDb;
    const [channel] = (await db.insert(channels).values({ name: "retry-null", baseUrl: sim.baseUrl }).returning()) as [ChannelRow];
    const [row] = await rows<{ id: number }>(sql`
      INSERT INTO sync_errors (channel_id, connector, origin_id, message) VALUES (${channel.id}, 'orders', NULL, 'order without entity_id') RETURNING id::int`);
    const before = sim.control.requests().total;
    const result = await retryFailedRecords(db, { channelId: channel.id, errorIds: [row!.id] }, { client });
    expect(result).toMatchObject({ retried: 0, resolved: 0, stillFailing: [{ errorId: row!.id, originId: null }] });
    expect(sim.control.requests().total).toBe(before);
    const [after] = await rows<{ resolved: boolean }>(
      sql`SELECT resolved_at IS NOT NULL AS resolved FROM sync_errors WHERE id = ${row!.id}`,
    );
    expect(after!.resolved).toBe(false);
  });
});
