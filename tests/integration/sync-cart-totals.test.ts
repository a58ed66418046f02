import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels } from "@/db/schema";
import { createMagentoClient, type MagentoClient } from "@/lib/magento/client";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { runChannelSync } from "@/lib/sync/runner";
import { rowsOf } from "@/db/rows";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// Open carts show Magento's own totals (GET /V1/carts/{id}/totals), not the search's estimate,
// are read again only after the cart changed, and a sync with nothing changed asks for none.

let sim: RunningSimulator;
let testDb: TestDatabase;
let client: MagentoClient;

beforeAll(async () => {
  sim = await startMagentoSimulator({ port: 0, seed: 108, customers: 40, orders: 120 });
  testDb = await createTestDatabase();
  client = createMagentoClient({
    baseUrl: sim.baseUrl,
    auth: { type: "bearer", token: sim.adminToken },
    requestsPerSecond: null,
    backoff: { baseDelayMs: 10, maxDelayMs: 50 },
  });
});

afterAll(async () => {
  await sim?.close();
  await testDb?.drop();
});

type Row = { origin_id: string; grand_total: string; base_grand_total: string | null; totals_synced_at: Date | string | null };

async function openCarts(channelId: number): Promise<Row[]> {
  return rowsOf<Row>(
    await testDb.db.execute(sql`
    SELECT origin_id::text, grand_total::text, base_grand_total::text, totals_synced_at FROM magento_carts
    WHERE channel_id = ${channelId} AND status = 'open' ORDER BY origin_id`),
  );
}

const totalsRequests = () => sim.control.requests(10_000).log.filter((r) => r.route?.endsWith("/totals")).length;

describe("cart totals", () => {
  it("equal Magento's totals for every open cart; only changed carts are read again", async () => {
    const { db } = testDb;
    const [channel] = await db.insert(channels).values({ name: "totals", baseUrl: sim.baseUrl }).returning();
    const initial = await runChannelSync({ db, channelId: channel!.id, mode: "initial", trigger: "cli", client, pageSize: 50 });
    expect(initial.status).toBe("succeeded");

    const open = await openCarts(channel!.id);
    expect(open.length).toBeGreaterThan(3);
    for (const cart of open) {
      const totals = await client.getCartTotals(Number(cart.origin_id));
      expect(Number(cart.grand_total), `cart ${cart.origin_id}`).toBe(Number(totals.grand_total));
      expect(cart.totals_synced_at, `cart ${cart.origin_id}`).not.toBeNull();
    }
    // The estimate from items alone would differ for carts with shipping, tax or discounts.
    const estimates = rowsOf<{ n: number }>(
      await db.execute(sql`
      SELECT count(*)::int AS n FROM magento_carts WHERE channel_id = ${channel!.id} AND status = 'open' AND grand_total <> subtotal`),
    );
    expect(estimates[0]!.n).toBeGreaterThan(0);

    const before = totalsRequests();
    const noop = await runChannelSync({ db, channelId: channel!.id, mode: "incremental", trigger: "cli", client, pageSize: 50 });
    expect(noop.status).toBe("succeeded");
    expect(totalsRequests()).toBe(before);

    const tick = sim.control.tick({ abandonCarts: 2, advanceSeconds: 60 });
    const changed = tick.changed.carts;
    expect(changed.length).toBe(2);
    const again = await runChannelSync({ db, channelId: channel!.id, mode: "incremental", trigger: "cli", client, pageSize: 50 });
    expect(again.status).toBe("succeeded");
    expect(totalsRequests() - before).toBe(changed.length);
    for (const cart of (await openCarts(channel!.id)).filter((c) => changed.includes(Number(c.origin_id)))) {
      expect(Number(cart.grand_total)).toBe(Number((await client.getCartTotals(Number(cart.origin_id))).grand_total));
    }
  }, 60_000);

  it("a first sync reads the newest open carts' totals only; later syncs that change something read the rest, a no-op sync none", async () => {
    const { db } = testDb;
    const [channel] = await db.insert(channels).values({ name: "totals-backlog", baseUrl: sim.baseUrl }).returning();
    const limits = { firstSync: 3, backlog: 2 };
    const read = async () => (await openCarts(channel!.id)).filter((c) => c.totals_synced_at !== null).length;
    let before = totalsRequests();
    const initial = await runChannelSync({
      db,
      channelId: channel!.id,
      mode: "initial",
      trigger: "cli",
      client,
      pageSize: 50,
      cartTotals: limits,
    });
    expect(initial.status).toBe("succeeded");
    const open = (await openCarts(channel!.id)).length;
    expect(open).toBeGreaterThan(7);
    expect(totalsRequests() - before).toBe(3);
    expect(await read()).toBe(3);

    // The first incremental pass re-reads the overlap before the initial pass's end (its carts count
    // as changed); the one after it has nothing changed and asks for no totals.
    await runChannelSync({ db, channelId: channel!.id, mode: "incremental", trigger: "cli", client, pageSize: 50, cartTotals: limits });
    const afterFirst = await read();
    before = totalsRequests();
    await runChannelSync({ db, channelId: channel!.id, mode: "incremental", trigger: "cli", client, pageSize: 50, cartTotals: limits });
    expect(totalsRequests()).toBe(before);

    sim.control.tick({ newOrders: 1, advanceSeconds: 60 });
    await runChannelSync({ db, channelId: channel!.id, mode: "incremental", trigger: "cli", client, pageSize: 50, cartTotals: limits });
    expect(await read()).toBe(afterFirst + 2); // two more from the backlog
    expect(await read()).toBeLessThan(open);
  }, 60_000);
});
