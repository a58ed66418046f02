import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { channels } from "@/db/schema";
import { createMagentoClient, type MagentoClient } from "@/lib/magento/client";
import { startMagentoSimulator, type RunningSimulator } from "@/lib/magento/simulator";
import { deferIndexesForInitialWalk } from "@/lib/sync/deferred-indexes";
import { runChannelSync, startRun } from "@/lib/sync/runner";
import { finishRun } from "@/lib/sync/runs";
import { rowsOf } from "@/lib/sync/write/rows";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// A first initial sync into empty cart and order tables drops the grid indexes the sync never
// reads and builds them at the end of the orders walk; they come back exactly as the migrations made them,
// also when the run that dropped them died, and never while the tables hold rows.

let sim: RunningSimulator;
let testDb: TestDatabase;
let reference: TestDatabase;

beforeAll(async () => {
  sim = await startMagentoSimulator({ port: 0, customers: 60, orders: 200 });
  testDb = await createTestDatabase();
  reference = await createTestDatabase();
});

afterAll(async () => {
  await sim?.close();
  await testDb?.drop();
  await reference?.drop();
});

function clientFor(): MagentoClient {
  return createMagentoClient({ baseUrl: sim.baseUrl, auth: { type: "bearer", token: sim.adminToken }, requestsPerSecond: null });
}

type IndexRow = { name: string; definition: string };

async function orderIndexes(db: Db): Promise<IndexRow[]> {
  return rowsOf<IndexRow>(await db.execute(sql`
    SELECT indexname AS name, indexdef AS definition FROM pg_indexes
    WHERE tablename IN ('magento_orders', 'magento_order_items', 'magento_carts') ORDER BY indexname`));
}

async function note(db: Db, table: string): Promise<string | null> {
  const [row] = rowsOf<{ comment: string | null }>(await db.execute(sql`SELECT obj_description(${table}::regclass, 'pg_class') AS comment`));
  return row?.comment ?? null;
}

describe("deferred grid indexes", () => {
  it("a first initial sync writes the orders without the grid indexes and builds them, identical, when the walk ends", async () => {
    const before = await orderIndexes(testDb.db);
    expect(before).toEqual(await orderIndexes(reference.db));
    const [channel] = await testDb.db.insert(channels).values({ name: "first", baseUrl: sim.baseUrl }).returning();
    const during: string[][] = [];
    const run = await runChannelSync({
      db: testDb.db, channelId: channel!.id, mode: "initial", trigger: "cli", client: clientFor(), pageSize: 50,
      onProgress: async (progress) => {
        if (progress.connector === "orders" && !progress.connectorFinished) during.push((await orderIndexes(testDb.db)).map((i) => i.name));
      },
    });
    expect(run.status).toBe("succeeded");
    expect(during.length).toBeGreaterThan(0);
    // While the orders were written, the grid indexes were gone and the sync's own were there.
    for (const names of during) {
      expect(names).not.toContain("magento_orders_created_idx");
      expect(names).not.toContain("magento_order_items_sku_idx");
      // Carts' grid indexes wait for the orders, which mark carts purchased.
      expect(names).not.toContain("magento_carts_grand_total_idx");
      expect(names).toContain("magento_carts_channel_origin_key");
      expect(names).toContain("magento_orders_customer_idx");
      expect(names).toContain("magento_orders_channel_origin_key");
    }
    expect(await orderIndexes(testDb.db)).toEqual(before);
    expect(await note(testDb.db, "magento_orders")).toBeNull();
    const [{ n }] = rowsOf<{ n: number }>(await testDb.db.execute(sql`SELECT count(*)::int AS n FROM magento_orders`)) as [{ n: number }];
    expect(n).toBe(sim.store.orders.size);
  });

  it("never drops an index while the tables hold rows", async () => {
    const [channel] = await testDb.db.insert(channels).values({ name: "second", baseUrl: sim.baseUrl }).returning();
    const run = await startRun(testDb.db, { channelId: channel!.id, mode: "initial", trigger: "cli" });
    expect(await deferIndexesForInitialWalk(testDb.db, "orders", run.id)).toEqual([]);
    expect(await orderIndexes(testDb.db)).toEqual(await orderIndexes(reference.db));
  });

  it("indexes left dropped by a run that died are built back by the migrations", async () => {
    const fresh = await createTestDatabase();
    try {
      const [channel] = await fresh.db.insert(channels).values({ name: "dies", baseUrl: sim.baseUrl }).returning();
      const run = await startRun(fresh.db, { channelId: channel!.id, mode: "initial", trigger: "cli" });
      const dropped = await deferIndexesForInitialWalk(fresh.db, "orders", run.id);
      expect(dropped).toContain("magento_orders_grand_total_idx");
      expect(JSON.parse((await note(fresh.db, "magento_orders"))!)).toMatchObject({ runId: run.id });
      // The process dies here; the next start migrates.
      await migrateDatabase(fresh.db, "postgres");
      expect(await orderIndexes(fresh.db)).toEqual(await orderIndexes(reference.db));
      expect(await note(fresh.db, "magento_orders")).toBeNull();
    } finally {
      await fresh.drop();
    }
  });

  it("indexes left dropped by a run that stopped are built back when the next run starts", async () => {
    const fresh = await createTestDatabase();
    try {
      const [dead] = await fresh.db.insert(channels).values({ name: "dead", baseUrl: sim.baseUrl }).returning();
      const run = await startRun(fresh.db, { channelId: dead!.id, mode: "initial", trigger: "cli" });
      await deferIndexesForInitialWalk(fresh.db, "orders", run.id);
      await finishRun(fresh.db, run.id, { status: "failed", errorMessage: "process ended" });
      const [next] = await fresh.db.insert(channels).values({ name: "next", baseUrl: sim.baseUrl }).returning();
      const seen: string[][] = [];
      await runChannelSync({
        db: fresh.db, channelId: next!.id, mode: "initial", trigger: "cli", client: clientFor(), pageSize: 50,
        onProgress: async (progress) => {
          if (progress.connector === "customers") seen.push((await orderIndexes(fresh.db)).map((i) => i.name));
        },
      });
      // Before its own orders walk, the new run had built back what the stopped one dropped.
      expect(seen[0]).toEqual((await orderIndexes(reference.db)).map((i) => i.name));
      expect(await orderIndexes(fresh.db)).toEqual(await orderIndexes(reference.db));
    } finally {
      await fresh.drop();
    }
  });
});
