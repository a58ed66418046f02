import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { channels } from "@/db/schema";
import { createChannelSyncFunction } from "@/inngest/functions/channel-sync";
import { CHANNEL_SYNC_REQUESTED } from "@/lib/jobs/events";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { failRun, planShares, runChannelSync, startRun, syncNextPages, syncShare } from "@/lib/sync/runner";
import { getRun, statsOf } from "@/lib/sync/runs";
import type { Share } from "@/lib/sync/shares";
import type { ChannelRow } from "@/lib/sync/types";
import { startMagentoSimulator, type RunningSimulator, type SimulatorOptions } from "@/simulator";
import { runScript } from "@/tests/helpers/child-script";
import { inngestEngine } from "@/tests/helpers/inngest-engine";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { actual, duplicates, expected, rows } from "@/tests/helpers/sync-figures";

// A run's history fanned out over several workers (lib/sync/shares.ts), as the Inngest function
// runs it: shares as parallel steps, each with its part of the channel's budget, against the
// simulator, with the channel's own client (credentials, budget and rate from the channel row).

const sims: RunningSimulator[] = [];
const dbs: TestDatabase[] = [];

beforeAll(() => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
});

afterAll(async () => {
  for (const sim of sims) await sim.close();
  for (const db of dbs) await db.drop();
});

async function setup(options: SimulatorOptions, channel: { maxRequestsInFlight: number; latencyMs: number }) {
  const sim = await startMagentoSimulator({ port: 0, ...options });
  sims.push(sim);
  sim.control.addFaults({ latencyMs: channel.latencyMs });
  const testDb = await createTestDatabase();
  dbs.push(testDb);
  const [row] = await testDb.db
    .insert(channels)
    .values({
      name: `shares ${Math.random()}`,
      baseUrl: sim.baseUrl,
      credentialsEncrypted: sealCredentials({ type: "bearer", token: sim.adminToken }),
      maxRequestsInFlight: channel.maxRequestsInFlight,
      maxRequestsPerSecond: 100,
    })
    .returning();
  return { sim, testDb, channel: row! as ChannelRow };
}

/** Drives a run the way the Inngest function does, with `runShares` running each round's shares. */
async function driveRun(db: Db, runId: number, runShares: (shares: Share[]) => Promise<void>): Promise<{ rounds: Share[][] }> {
  const rounds: Share[][] = [];
  for (let round = 0; round < 200; round++) {
    const shares = await planShares({ db, runId });
    if (shares) {
      rounds.push(shares);
      await runShares(shares);
      continue;
    }
    const step = await syncNextPages({ db, runId, maxPages: 20, pageSize: 10 });
    if (step.done) return { rounds };
  }
  throw new Error("the run did not finish in 200 rounds");
}

