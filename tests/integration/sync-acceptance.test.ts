import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { channels } from "@/db/schema";
import { createMagentoClient, type MagentoClient } from "@/lib/magento/client";
import { startMagentoSimulator, storeFigures, type RunningSimulator, type SimulatorOptions, type StoreFigures } from "@/simulator";
import { channelBusyMessage, holdChannel, LEASE_CONNECTOR, leaseHolder, SyncBusyError } from "@/lib/sync/lease";
import { runChannelSync, startRun } from "@/lib/sync/runner";
import { getRun, statsOf, warningCount } from "@/lib/sync/runs";
import type { ChannelRow } from "@/lib/sync/types";
import { runScript, spawnScript, type ChildResult } from "@/tests/helpers/child-script";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { actual, cents, duplicates, expected, rows } from "@/tests/helpers/sync-figures";

// The "done when", end to end: the real runner and connectors against the in-process
// Magento simulator, compared with the simulator's own data.

const sims: RunningSimulator[] = [];
const dbs: TestDatabase[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const sim of sims) await sim.close();
  for (const db of dbs) await db.drop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function simulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const sim = await startMagentoSimulator({ port: 0, ...options });
  sims.push(sim);
  return sim;
}

async function postgresDb(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  dbs.push(db);
  return db;
}

function clientFor(sim: RunningSimulator, concurrency?: number): MagentoClient {
  return createMagentoClient({
    baseUrl: sim.baseUrl,
    auth: { type: "bearer", token: sim.adminToken },
    requestsPerSecond: null,
    ...(concurrency ? { concurrency } : {}),
    maxRetries: 8,
    backoff: { baseDelayMs: 10, maxDelayMs: 50 },
  });
}

/** A channel with no sync start date: the initial walk covers all of the store's history. */
async function makeChannel(db: Db, sim: RunningSimulator, maxRequestsInFlight?: number): Promise<ChannelRow> {
  const [channel] = await db
    .insert(channels)
    .values({ name: `sim ${Math.random()}`, baseUrl: sim.baseUrl, ...(maxRequestsInFlight ? { maxRequestsInFlight } : {}) })
    .returning();
  if (!channel) throw new Error("channel not inserted");
  return channel;
}

/** Decimal text as storeFigures writes it: trailing zeros trimmed, at least cents ("12.5" → "12.50"). */
function decimalText(text: string): string {
  const [whole, fraction = ""] = text.split(".");
  return `${whole}.${fraction.replace(/0+$/, "").padEnd(2, "0")}`;
}

