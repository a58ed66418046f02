import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels, syncRuns } from "@/db/schema";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { SHUTDOWN_GRACE_MS } from "@/lib/shutdown";
import { runChannelSync } from "@/lib/sync/runner";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { actual, duplicates, expected, rows } from "@/tests/helpers/sync-figures";
import { processAlive as alive } from "@/tests/helpers/child-script";

// Graceful shutdown (lib/shutdown.ts): SIGTERM while the in-process scheduler is writing a sync's
// pages. The process finishes the page in hand, closes the database and exits by itself, well
// within the grace period; nothing written is lost, and the next sync ends with the store's exact counts.

let testDb: TestDatabase;
let sim: RunningSimulator;
type ChannelRow = typeof channels.$inferSelect;
let channel: ChannelRow;

beforeAll(async () => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  testDb = await createTestDatabase();
  sim = await startMagentoSimulator({ port: 0, seed: 2020, customers: 300, orders: 1500 });
  [channel] = (await testDb.db
    .insert(channels)
    .values({
      name: "Shutdown store",
      baseUrl: sim.baseUrl,
      maxRequestsPerSecond: 100,
      credentialsEncrypted: sealCredentials({ type: "bearer", token: sim.adminToken }),
    })
    .returning()) as [ChannelRow];
});

afterAll(async () => {
  await sim?.close();
  await testDb?.drop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function storedRecords(): Promise<number> {
  const [row] = await rows<{ n: string }>(
    testDb.db,
    sql`select ((select count(*) from magento_customers where channel_id = ${channel.id})
              + (select count(*) from magento_orders where channel_id = ${channel.id}))::text as n`,
  );
  return Number(row!.n);
}

describe("graceful shutdown", () => {
  it("SIGTERM mid-sync: the page in hand commits, the process exits on its own, the next sync ends with exact counts", async () => {
    // A slow store: every page takes a while, so the signal lands while pages are in flight.
    sim.control.addFaults({ latencyMs: 400 });
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve("tests/integration/fixtures/shutdown-child.ts")], {
      env: { ...process.env, DATABASE_URL: testDb.url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("exit", (code, signal) => resolve({ code, signal })),
    );

    // Wait until the sync has written some records and is still running.
    const deadline = Date.now() + 60_000;
    while ((await storedRecords()) === 0) {
      if (Date.now() > deadline) throw new Error(`the sync wrote nothing within 60 s:\n${output}`);
      await sleep(100);
    }
    const [running] = await testDb.db.select().from(syncRuns).where(eq(syncRuns.channelId, channel.id));
    expect(running?.status).toBe("running");

    const signalledAt = Date.now();
    child.kill("SIGTERM");
    const result = await exited;
    const took = Date.now() - signalledAt;

    // Exit 0: every stop hook finished within the grace period (exit 1 would mean it gave up).
    expect(result, output).toEqual({ code: 0, signal: null });
    expect(took).toBeLessThan(SHUTDOWN_GRACE_MS);
    expect(alive(child.pid!)).toBe(false);
    expect(output).toContain("[shutdown] SIGTERM");
    // The run stopped cleanly (not left "running" for a takeover) and released the channel.
    const [stopped] = await testDb.db.select().from(syncRuns).where(eq(syncRuns.id, running!.id));
    expect(stopped?.status).toBe("canceled");
    const written = await storedRecords();
    expect(written).toBeGreaterThan(0);

    // The next sync continues from the checkpoints and ends with exactly the store's records.
    sim.control.clearFaults();
    const next = await runChannelSync({ db: testDb.db, channelId: channel.id, mode: "initial", trigger: "cli" });
    expect(next.status).toBe("succeeded");
    expect(await actual(testDb.db, channel.id)).toEqual(expected(sim));
    expect(await duplicates(testDb.db, channel.id)).toBe(0);
  }, 120_000);
});
