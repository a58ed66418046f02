import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels, syncRuns } from "@/db/schema";
import { captureLogLines } from "@/lib/log";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { createChannelClient } from "@/lib/sync/channel-client";
import { dueChannels, startInProcessScheduler } from "@/lib/sync/runner";
import type { Connector } from "@/lib/sync/types";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// The channel's Magento client (both auth kinds, against the simulator) and the in-process scheduler.

let testDb: TestDatabase;
let sim: RunningSimulator;

const emptyConnector = (name: "stores" | "customers"): Connector => ({
  name,
  windowed: name !== "stores",
  async fetchPage(_ctx, { page }) {
    return { page, records: [], invalid: [], totalCount: 0, done: true };
  },
  async writePage() {
    return { created: 0, updated: 0, unchanged: 0, failed: [], maxUpdatedAt: null };
  },
});

beforeAll(async () => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  testDb = await createTestDatabase();
  sim = await startMagentoSimulator({ port: 0, seed: 3, customers: 5, orders: 5 });
});

afterAll(async () => {
  await sim?.close();
  await testDb?.drop();
});

describe("createChannelClient", () => {
  const base = { name: "c", storeCode: "default", maxRequestsPerSecond: 16, maxRequestsInFlight: 6 };

  it("talks to Magento with a bearer token", async () => {
    const client = createChannelClient({
      ...base,
      baseUrl: sim.baseUrl,
      credentialsEncrypted: sealCredentials({ type: "bearer", token: sim.adminToken }),
    });
    expect((await client.listWebsites()).length).toBeGreaterThan(0);
  });

  it("talks to Magento with OAuth 1.0a and counts requests", async () => {
    let requests = 0;
    const client = createChannelClient(
      { ...base, baseUrl: sim.baseUrl, credentialsEncrypted: sealCredentials({ type: "oauth1", ...sim.integration }) },
      { onRequest: () => requests++ },
    );
    expect((await client.listStoreViews()).length).toBeGreaterThan(0);
    expect(requests).toBe(1);
  });

  it("uses the channel's requests in flight as the budget's ceiling", async () => {
    const credentialsEncrypted = sealCredentials({ type: "bearer", token: sim.adminToken });
    const client = createChannelClient({
      ...base,
      maxRequestsInFlight: 3,
      maxRequestsPerSecond: 100,
      baseUrl: sim.baseUrl,
      credentialsEncrypted,
    });
    expect(client.transport.budget).toEqual({ inFlight: 0, limit: 3, max: 3, maxInFlightSeen: 0, decreases: 0 });
    await Promise.all(Array.from({ length: 8 }, () => client.listWebsites()));
    expect(client.transport.budget).toMatchObject({ inFlight: 0, limit: 3, max: 3, maxInFlightSeen: 3 });
  });

  it("refuses a channel without credentials", () => {
    expect(() => createChannelClient({ ...base, baseUrl: sim.baseUrl, credentialsEncrypted: null })).toThrow(/has no credentials/);
  });
});

describe("startInProcessScheduler", () => {
  it("syncs due channels once per interval, then waits", async () => {
    const [channel] = await testDb.db
      .insert(channels)
      .values({
        name: "due",
        baseUrl: sim.baseUrl,
        credentialsEncrypted: sealCredentials({ type: "bearer", token: "t" }),
        syncIntervalMinutes: 5,
      })
      .returning();
    await testDb.db.insert(channels).values({
      name: "paused",
      baseUrl: sim.baseUrl,
      credentialsEncrypted: sealCredentials({ type: "bearer", token: "t" }),
      active: false,
    });
    expect((await dueChannels(testDb.db)).map((c) => c.name)).toEqual(["due"]);

    const lines: string[] = [];
    const scheduler = startInProcessScheduler({
      db: testDb.db,
      intervalMs: 60_000,
      connectors: [emptyConnector("stores"), emptyConnector("customers")],
      log: (l) => lines.push(l),
    });
    await scheduler.tick();
    await scheduler.tick(); // not due any more
    await scheduler.stop();

    const runs = await testDb.db.select().from(syncRuns).where(eq(syncRuns.channelId, channel!.id));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: "schedule", mode: "initial", status: "succeeded" });
    expect(lines).toEqual([expect.stringMatching(/channel "due": initial sync #\d+ succeeded/)]);
    expect(await dueChannels(testDb.db, new Date(Date.now() + 6 * 60_000))).toHaveLength(1);
  });

  it("writes each finished sync to the server's JSON log with the channel's and the run's ids", async () => {
    const [channel] = await testDb.db
      .insert(channels)
      .values({ name: "logged", baseUrl: sim.baseUrl, credentialsEncrypted: sealCredentials({ type: "bearer", token: "t" }) })
      .returning();
    const log = captureLogLines();
    try {
      const scheduler = startInProcessScheduler({
        db: testDb.db,
        intervalMs: 60_000,
        connectors: [emptyConnector("stores"), emptyConnector("customers")],
      });
      await scheduler.tick();
      await scheduler.stop();
    } finally {
      log.restore();
    }
    const [run] = await testDb.db.select().from(syncRuns).where(eq(syncRuns.channelId, channel!.id));
    const records = log.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toContainEqual(
      expect.objectContaining({
        level: "info",
        component: "sync",
        channelId: channel!.id,
        runId: run!.id,
        msg: `channel "logged": initial sync #${run!.id} succeeded`,
      }),
    );
  });
});