/** The portal's figures for a channel, in the shape of the simulator's own (storeFigures). */
async function portalFigures(db: Db, channelId: number): Promise<StoreFigures> {
  const [row] = await rows<Record<string, string>>(
    db,
    sql`
    SELECT
      (SELECT count(*) FROM magento_customers WHERE channel_id = ${channelId} AND NOT is_guest)::text AS customers,
      (SELECT count(*) FROM magento_newsletter_subscribers WHERE channel_id = ${channelId} AND status = 'subscribed')::text AS subscribers,
      (SELECT count(*) FROM magento_orders WHERE channel_id = ${channelId})::text AS orders,
      (SELECT count(*) FROM magento_orders WHERE channel_id = ${channelId} AND is_guest)::text AS guest_orders,
      (SELECT count(*) FROM magento_orders WHERE channel_id = ${channelId} AND NOT is_guest)::text AS registered_orders,
      (SELECT coalesce(sum(grand_total), 0)::numeric(20, 2)::text FROM magento_orders WHERE channel_id = ${channelId}) AS grand_total,
      (SELECT coalesce(sum(base_grand_total), 0)::numeric(20, 2)::text FROM magento_orders WHERE channel_id = ${channelId}) AS base_grand_total,
      (SELECT coalesce(sum(base_grand_total * base_to_global_rate), 0)::text FROM magento_orders WHERE channel_id = ${channelId}) AS global_grand_total,
      (SELECT count(*) FROM magento_order_items WHERE channel_id = ${channelId} AND parent_item_origin_id IS NULL)::text AS visible_lines,
      (SELECT count(*) FROM magento_order_items WHERE channel_id = ${channelId})::text AS item_rows,
      (SELECT count(*) FROM magento_order_items WHERE channel_id = ${channelId} AND product_type = 'configurable')::text AS configurable_lines,
      (SELECT count(*) FROM magento_carts WHERE channel_id = ${channelId})::text AS carts,
      (SELECT count(*) FROM magento_carts WHERE channel_id = ${channelId} AND is_active)::text AS active,
      (SELECT count(*) FROM magento_carts WHERE channel_id = ${channelId} AND NOT is_active)::text AS inactive,
      (SELECT count(*) FROM magento_carts WHERE channel_id = ${channelId} AND status = 'purchased')::text AS purchased,
      (SELECT count(*) FROM magento_carts WHERE channel_id = ${channelId} AND is_guest)::text AS guest_carts,
      (SELECT count(*) FROM magento_credit_memos WHERE channel_id = ${channelId})::text AS memos,
      (SELECT count(*) FROM magento_credit_memo_items WHERE channel_id = ${channelId})::text AS memo_items`,
  );
  const n = (key: string) => Number(row![key]);
  return {
    customers: n("customers"),
    newsletterSubscribers: n("subscribers"),
    orders: {
      total: n("orders"),
      guest: n("guest_orders"),
      registered: n("registered_orders"),
      grandTotal: row!.grand_total!,
      baseGrandTotal: row!.base_grand_total!,
      globalGrandTotal: decimalText(row!.global_grand_total!),
      visibleLines: n("visible_lines"),
      itemRows: n("item_rows"),
      configurableLines: n("configurable_lines"),
    },
    carts: { total: n("carts"), active: n("active"), inactive: n("inactive"), purchased: n("purchased"), guest: n("guest_carts") },
    creditMemos: n("memos"),
    creditMemoItemRows: n("memo_items"),
  };
}

/** The run and the portal against the simulator's own figures: every record kept, none refused or doubtful. */
async function expectSimulatorFigures(
  db: Db,
  sim: RunningSimulator,
  channelId: number,
  run: { status: string; errorCount: number; stats: Record<string, unknown> },
) {
  expect(run.status).toBe("succeeded");
  expect(run.errorCount).toBe(0);
  expect(warningCount(run as Parameters<typeof warningCount>[0])).toBe(0);
  const want = storeFigures(sim.store);
  expect(await portalFigures(db, channelId)).toEqual(want);
  // The store has the shapes under test: guest carts, configurable lines, region-less addresses, memo items without cost.
  expect(want.carts.guest).toBeGreaterThan(0);
  expect(want.orders.configurableLines).toBeGreaterThan(0);
  const [shapes] = await rows<{ regionless: string; anonymous_guest_carts: string }>(
    db,
    sql`
    SELECT (SELECT count(*) FROM magento_customer_addresses a JOIN magento_customers c ON c.id = a.customer_id
            WHERE c.channel_id = ${channelId} AND a.country_id IN ('NL', 'DK', 'LU') AND a.region IS NULL)::text AS regionless,
           (SELECT count(*) FROM magento_carts WHERE channel_id = ${channelId} AND is_guest AND customer_email IS NULL)::text AS anonymous_guest_carts`,
  );
  expect(Number(shapes!.regionless)).toBeGreaterThan(0);
  expect(Number(shapes!.anonymous_guest_carts)).toBeGreaterThan(0);
}

