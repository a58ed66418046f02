import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels } from "@/db/schema";
import { createMagentoClient, type MagentoClient } from "@/lib/magento/client";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { activeCartIds, reconcileCheckpointName, idleMessage, MISSING_MESSAGE, reconcileAfterPass } from "@/lib/sync/rules/reconcile";
import { runChannelSync } from "@/lib/sync/runner";
import { rowsOf } from "@/db/rows";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// Cart reconciliation at the end of the carts pass (lib/sync/rules/reconcile.ts), through the
// real runner against the simulator: quotes deleted in Magento and carts idle too long expire.

let sim: RunningSimulator;
let testDb: TestDatabase;
let client: MagentoClient;

beforeAll(async () => {
  sim = await startMagentoSimulator({ port: 0, seed: 107, customers: 40, orders: 100 });
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

type CartRow = { origin_id: string; status: string; status_message: string | null; remote_updated_at: Date | string | null };

async function carts(channelId: number): Promise<Map<number, CartRow>> {
  const rows = rowsOf<CartRow>(
    await testDb.db.execute(sql`
    SELECT origin_id::text, status, status_message, remote_updated_at FROM magento_carts WHERE channel_id = ${channelId}`),
  );
  return new Map(rows.map((r) => [Number(r.origin_id), r]));
}

describe("cart reconciliation", () => {
  it("expires open carts deleted in Magento and open carts idle too long; keeps portal statuses", async () => {
    const { db } = testDb;
    const [channel] = await db.insert(channels).values({ name: "reconcile", baseUrl: sim.baseUrl }).returning();
    const channelId = channel!.id;
    const initial = await runChannelSync({ db, channelId, mode: "initial", trigger: "cli", client, pageSize: 100 });
    expect(initial.status).toBe("succeeded");

    const active = [...sim.store.carts.values()]
      .filter((c) => c.isActive)
      .map((c) => c.id)
      .sort((a, b) => a - b);
    expect((await activeCartIds({ db, channel: channel!, client, runId: 0 }))?.sort((a, b) => a - b)).toEqual(active);
    let before = await carts(channelId);
    const open = [...before].filter(([, c]) => c.status === "open").map(([id]) => id);
    expect(open.sort((a, b) => a - b)).toEqual(active); // nothing expired without cartExpirationDays
    expect(active.length).toBeGreaterThanOrEqual(6);

    // 3 open carts deleted in Magento, and one the portal marked lost deleted too.
    const deleted = open.slice(0, 3);
    const lost = open[3]!;
    await db.execute(
      sql`UPDATE magento_carts SET status = 'lost', status_message = 'Lost by hand' WHERE channel_id = ${channelId} AND origin_id = ${lost}`,
    );
    const tick = sim.control.tick({ deleteCarts: [...deleted, lost] });
    expect(tick.deleted.carts.sort((a, b) => a - b)).toEqual([...deleted, lost].sort((a, b) => a - b));
    // Idle limit: carts last changed before the cutoff expire; N = the median age in days of the
    // other open carts, so some are idle and some are not.
    before = await carts(channelId);
    const ages = open
      .slice(4)
      .map((id) => (Date.now() - new Date(before.get(id)!.remote_updated_at!).getTime()) / 86_400_000)
      .sort((a, b) => a - b);
    const days = Math.max(1, Math.floor(ages[Math.floor(ages.length / 2)]!));
    await db.update(channels).set({ cartExpirationDays: days }).where(eq(channels.id, channelId));
    const cutoff = Date.now() - days * 86_400_000;
    const idle = open.slice(4).filter((id) => new Date(before.get(id)!.remote_updated_at!).getTime() < cutoff);

    expect(idle.length).toBeGreaterThan(0);
    expect(idle.length).toBeLessThan(open.length - 4);

    // Carts are reconciled at most hourly: let the initial sync's pass be two hours old.
    await db.execute(sql`UPDATE sync_checkpoints SET completed_at = now() - interval '2 hours'
      WHERE channel_id = ${channelId} AND connector = ${reconcileCheckpointName("carts")}`);
    const incremental = await runChannelSync({ db, channelId, mode: "incremental", trigger: "cli", client, pageSize: 100 });
    expect(incremental.status).toBe("succeeded");
    const after = await carts(channelId);
    for (const id of deleted) expect(after.get(id), `cart ${id}`).toMatchObject({ status: "expired", status_message: MISSING_MESSAGE });
    expect(after.get(lost)).toMatchObject({ status: "lost", status_message: "Lost by hand" });
    for (const id of idle) expect(after.get(id), `cart ${id}`).toMatchObject({ status: "expired", status_message: idleMessage(days) });
    for (const id of open.slice(4).filter((id) => !idle.includes(id))) expect(after.get(id)!.status, `cart ${id}`).toBe("open");
    // Nothing else moved: purchased/expired carts keep their status.
    for (const [id, row] of before) {
      if (row.status !== "open") expect(after.get(id)!.status, `cart ${id}`).toBe(row.status);
    }

    // The runner's hook: a forced pass reconciles again and finds nothing more to expire.
    const [fresh] = await db.select().from(channels).where(eq(channels.id, channelId));
    const stillActive = [...sim.store.carts.values()].filter((c) => c.isActive).length;
    expect(await reconcileAfterPass({ db, channel: fresh!, client, runId: incremental.id }, "carts", { force: true })).toEqual({
      connector: "carts",
      carts: { activeInMagento: stillActive, missing: 0, idle: 0 },
    });
  }, 30_000);
});
