import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels } from "@/db/schema";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { CONNECTORS } from "@/lib/sync/registry";
import { runChannelSync } from "@/lib/sync/runner";
import { listRuns, statsOf } from "@/lib/sync/runs";
import type { Connector } from "@/lib/sync/types";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// The runner with the real connectors against the Magento simulator: a crash in the middle of the
// orders leaves whole pages only, and the rerun ends with every record exactly once.

let testDb: TestDatabase;
let sim: RunningSimulator;
const TABLES = ["magento_customers", "magento_carts", "magento_orders", "magento_order_items", "magento_credit_memos"] as const;

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const rows = (await testDb.db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as Iterable<{ n: number }>;
    out[table] = [...rows][0]!.n;
  }
  return out;
}

beforeAll(async () => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  testDb = await createTestDatabase();
  sim = await startMagentoSimulator({ port: 0, seed: 11, customers: 30, orders: 80 });
});

afterAll(async () => {
  await sim?.close();
  await testDb?.drop();
});

describe("runChannelSync with the real connectors", () => {
  it("resumes after a crash mid-orders without loss or duplicates, and a full resync changes nothing", async () => {
    const [channel] = await testDb.db
      .insert(channels)
      .values({ name: "sim", baseUrl: sim.baseUrl, credentialsEncrypted: sealCredentials({ type: "bearer", token: sim.adminToken }) })
      .returning();
    let orderPages = 0;
    const delivered = new Set<number>(); // orders of the pages written before the crash
    const crashing: Connector[] = CONNECTORS.map((c) =>
      c.name !== "orders"
        ? c
        : {
            ...c,
            async afterPage(tx, ctx, records) {
              await c.afterPage?.(tx, ctx, records);
              if (++orderPages === 3) throw new Error("crash on the 3rd orders page");
              for (const order of records as { entity_id?: number | null }[]) delivered.add(order.entity_id!);
            },
          },
    );
    await expect(
      runChannelSync({ db: testDb.db, channelId: channel!.id, mode: "initial", trigger: "cli", connectors: crashing, pageSize: 10 }),
    ).rejects.toThrow("crash on the 3rd orders page");
    const afterCrash = await counts();
    // Two whole pages (≤ 10 each: a page repeats the last timestamp's ids and drops them); not the third.
    expect(delivered.size).toBeGreaterThan(10);
    // The credit memos, synced at the same time, may have brought the orders they refund (by id).
    const memoReferenced = (await listRuns(testDb.db, channel!.id)).reduce((sum, run) => sum + statsOf(run, "credit_memos").referenced, 0);
    expect(afterCrash.magento_orders).toBeGreaterThanOrEqual(delivered.size);
    expect(afterCrash.magento_orders).toBeLessThanOrEqual(delivered.size + memoReferenced);

    const resumed = await runChannelSync({ db: testDb.db, channelId: channel!.id, mode: "initial", trigger: "cli", pageSize: 10 });
    expect(resumed.status).toBe("succeeded");
    expect(statsOf(resumed, "orders").fetched).toBe(sim.store.orders.size - delivered.size);
    const done = await counts();
    expect(done.magento_orders).toBe(sim.store.orders.size);
    const distinct = (await testDb.db.execute(sql`select count(distinct origin_id)::int as n from magento_orders`)) as unknown as Iterable<{
      n: number;
    }>;
    expect([...distinct][0]!.n).toBe(sim.store.orders.size);

    const full = await runChannelSync({ db: testDb.db, channelId: channel!.id, mode: "full", trigger: "cli" });
    expect(full.status).toBe("succeeded");
    expect(await counts()).toEqual(done);
    expect(statsOf(full, "orders")).toMatchObject({ created: 0, fetched: sim.store.orders.size });
    expect((await listRuns(testDb.db, channel!.id)).map((r) => r.status)).toEqual(["succeeded", "succeeded", "failed"]);
  }, 120_000);
});