describe("sync acceptance: a full sync equals the simulator", () => {
  it("on Postgres", async () => {
    // The default store: Magento's own nulls, guest carts, configurable lines, refunds.
    const sim = await simulator({ seed: 101, customers: 300, orders: 900 });
    const { db } = await postgresDb();
    const channel = await makeChannel(db, sim);
    const run = await runChannelSync({ db, channelId: channel.id, mode: "initial", trigger: "cli", client: clientFor(sim), pageSize: 50 });
    await expectSimulatorFigures(db, sim, channel.id, run);
    const want = expected(sim);
    expect(await actual(db, channel.id)).toEqual(want);
    expect(want.byState).toEqual(sim.control.state().orders.byState);
    expect(want.guestOrders).toBeGreaterThan(0);
    expect(want.purchased).toBeGreaterThan(0);
    expect(await duplicates(db, channel.id)).toBe(0);
  }, 30_000);

  it("on PGlite", async () => {
    const sim = await simulator({ seed: 102, customers: 120, orders: 400 });
    const dir = mkdtempSync(path.join(os.tmpdir(), "sync-acceptance-pglite-"));
    dirs.push(dir);
    const handle = await openDatabase({ pgliteDir: dir });
    try {
      await migrateDatabase(handle.db, "pglite");
      const channel = await makeChannel(handle.db, sim);
      const run = await runChannelSync({
        db: handle.db,
        channelId: channel.id,
        mode: "initial",
        trigger: "cli",
        client: clientFor(sim),
        pageSize: 50,
      });
      await expectSimulatorFigures(handle.db, sim, channel.id, run);
      expect(await actual(handle.db, channel.id)).toEqual(expected(sim));
      expect(await duplicates(handle.db, channel.id)).toBe(0);
    } finally {
      await handle.close();
    }
  }, 30_000);
});

describe("sync acceptance: faults", () => {
  it("completes as partial with exactly the 3 malformed records in sync_errors and everything else saved", async () => {
    const sim = await simulator({ seed: 103, customers: 30, orders: 120 });
    const { db } = await postgresDb();
    const channel = await makeChannel(db, sim);
    const pageSize = 20;
    // Three orders spread over the walk, each broken on whichever page carries it (and its retries).
    const orderIds = [...sim.store.orders.keys()].sort((a, b) => a - b);
    const brokenIds = [orderIds[10]!, orderIds[55]!, orderIds[100]!];
    sim.control.addFaults(brokenIds.map((id) => ({ path: "/V1/orders", malformed: { field: "grand_total", mode: "null" as const, id } })));
    sim.control.addFaults([
      { status: 500, percent: 5 },
      { status: 429, retryAfter: 1, percent: 2 },
      { latencyMs: 15, percent: 30 },
      // At least one of each for sure, whatever the seeded percentages pick.
      { path: "/V1/customers", status: 429, retryAfter: 1, times: 1 },
      { path: "/V1/orders", status: 500, times: 2 },
    ]);
    const run = await runChannelSync({ db, channelId: channel.id, mode: "initial", trigger: "cli", client: clientFor(sim), pageSize });
    sim.control.clearFaults();
    expect(run.status).toBe("partial");
    expect(run.errorCount).toBe(3);

    const errors = await rows<{ connector: string; origin_id: string; field: string; message: string }>(
      db,
      sql`
      SELECT connector, origin_id, field, message FROM sync_errors WHERE run_id = ${run.id} ORDER BY origin_id::bigint`,
    );
    expect(errors).toEqual(
      brokenIds.map((id) => ({
        connector: "orders",
        origin_id: String(id),
        field: "grand_total",
        message: expect.stringContaining("grand_total") as string,
      })),
    );

    const want = expected(sim);
    const got = await actual(db, channel.id);
    expect(got.orders).toBe(want.orders - 3);
    expect({ ...got, orders: 0, grandTotalCents: 0, byState: {}, guestOrders: 0, purchased: 0 }).toEqual({
      ...want,
      orders: 0,
      grandTotalCents: 0,
      byState: {},
      guestOrders: 0,
      purchased: 0,
    });
    const kept = [...sim.store.orders.values()].filter((o) => !brokenIds.includes(o.entityId));
    expect(got.grandTotalCents).toBe(kept.reduce((sum, o) => sum + cents(sim.store.orderColumns(o).grand_total), 0));
    const stored = await rows<{ origin_id: string }>(db, sql`SELECT origin_id::text FROM magento_orders WHERE channel_id = ${channel.id}`);
    expect(new Set(stored.map((r) => Number(r.origin_id)))).toEqual(new Set(kept.map((o) => o.entityId)));
    expect(await duplicates(db, channel.id)).toBe(0);
    const { byStatus } = sim.control.requests();
    expect(byStatus["500"]).toBeGreaterThan(0);
    expect(byStatus["429"]).toBeGreaterThan(0);
  }, 30_000);
});