describe("a run fanned out over workers (shares)", () => {
  it("splits the history and the budget: every record once, never more requests in flight than the channel's budget", async () => {
    const { sim, testDb, channel } = await setup({ seed: 211, customers: 120, orders: 600 }, { maxRequestsInFlight: 8, latencyMs: 40 });
    const { db } = testDb;
    const run = await startRun(db, { channelId: channel.id, mode: "initial", trigger: "cli" });
    const budgets: NonNullable<Awaited<ReturnType<typeof getRun>>>["requestBudget"][] = [];
    const { rounds } = await driveRun(db, run.id, async (shares) => {
      await Promise.all(shares.map((share) => syncShare({ db, runId: run.id, share, maxPages: 20, pageSize: 10 })));
      budgets.push((await getRun(db, run.id))?.requestBudget ?? null);
    });

    // Two shares of four requests each (REQUESTS_PER_SHARE), between them every lane.
    expect(rounds.length).toBeGreaterThan(0);
    expect(rounds[0]!.map((s) => s.inFlight)).toEqual([4, 4]);
    expect(rounds[0]!.every((s) => s.requestsPerSecond === 50)).toBe(true);
    const finished = (await getRun(db, run.id))!;
    expect(finished.status).toBe("succeeded");
    expect(await actual(db, channel.id)).toEqual(expected(sim));
    expect(await duplicates(db, channel.id)).toBe(0);
    // Both shares pressed at once, and all of them together never above the channel's budget.
    const { maxConcurrent } = sim.control.requests(1);
    expect(maxConcurrent).toBeGreaterThan(4);
    expect(maxConcurrent).toBeLessThanOrEqual(8);
    // The figures add up across the shares; the subscriptions rode on the customers pages.
    expect(statsOf(finished, "orders").fetched).toBe(sim.store.orders.size);
    expect(statsOf(finished, "customers").fetched).toBe(sim.store.customers.size);
    expect(statsOf(finished, "newsletter_subscribers")).toMatchObject({ requests: 0, fetched: sim.store.customers.size });
    // During a round the channel page's budget is the sum of both shares' reports: the channel's 8.
    expect(budgets.some((b) => Object.keys(b?.shares ?? {}).length === 2 && b?.max === 8)).toBe(true);
    // Nothing left behind: no share's lease row holds the channel, and the next sync starts at once.
    const held = await rows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM sync_checkpoints WHERE channel_id = ${channel.id} AND connector LIKE '\_\_lease%' AND cursor IS NOT NULL`,
    );
    expect(held[0]!.n).toBe(0);
  }, 60_000);

  it("a share whose worker is killed with SIGKILL (×5) is run again, as Inngest retries it; counts end exact", async () => {
    const { sim, testDb, channel } = await setup({ seed: 212, customers: 60, orders: 600 }, { maxRequestsInFlight: 8, latencyMs: 400 });
    const { db } = testDb;
    const run = await startRun(db, { channelId: channel.id, mode: "initial", trigger: "cli" });
    let killed = 0;
    let retried = 0;
    const { rounds } = await driveRun(db, run.id, async (shares) => {
      await Promise.all(
        shares.map(async (share) => {
          for (let attempt = 0; attempt < 30; attempt++) {
            // Share 0's worker dies at a random moment until it has died five times.
            // (A worker takes about a second to start: the kill lands while it pages.)
            const kill = share.index === 0 && killed < 5 ? 1200 + Math.floor(Math.random() * 1500) : undefined;
            const result = await runShareChild({ DATABASE_URL: testDb.url, RUN_ID: String(run.id), SHARE: JSON.stringify(share) }, kill);
            if (result.signal === "SIGKILL") {
              killed++;
              retried++;
              continue;
            }
            if (result.code === BUSY_EXIT_CODE) {
              // The killed worker's lock is gone with its connection; Postgres may take a moment to notice.
              await new Promise((resolve) => setTimeout(resolve, 50));
              continue;
            }
            expect(result.code, `${result.stderr}\n${result.stdout}`).toBe(0);
            return;
          }
          throw new Error(`share ${share.index} never completed`);
        }),
      );
    });
    expect(rounds.length).toBeGreaterThan(0);
    expect(killed, "the shares finished before share 0 was killed 5 times").toBe(5);
    expect(retried).toBe(5);
    const finished = (await getRun(db, run.id))!;
    expect(finished.status).toBe("succeeded");
    expect(await actual(db, channel.id)).toEqual(expected(sim));
    expect(await duplicates(db, channel.id)).toBe(0);
    expect(sim.control.requests(1).maxConcurrent).toBeLessThanOrEqual(8);
  }, 180_000);

  it("records created and edited while the shares walk the history arrive by the end of the next incremental run", async () => {
    const { sim, testDb, channel } = await setup({ seed: 215, customers: 60, orders: 300 }, { maxRequestsInFlight: 8, latencyMs: 10 });
    const { db } = testDb;
    const run = await startRun(db, { channelId: channel.id, mode: "initial", trigger: "cli" });
    let ticks = 0;
    let createdOrders = 0;
    const onProgress = (p: { connector: string }) => {
      if (p.connector === "stores") return;
      ticks++;
      // Magento goes on while the shares page: new orders, carts and customers, edits, orders moving on.
      const t = sim.control.tick({ newOrders: 2, newCarts: 1, newCustomers: 1, editCustomers: 2, progressOrders: 3 });
      createdOrders += t.created.orders.length;
    };
    const { rounds } = await driveRun(db, run.id, async (shares) => {
      await Promise.all(shares.map((share) => syncShare({ db, runId: run.id, share, maxPages: 10, pageSize: 10, onProgress })));
    });
    expect(rounds.length).toBeGreaterThan(1);
    expect(ticks).toBeGreaterThan(10);
    expect(createdOrders).toBeGreaterThan(0);
    expect((await getRun(db, run.id))?.status).toBe("succeeded");
    const next = await runChannelSync({ db, channelId: channel.id, mode: "incremental", trigger: "cli", pageSize: 10 });
    expect(next.status).toBe("succeeded");
    expect(await actual(db, channel.id)).toEqual(expected(sim));
    expect(await duplicates(db, channel.id)).toBe(0);
  }, 60_000);

  it("a share of a run that was given up on stops without writing (no retries for nothing)", async () => {
    const { testDb, channel } = await setup({ seed: 214, customers: 40, orders: 200 }, { maxRequestsInFlight: 8, latencyMs: 0 });
    const { db } = testDb;
    const run = await startRun(db, { channelId: channel.id, mode: "initial", trigger: "cli" });
    await syncNextPages({ db, runId: run.id, maxPages: 2, pageSize: 10 });
    const shares = await planShares({ db, runId: run.id });
    expect(shares).toHaveLength(2);
    // Inngest gives up on the run (another step failed for good) while this share works: it stops within a page or two.
    let givenUp: Promise<void> | null = null;
    const working = await syncShare({
      db,
      runId: run.id,
      share: shares![0]!,
      pageSize: 10,
      onProgress: () => {
        givenUp ??= failRun(db, run.id, "Inngest gave up: test");
      },
    });
    await givenUp;
    expect(working.stopped).toBe(true);
    expect(working.pages).toBeLessThanOrEqual(3);
    const before = await actual(db, channel.id);
    // Its retry, or another share's step, finds the run over and writes nothing.
    await expect(syncShare({ db, runId: run.id, share: shares![1]!, pageSize: 10 })).resolves.toEqual({ pages: 0, stopped: true });
    expect(await actual(db, channel.id)).toEqual(before);
    expect(await planShares({ db, runId: run.id })).toBeNull();
  });

  it("the Inngest function runs the shares as parallel steps and finishes the run", async () => {
    const { sim, testDb, channel } = await setup({ seed: 213, customers: 80, orders: 300 }, { maxRequestsInFlight: 8, latencyMs: 5 });
    const { db } = testDb;
    const fn = createChannelSyncFunction({ db: async () => db, runner: { pageSize: 10 } });
    // Inngest runs each parallel step once; the test engine would start a share twice (inngestEngine).
    const { t, stepRun } = inngestEngine(fn, { stepsOnce: true });
    const { result } = await t.execute({
      events: [{ name: CHANNEL_SYNC_REQUESTED, data: { channelId: channel.id, mode: "initial", trigger: "manual" } }],
    });
    expect(result).toMatchObject({ status: "succeeded" });
    const names = stepRun.mock.calls.map(([name]) => name as string);
    expect(names).toContain("sync-share-1-0");
    expect(names).toContain("sync-share-1-1");
    expect(await actual(db, channel.id)).toEqual(expected(sim));
    expect(await duplicates(db, channel.id)).toBe(0);
  }, 60_000);
});

const BUSY_EXIT_CODE = 75;

/** One share in a process of its own (tests/integration/fixtures/share-child.ts), killed with SIGKILL after `killAfterMs`. */
const runShareChild = (env: Record<string, string>, killAfterMs?: number) =>
  runScript("tests/integration/fixtures/share-child.ts", env, killAfterMs);
