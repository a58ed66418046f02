import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cartEvents, channels, magentoCarts, magentoOrders } from "@/db/schema";
import { ROLE_PERMISSIONS } from "@/lib/auth/permissions";
import type { SessionUser } from "@/lib/auth/session";
import { createMagentoClient, type MagentoClient } from "@/lib/magento/client";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { runChannelSync } from "@/lib/sync/runner";
import { rowsOf } from "@/db/rows";
import { createUser } from "@/lib/users/service";
import { logContact, recoveredRevenue } from "@/lib/carts/follow-up";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { placeSimulatorOrder } from "@/tests/helpers/place-order";

// The sync's purchase rule and the follow-up workflow: an order for a contacted cart makes it
// converted (recovered revenue, a timeline entry by the sync); without a contact it is purchased
// as before; a contacted cart keeps its status while Magento changes it.

// The workflow reads lib/auth/session for its permission check; next-auth itself cannot load here.
vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));

let sim: RunningSimulator;
let testDb: TestDatabase;
let client: MagentoClient;
let agent: SessionUser;

beforeAll(async () => {
  sim = await startMagentoSimulator({ port: 0, seed: 4242, customers: 30, orders: 60 });
  testDb = await createTestDatabase();
  client = createMagentoClient({
    baseUrl: sim.baseUrl,
    auth: { type: "bearer", token: sim.adminToken },
    requestsPerSecond: null,
    backoff: { baseDelayMs: 10, maxDelayMs: 50 },
  });
  const row = await createUser(
    testDb.db,
    { email: "agent@sync-follow.test", name: "Sync Agent", role: "agent", password: "a long enough password" },
    { userId: null, actor: "test" },
  );
  agent = { id: row.id, email: row.email, name: row.name, role: "agent", permissions: ROLE_PERMISSIONS.agent };
});

afterAll(async () => {
  await sim?.close();
  await testDb?.drop();
});

async function cartByOrigin(channelId: number, originId: number) {
  const [row] = await testDb.db
    .select()
    .from(magentoCarts)
    .where(and(eq(magentoCarts.channelId, channelId), eq(magentoCarts.originId, originId)));
  return row!;
}

describe("sync and cart follow-up", () => {
  it("contacted + order → converted and recovered; no contact → purchased", async () => {
    const { db } = testDb;
    const [channel] = await db.insert(channels).values({ name: "follow-up", baseUrl: sim.baseUrl }).returning();
    const channelId = channel!.id;
    const sync = () => runChannelSync({ db, channelId, mode: "incremental", trigger: "cli", client, pageSize: 50 });
    expect((await runChannelSync({ db, channelId, mode: "initial", trigger: "cli", client, pageSize: 50 })).status).toBe("succeeded");

    const open = rowsOf<{ id: string; origin_id: string }>(
      await db.execute(sql`
      SELECT id::text, origin_id::text FROM magento_carts
      WHERE channel_id = ${channelId} AND status = 'open' AND items_count > 0 AND grand_total > 0 ORDER BY origin_id LIMIT 2`),
    );
    expect(open.length).toBe(2);
    const [contacted, untouched] = open.map((c) => ({ id: Number(c.id), originId: Number(c.origin_id) })) as [
      { id: number; originId: number },
      { id: number; originId: number },
    ];

    expect(await logContact(db, agent, { cartId: contacted.id, channel: "call", outcome: "Will order today", note: null })).toMatchObject({
      ok: true,
      to: "contacted",
    });

    // Magento changes the contacted cart (a tick touching carts): the portal's status stays.
    sim.control.tick({ abandonCarts: 3, advanceSeconds: 60 });
    expect((await sync()).status).toBe("succeeded");
    expect((await cartByOrigin(channelId, contacted.originId)).status).toBe("contacted");

    const convertedOrderId = await placeSimulatorOrder(sim.baseUrl, sim.adminToken, contacted.originId);
    const purchasedOrderId = await placeSimulatorOrder(sim.baseUrl, sim.adminToken, untouched.originId);
    expect((await sync()).status).toBe("succeeded");

    const converted = await cartByOrigin(channelId, contacted.originId);
    const [convertedOrder] = await db
      .select()
      .from(magentoOrders)
      .where(and(eq(magentoOrders.channelId, channelId), eq(magentoOrders.originId, convertedOrderId)));
    expect(converted.status).toBe("converted");
    expect(converted.orderId).toBe(convertedOrder!.id);
    expect(convertedOrder!.cartId).toBe(converted.id);

    const purchased = await cartByOrigin(channelId, untouched.originId);
    const [purchasedOrder] = await db
      .select()
      .from(magentoOrders)
      .where(and(eq(magentoOrders.channelId, channelId), eq(magentoOrders.originId, purchasedOrderId)));
    expect(purchased.status).toBe("purchased");
    expect(purchased.orderId).toBe(purchasedOrder!.id);

    const events = await db.select().from(cartEvents).where(eq(cartEvents.cartId, converted.id));
    expect(events.map((e) => [e.kind, e.fromStatus, e.toStatus, e.actor])).toEqual([
      ["contact_call", "open", "contacted", "Sync Agent"],
      ["status", "contacted", "converted", "Magento sync"],
    ]);
    expect(await db.select().from(cartEvents).where(eq(cartEvents.cartId, purchased.id))).toEqual([]);

    const recovered = await recoveredRevenue(db, agent);
    expect(recovered).toEqual([{ currency: convertedOrder!.orderCurrencyCode, carts: 1, total: convertedOrder!.grandTotal }]);

    // A further sync changes nothing: no second timeline entry, statuses stay.
    expect((await sync()).status).toBe("succeeded");
    expect((await cartByOrigin(channelId, contacted.originId)).status).toBe("converted");
    expect(await db.select().from(cartEvents).where(eq(cartEvents.cartId, converted.id))).toHaveLength(2);
  }, 90_000);
});