/** tests/integration/fixtures/sync-child.ts exits with this when another run holds the channel's lease. */
const BUSY_EXIT_CODE = 75;

type Child = ChildResult;

/** tests/integration/fixtures/sync-child.ts in a process of its own. */
const SYNC_CHILD = "tests/integration/fixtures/sync-child.ts";
const spawnChild = (env: Record<string, string>) => spawnScript(SYNC_CHILD, env);
/** Runs the child to its end; kills it with SIGKILL after `killAfterMs` when given. */
const runChild = (env: Record<string, string>, killAfterMs?: number) => runScript(SYNC_CHILD, env, killAfterMs);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("sync acceptance: kill -9 and resume", () => {
  it("ends with the simulator's counts and no duplicates after repeated SIGKILLs", async () => {
    const sim = await simulator({ seed: 104, customers: 60, orders: 600 });
    // ~10 s of syncing to kill into (about 150 pages of 10 at 250 ms each, four at a time), whatever the machine's speed.
    sim.control.addFaults({ latencyMs: 250 });
    const testDb = await postgresDb();
    const { db } = testDb;
    // Four requests in flight: the lanes of a connector (and the connectors) page at once, so a
    // kill lands between pages of several lanes written in any order.
    const channel = await makeChannel(db, sim, 4);
    const env = {
      DATABASE_URL: testDb.url,
      SIM_URL: sim.baseUrl,
      SIM_TOKEN: sim.adminToken,
      CHANNEL_ID: String(channel.id),
      PAGE_SIZE: "10",
      IN_FLIGHT: "4",
    };
    // The run to continue: a killed run stays "running" (its lease died with its process);
    // continuing it by id claims the lease again as the same owner.
    // A killed child's last COMMIT may still be on its way into Postgres when the child is gone:
    // a lease without a visible open run means that commit is about to land, so look again.
    const openRun = async (): Promise<Record<string, string>> => {
      for (let look = 0; look < 100; look++) {
        const found = await rows<{ id: string }>(
          db,
          sql`
          SELECT id::text FROM sync_runs WHERE channel_id = ${channel.id} AND status IN ('queued', 'running') ORDER BY id DESC LIMIT 1`,
        );
        if (found[0]) return { RUN_ID: found[0].id };
        const lease = await rows<{ n: number }>(
          db,
          sql`
          SELECT count(*)::int AS n FROM sync_checkpoints WHERE channel_id = ${channel.id} AND connector = '__lease' AND cursor IS NOT NULL`,
        );
        if (lease[0]?.n === 0) return {};
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return {};
    };
    // A killed child's COMMIT can also land after openRun looked (no lease, no run yet): the next
    // child then finds the channel busy and exits with BUSY_EXIT_CODE; look again and continue that run.
    const continueRun = async (killAfterMs?: number): Promise<Child> => {
      for (let tries = 0; ; tries++) {
        const result = await runChild({ ...env, ...(await openRun()) }, killAfterMs);
        if (result.code !== BUSY_EXIT_CODE || tries >= 20) return result;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    let killed = 0;
    for (let attempt = 0; attempt < 12 && killed < 5; attempt++) {
      const result = await continueRun(300 + Math.floor(Math.random() * 1700));
      if (result.signal === "SIGKILL") killed++;
      else {
        expect(result.code, `${result.stderr}\n${result.stdout}`).toBe(0);
        break; // finished before the kill landed: nothing left to interrupt
      }
    }
    expect(killed, "the sync finished before it was killed 5 times").toBeGreaterThanOrEqual(5);

    const last = await continueRun();
    expect(last.code, `${last.stderr}\n${last.stdout}`).toBe(0);
    expect(JSON.parse(last.stdout.trim().split("\n").pop()!)).toMatchObject({ status: "succeeded" });

    expect(await actual(db, channel.id)).toEqual(expected(sim));
    expect(await duplicates(db, channel.id)).toBe(0);
    const runs = await rows<{ status: string }>(
      db,
      sql`SELECT status FROM sync_runs WHERE channel_id = ${channel.id} AND status <> 'failed'`,
    );
    expect(runs.map((r) => r.status)).toEqual(["succeeded"]);
    // Several requests were in flight at once, never more than the budget.
    const { maxConcurrent } = sim.control.requests(1);
    expect(maxConcurrent).toBeGreaterThanOrEqual(3);
    expect(maxConcurrent).toBeLessThanOrEqual(4);
  }, 120_000);

  it("a sync process killed with SIGKILL frees its channel at once: a new sync takes over within seconds, resumes and completes", async () => {
    const sim = await simulator({ seed: 109, customers: 60, orders: 400 });
    // Slow enough that the child is still at work when it is killed.
    sim.control.addFaults({ latencyMs: 60 });
    const testDb = await postgresDb();
    const { db } = testDb;
    const channel = await makeChannel(db, sim);
    const child = spawnChild({
      DATABASE_URL: testDb.url,
      SIM_URL: sim.baseUrl,
      SIM_TOKEN: sim.adminToken,
      CHANNEL_ID: String(channel.id),
      PAGE_SIZE: "10",
    });
    try {
      // The child holds the channel and has written pages.
      let runId = 0;
      for (let look = 0; look < 400 && !runId; look++) {
        const [open] = await rows<{ id: string; pages: number }>(
          db,
          sql`
          SELECT id::text, (SELECT coalesce(sum((value->>'pages')::int), 0) FROM jsonb_each(stats))::int AS pages
          FROM sync_runs WHERE channel_id = ${channel.id} AND status = 'running'`,
        );
        if (open && open.pages > 2) runId = Number(open.id);
        else await sleep(50);
      }
      expect(runId, "the child never got to work").toBeGreaterThan(0);

      // Meanwhile another sync is refused in words that name the holder and its time.
      const refused = await runChannelSync({
        db,
        channelId: channel.id,
        mode: "initial",
        trigger: "cli",
        client: clientFor(sim),
        pageSize: 10,
      }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(SyncBusyError);
      expect(channelBusyMessage(channel.name, (refused as SyncBusyError).holder)).toMatch(
        new RegExp(
          `^A sync of "${channel.name}" is already running: sync #${runId} on ${os.hostname()} \\(process ${child.pid}\\) since \\d\\d \\w+ \\d{4}, \\d\\d:\\d\\d UTC, ` +
            "still running — last heartbeat \\d+ s ago\\. Try again when it has finished\\.$",
        ),
      );

      child.kill();
      const killedAt = Date.now();
      expect((await child.exited).signal).toBe("SIGKILL");
      sim.control.clearFaults();

      // A new sync (not the dead run continued by id) takes the channel over within seconds.
      let firstPageAt = 0;
      let run;
      for (;;) {
        try {
          run = await runChannelSync({
            db,
            channelId: channel.id,
            mode: "initial",
            trigger: "cli",
            client: clientFor(sim),
            pageSize: 10,
            onProgress: () => (firstPageAt ||= Date.now()),
          });
          break;
        } catch (error) {
          if (!(error instanceof SyncBusyError) || Date.now() - killedAt > 10_000) throw error;
          await sleep(100);
        }
      }
      expect(firstPageAt - killedAt).toBeLessThan(5_000);
      expect(run.id).not.toBe(runId);
      expect(run.status).toBe("succeeded");
      // It resumed from the dead run's checkpoints: nothing lost, nothing doubled.
      expect(await actual(db, channel.id)).toEqual(expected(sim));
      expect(await duplicates(db, channel.id)).toBe(0);
      expect((await getRun(db, runId))!).toMatchObject({
        status: "failed",
        errorMessage: expect.stringMatching(/^Stopped without finishing/) as string,
      });
      expect(await leaseHolder(db, channel.id)).toBeNull();
    } finally {
      child.kill();
    }
  }, 90_000);

  it("on PGlite a lease left by a process that ended holds nothing: the next sync starts at once; a live one of this process refuses", async () => {
    const sim = await simulator({ seed: 110, customers: 20, orders: 40 });
    const dir = mkdtempSync(path.join(os.tmpdir(), "sync-acceptance-pglite-lease-"));
    dirs.push(dir);
    const handle = await openDatabase({ pgliteDir: dir });
    try {
      const db = handle.db;
      await migrateDatabase(db, "pglite");
      const channel = await makeChannel(db, sim);
      // The portal process was killed mid-sync: its run is still "running" and its lease row looks fresh.
      const [dead] = await rows<{ id: string }>(
        db,
        sql`
        INSERT INTO sync_runs (channel_id, mode, trigger, status, started_at, heartbeat_at) VALUES (${channel.id}, 'initial', 'cli', 'running', now(), now()) RETURNING id::text`,
      );
      await db.execute(sql`INSERT INTO sync_checkpoints (channel_id, connector, mode, cursor) VALUES (${channel.id}, ${LEASE_CONNECTOR}, 'initial',
        jsonb_build_object('owner', 'run:' || ${dead!.id}, 'token', 'earlier', 'since', now(), 'heartbeatAt', now(), 'host', 'portal', 'pid', 4242,
          'instance', 'an-earlier-process', 'backendPid', null, 'parked', false, 'expiresAt', now() + interval '5 minutes'))`);
      const run = await runChannelSync({
        db,
        channelId: channel.id,
        mode: "initial",
        trigger: "cli",
        client: clientFor(sim),
        pageSize: 50,
      });
      expect(run.status).toBe("succeeded");
      expect(await actual(db, channel.id)).toEqual(expected(sim));
      expect((await getRun(db, Number(dead!.id)))!.status).toBe("failed");
      // A holder of this very process is alive: refused, naming it.
      const hold = await holdChannel(db, channel.id, "retry:abc");
      try {
        const refused = await runChannelSync({
          db,
          channelId: channel.id,
          mode: "incremental",
          trigger: "cli",
          client: clientFor(sim),
        }).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(SyncBusyError);
        expect(channelBusyMessage(channel.name, (refused as SyncBusyError).holder)).toMatch(
          /^Failed records of ".+" are being retried: a retry of failed records on .+ since .+ UTC, still running — last heartbeat \d+ s ago\. Try again when it has finished\.$/,
        );
      } finally {
        await hold.end();
      }
    } finally {
      await handle.close();
    }
  }, 60_000);

  it("a run created for its first step (Inngest) keeps the channel until its step gap ends; continuing it by id works at once", async () => {
    const sim = await simulator({ seed: 108, customers: 20, orders: 40 });
    const { db } = await postgresDb();
    const channel = await makeChannel(db, sim);
    const client = clientFor(sim);
    // Created and parked for its first step, which never came (no process holds it).
    const dead = await startRun(db, { channelId: channel.id, mode: "initial", trigger: "cli" });
    await expect(runChannelSync({ db, channelId: channel.id, mode: "initial", trigger: "cli", client })).rejects.toBeInstanceOf(
      SyncBusyError,
    );
    // Time passing, simulated: the parked lease's expiry moved into the past.
    await db.execute(sql`UPDATE sync_checkpoints SET cursor = jsonb_set(cursor, '{expiresAt}', to_jsonb('2000-01-01T00:00:00.000Z'::text))
      WHERE channel_id = ${channel.id} AND connector = ${LEASE_CONNECTOR}`);
    const fresh = await runChannelSync({ db, channelId: channel.id, mode: "initial", trigger: "cli", client });
    expect(fresh.status).toBe("succeeded");
    expect(await actual(db, channel.id)).toEqual(expected(sim));
    // The takeover marked the dead run failed, saying why.
    expect((await getRun(db, dead.id))!).toMatchObject({
      status: "failed",
      errorMessage: expect.stringMatching(/^Stopped without finishing/) as string,
    });
    // Continuing a parked run by id needs no expiry: it claims the lease as the same owner.
    const again = await startRun(db, { channelId: channel.id, mode: "incremental", trigger: "cli" });
    const resumed = await runChannelSync({ db, channelId: channel.id, mode: "incremental", trigger: "cli", client, runId: again.id });
    expect(resumed.status).toBe("succeeded");
  }, 30_000);
});

describe("sync acceptance: changes during a sync", () => {
  it("records created and edited while the initial sync runs arrive by the end of the next incremental run", async () => {
    const sim = await simulator({ seed: 105, customers: 40, orders: 150 });
    const { db } = await postgresDb();
    const channel = await makeChannel(db, sim);
    const created = { orders: new Set<number>(), carts: new Set<number>(), customers: new Set<number>() };
    const changedOrders = new Set<number>();
    let ticks = 0;
    const run = await runChannelSync({
      db,
      channelId: channel.id,
      mode: "initial",
      trigger: "cli",
      client: clientFor(sim),
      pageSize: 20,
      onProgress: (p) => {
        if (p.connector === "stores") return;
        ticks++;
        const t = sim.control.tick({ newOrders: 2, newCarts: 1, newCustomers: 1, editCustomers: 2, progressOrders: 3 });
        t.created.orders.forEach((id) => created.orders.add(id));
        t.created.carts.forEach((id) => created.carts.add(id));
        t.created.customers.forEach((id) => created.customers.add(id));
        t.changed.orders.forEach((id) => changedOrders.add(id));
      },
    });
    expect(run.status).toBe("succeeded");
    expect(ticks).toBeGreaterThan(5);
    expect(created.orders.size).toBeGreaterThan(0);

    const incremental = await runChannelSync({
      db,
      channelId: channel.id,
      mode: "incremental",
      trigger: "cli",
      client: clientFor(sim),
      pageSize: 20,
    });
    expect(incremental.status).toBe("succeeded");
    // Keyset paging: an order edited mid-walk leaves the window without shifting the others, and
    // the incremental run picks it up; nothing is skipped (seed 105 lost order 81 with offset paging).
    expect(await actual(db, channel.id)).toEqual(expected(sim));
    const ids = async (table: string) =>
      new Set(
        (await rows<{ id: string }>(db, sql`SELECT origin_id::text AS id FROM ${sql.raw(table)} WHERE channel_id = ${channel.id}`)).map(
          (r) => Number(r.id),
        ),
      );
    const orderIds = await ids("magento_orders");
    const cartIds = await ids("magento_carts");
    const customerIds = await ids("magento_customers");
    for (const id of created.orders) expect(orderIds.has(id), `order ${id}`).toBe(true);
    for (const id of created.carts) expect(cartIds.has(id), `cart ${id}`).toBe(true);
    for (const id of created.customers) expect(customerIds.has(id), `customer ${id}`).toBe(true);
    const states = await rows<{ id: string; state: string; status: string }>(
      db,
      sql`
      SELECT origin_id::text AS id, state, status FROM magento_orders WHERE channel_id = ${channel.id}`,
    );
    const byId = new Map(states.map((s) => [Number(s.id), s]));
    for (const id of changedOrders) {
      const o = sim.store.orders.get(id)!;
      expect(byId.get(id), `order ${id}`).toMatchObject({ state: o.state, status: String(sim.store.orderColumns(o).status) });
    }
    expect(await duplicates(db, channel.id)).toBe(0);
  }, 30_000);
});

describe("sync acceptance: changes during an incremental sync", () => {
  it("everything created and edited while an incremental run pages arrives by the end of the next one, counts equal", async () => {
    const sim = await simulator({ seed: 106, customers: 40, orders: 120 });
    const { db } = await postgresDb();
    const channel = await makeChannel(db, sim);
    const client = clientFor(sim);
    expect((await runChannelSync({ db, channelId: channel.id, mode: "initial", trigger: "cli", client, pageSize: 20 })).status).toBe(
      "succeeded",
    );
    sim.control.tick({ newOrders: 25, newCarts: 25, newCustomers: 25, editCustomers: 10, progressOrders: 10 });
    let ticks = 0;
    const during = await runChannelSync({
      db,
      channelId: channel.id,
      mode: "incremental",
      trigger: "cli",
      client,
      pageSize: 10,
      onProgress: (p) => {
        // The store changes while orders and customers page (other connectors page at the same
        // time: a change per page of every connector would outrun the pass, which no store does).
        if (p.connector !== "orders" && p.connector !== "customers") return;
        ticks++;
        sim.control.tick({ newOrders: 2, newCarts: 1, newCustomers: 1, editCustomers: 2, progressOrders: 3 });
      },
    });
    expect(during.status).toBe("succeeded");
    expect(ticks).toBeGreaterThan(5);
    const next = await runChannelSync({ db, channelId: channel.id, mode: "incremental", trigger: "cli", client, pageSize: 10 });
    expect(next.status).toBe("succeeded");
    expect(await actual(db, channel.id)).toEqual(expected(sim));
    expect(await duplicates(db, channel.id)).toBe(0);
  }, 30_000);
});

describe("sync acceptance: requests in flight and the budget", () => {
  it("fetches lanes and connectors at once, never more requests in flight than the channel's budget, counts equal", async () => {
    const sim = await simulator({ seed: 107, customers: 80, orders: 400 });
    sim.control.addFaults({ latencyMs: 25 });
    const { db } = await postgresDb();
    const channel = await makeChannel(db, sim, 5);
    const client = clientFor(sim, 5);
    const run = await runChannelSync({ db, channelId: channel.id, mode: "initial", trigger: "cli", client, pageSize: 20 });
    expect(run.status).toBe("succeeded");
    expect(await actual(db, channel.id)).toEqual(expected(sim));
    expect(await duplicates(db, channel.id)).toBe(0);
    const { maxConcurrent } = sim.control.requests(1);
    expect(maxConcurrent).toBeGreaterThanOrEqual(4); // a single lane would never go past 2
    expect(maxConcurrent).toBeLessThanOrEqual(5);
    expect(client.transport.budget).toMatchObject({ max: 5, decreases: 0 });
    // Every connector's figures add up although they start while others write their pages.
    expect(statsOf(run, "orders").fetched).toBe(sim.store.orders.size);
    expect(statsOf(run, "customers").fetched).toBe(sim.store.customers.size);
    // The subscriptions rode on the customers pages: one walk of the customers search, not two.
    expect(statsOf(run, "newsletter_subscribers")).toMatchObject({ requests: 0, fetched: statsOf(run, "customers").fetched });
    expect(statsOf(run, "newsletter_subscribers").finishedAt).toBeTruthy();
    expect(client.transport.budget.maxInFlightSeen).toBeLessThanOrEqual(5);
  }, 60_000);

  it("a storm of 429s halves the budget; the run eases off, completes, and records it for the progress panel", async () => {
    const sim = await simulator({ seed: 108, customers: 60, orders: 300 });
    sim.control.addFaults({ latencyMs: 20 });
    const { db } = await postgresDb();
    const channel = await makeChannel(db, sim, 8);
    const client = clientFor(sim, 8);
    let lowest = 8;
    let storm = false;
    const run = await runChannelSync({
      db,
      channelId: channel.id,
      mode: "initial",
      trigger: "cli",
      client,
      pageSize: 20,
      onProgress: () => {
        lowest = Math.min(lowest, client.transport.budget.limit);
        if (!storm && client.transport.budget.inFlight > 0) {
          // Magento starts refusing: the next 30 requests get 429.
          storm = true;
          sim.control.addFaults({ status: 429, times: 30 });
        }
      },
    });
    expect(storm).toBe(true);
    expect(run.status).toBe("succeeded");
    expect(await actual(db, channel.id)).toEqual(expected(sim));
    expect(await duplicates(db, channel.id)).toBe(0);
    expect(client.transport.budget.decreases).toBeGreaterThanOrEqual(1);
    expect(lowest).toBeLessThanOrEqual(4);
    expect(sim.control.requests(1).maxConcurrent).toBeLessThanOrEqual(8);
    // The run row holds the budget the runner last saw (the panel reads it while the run runs).
    const stored = await getRun(db, run.id);
    expect(stored?.requestBudget).toMatchObject({ max: 8 });
    expect(stored!.requestBudget!.decreases).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
