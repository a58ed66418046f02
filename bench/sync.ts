// `npm run bench -- sync [--customers N] [--orders N] [--small-customers N] [--small-orders N] [--small-factor F]
//   [--strict-schema] [--budget N] [--rps N] [--latency-ms N] [--latency-customers N] [--latency-orders N] [--latency-only]
//   [--shares]`
// (defaults 10000 / 20000 large, small = large ÷ 5; carts and credit memos scale with them in the simulator):
// a whole channel sync from the Magento simulator (own process) into a fresh real Postgres database.
// The bench channel's request limits: `--budget N` its max_requests_in_flight (default 8, 1–32),
// `--rps N` its max_requests_per_second (default: the column's, 16; 1–100).
//
// Zero-latency phases (skipped with --latency-only), at two store sizes (a large one and a small one).
// For each size:
//   1. start the simulator, create `portal_bench_<ts>` on TEST_DATABASE_URL (default
//      postgres://postgres@127.0.0.1:5432/test), migrate, insert a channel (bearer token sealed
//      with a random ENCRYPTION_KEY, sync start 5 years back, every entity, the limits above);
//   2. run a full initial sync (runChannelSync, the real connectors and the channel's own client
//      with its request limits) in a CHILD process, whose peak RSS is the sync's alone;
//      records/s per connector = stats.fetched ÷ (finishedAt − startedAt) from sync_runs.stats;
//   3. run an incremental sync with nothing changed (child process again): wall time inside the
//      child and requests counted by the simulator (GET /__simulator/requests, before/after);
//   4. (large store only, orders only) the calibration: the same orders (the initial pass's range,
//      sync start date to its upper bound, as one keyset lane, page after page, same page size, same
//      client limits) fetched with the client alone (no DB) and, separately timed, written through
//      ordersConnector.writePage + afterPage, one transaction per page with the runner's settings,
//      after the synced orders were deleted (and the carts they purchased and the customer totals
//      reset, the tables vacuumed);
//      pipeline_ratio = end-to-end orders/s ÷ min(fetch-only, upsert-only records/s).
//
// Latency phase (`--latency-ms N` > 0; default 0 = none): a simulator of the store
// (`--latency-customers` 50000, `--latency-orders` 100000) with a fault rule delaying EVERY REST
// request by N ms (the /__simulator control routes take no faults), the request statistics reset,
// then a full initial sync in a child process as in step 2. Figures:
//   orders_per_s_at_latency        orders fetched ÷ (orders finishedAt − startedAt), as above
//   bound_orders_per_s_at_latency  300 × budget × 1000 ÷ N: every request slot busy with a full page
//   latency_ratio                  the first ÷ the bound (target ≥ 0.7: 2,100 orders/s at 800 ms, budget 8)
//   initial_sync_s_at_latency      wall time of the whole initial sync in the child (target < 180 s)
//   max_inflight_seen              the simulator's maxConcurrent (target ≤ budget)
//   max_requests_per_s_seen        the simulator's maxPerSecond (target ≤ requests_per_s_cap)
// With `--shares` the latency sync runs as the Inngest function runs it: each round plans shares
// (lib/sync/shares.ts) and runs them at once, each with its own client and its part of the budget
// (here in one process: the figures measure the division and the merged checkpoints, not several
// machines); `latency_share_rounds` and `latency_max_shares` say how it fanned out.
//
// Every database is dropped and every simulator stopped at the end, also on failure. The last line
// is one JSON object with every figure.
// Worker mode (internal): `bench/run.ts sync --worker '<json>'` runs one sync and prints its JSON.
import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { openDatabase, type Db } from "@/db/client";
import { channels, type RequestBudgetSnapshot } from "@/db/schema";
import { createChannelClient } from "@/lib/sync/channel-client";
import { getCheckpoint } from "@/lib/sync/checkpoints";
import { ordersConnector } from "@/lib/sync/connectors/orders";
import {
  PAGE_SIZE,
  planShares,
  preparePageTransaction,
  refreshPlannerStatistics,
  runChannelSync,
  startRun,
  syncNextPages,
  syncShare,
} from "@/lib/sync/runner";
import { getRun } from "@/lib/sync/runs";
import { PAGES_PER_SHARE } from "@/lib/sync/shares";
import type { KeysetCursor } from "@/lib/sync/keyset";
import type { ChannelRow, Connector, FetchedPage, SyncContext } from "@/lib/sync/types";
import { option } from "./lib/simulator-process";
import {
  printInitial,
  requestTotal,
  runFigures,
  runWorker,
  simulatorCall,
  simulatorPressure,
  withBenchStore,
  type ConnectorRate,
  type StoreOptions,
  type WorkerInput,
  type WorkerOutput,
} from "./lib/sync-store";

async function worker(json: string): Promise<void> {
  const input = JSON.parse(json) as WorkerInput;
  const handle = await openDatabase({ databaseUrl: input.url, max: input.shares ? 12 : 4 });
  try {
    const started = performance.now();
    if (input.shares) {
      const fanned = await syncInShares(handle.db, input);
      const wallMs = performance.now() - started;
      console.log(JSON.stringify({ ...fanned, wallMs, maxRssMb: process.resourceUsage().maxRSS / 1024 } satisfies WorkerOutput));
      return;
    }
    const run = await runChannelSync({ db: handle.db, channelId: input.channelId, mode: input.mode, trigger: "manual" });
    const wallMs = performance.now() - started;
    const output: WorkerOutput = { runId: run.id, status: run.status, wallMs, maxRssMb: process.resourceUsage().maxRSS / 1024 };
    console.log(JSON.stringify(output));
  } finally {
    await handle.close();
  }
}

/** One run driven as the Inngest function drives it: plan, then the shares at once or an ordinary step. */
async function syncInShares(db: Db, input: WorkerInput): Promise<Omit<WorkerOutput, "wallMs" | "maxRssMb">> {
  const run = await startRun(db, { channelId: input.channelId, mode: input.mode, trigger: "manual" });
  let shareRounds = 0;
  let maxShares = 0;
  for (;;) {
    const shares = await planShares({ db, runId: run.id });
    if (shares) {
      shareRounds++;
      maxShares = Math.max(maxShares, shares.length);
      await Promise.all(shares.map((share) => syncShare({ db, runId: run.id, share, maxPages: PAGES_PER_SHARE })));
      continue;
    }
    if ((await syncNextPages({ db, runId: run.id, maxPages: 20 })).done) break;
  }
  const finished = await getRun(db, run.id);
  return { runId: run.id, status: finished?.status ?? "missing", shareRounds, maxShares };
}

type SizeResult = {
  customers: number;
  orders: number;
  initial: WorkerOutput;
  rates: Record<string, ConnectorRate>;
  noop: WorkerOutput & { requests: number };
  /** The channel's max_requests_per_second. */
  requestsPerSecond: number;
  pipeline?: {
    records: number;
    pages: number;
    fetchSeconds: number;
    upsertSeconds: number;
    fetchPerSecond: number;
    upsertPerSecond: number;
  };
};

async function measurePipeline(db: Db, channel: ChannelRow): Promise<NonNullable<SizeResult["pipeline"]>> {
  const checkpoint = await getCheckpoint(db, channel.id, "orders", "initial");
  const upperRaw = checkpoint?.cursor?.upperBound;
  if (typeof upperRaw !== "string") throw new Error("The orders checkpoint has no upper bound.");
  const start = new Date(`${channel.syncStartDate}T00:00:00Z`);
  // Start the DB-only replay from the state the initial sync's orders pass found: no orders (items
  // and addresses go with them), the carts they purchased not yet purchased, customer totals not
  // yet counted, and the tables vacuumed, so the deleted rows cost the replay nothing extra. Their
  // statistics are refreshed at the pages the runner refreshes them.
  await db.execute(sql`delete from magento_orders where channel_id = ${channel.id}`);
  await db.execute(sql`update magento_carts set order_id = null, status = 'expired', status_changed_at = null
    where channel_id = ${channel.id} and status = 'purchased'`);
  await db.execute(sql`update magento_customers set lifetime_value = 0, orders_count = 0 where channel_id = ${channel.id}`);
  await db.execute(sql`vacuum analyze magento_orders, magento_order_items, magento_order_addresses, magento_carts, magento_customers`);
  const client = createChannelClient(channel); // the sync's own limits (concurrency, requests/s)
  const ctx: SyncContext = { db, channel, client, runId: 0 };
  const connector = ordersConnector as unknown as Connector;
  let fetchMs = 0;
  let upsertMs = 0;
  let records = 0;
  let pages = 0;
  // The initial pass's whole range as one keyset lane, page after page: the same records the
  // sync's lanes fetched, one request at a time.
  const window = { from: start, to: new Date(upperRaw) };
  let cursor: KeysetCursor | null = null;
  for (let page = 1; ; page++) {
    const t0 = performance.now();
    const fetched: FetchedPage<unknown> = await connector.fetchPage(ctx, { window, page, cursor }, PAGE_SIZE);
    cursor = fetched.cursor ?? null;
    const t1 = performance.now();
    if (fetched.records.length > 0) {
      await db.transaction(async (tx) => {
        await preparePageTransaction(tx); // as the runner's page transaction
        await connector.writePage(tx, ctx, fetched.records);
        await connector.afterPage?.(tx, ctx, fetched.records);
      });
    }
    records += fetched.records.length;
    pages++;
    await refreshPlannerStatistics(db, "orders", pages); // as the runner does (the tables start empty again)
    upsertMs += performance.now() - t1;
    fetchMs += t1 - t0;
    if (fetched.done) break;
  }
  return {
    records,
    pages,
    fetchSeconds: fetchMs / 1000,
    upsertSeconds: upsertMs / 1000,
    fetchPerSecond: records / (fetchMs / 1000),
    upsertPerSecond: records / (upsertMs / 1000),
  };
}

async function benchSize(options: StoreOptions, pipeline: boolean): Promise<SizeResult> {
  return withBenchStore(options, async ({ port, url, db, channel }) => {
    const initial = await runWorker({ url, channelId: channel.id, mode: "initial" });
    const figures = await runFigures(db, initial.runId);
    const { rates } = figures;
    printInitial(initial, figures);

    const before = await requestTotal(port);
    const noopRun = await runWorker({ url, channelId: channel.id, mode: "incremental" });
    const requests = (await requestTotal(port)) - before;
    const noop = { ...noopRun, requests };
    console.log(`  no-op incremental: ${noop.status} in ${(noop.wallMs / 1000).toFixed(2)} s, ${requests} requests`);

    let pipelineResult: SizeResult["pipeline"];
    if (pipeline) {
      const [fresh] = await db.select().from(channels).where(eq(channels.id, channel.id));
      pipelineResult = await measurePipeline(db, fresh!);
      console.log(
        `  orders, same pages: fetch only ${Math.round(pipelineResult.fetchPerSecond).toLocaleString("en-US")}/s (${pipelineResult.fetchSeconds.toFixed(1)} s), upsert only ${Math.round(pipelineResult.upsertPerSecond).toLocaleString("en-US")}/s (${pipelineResult.upsertSeconds.toFixed(1)} s), ${pipelineResult.records} records in ${pipelineResult.pages} pages`,
      );
    }
    return {
      customers: options.customers,
      orders: options.orders,
      initial,
      rates,
      noop,
      requestsPerSecond: channel.maxRequestsPerSecond,
      pipeline: pipelineResult,
    };
  });
}

type LatencyResult = {
  latencyMs: number;
  customers: number;
  orders: number;
  initial: WorkerOutput;
  rates: Record<string, ConnectorRate>;
  requestBudget: RequestBudgetSnapshot | null;
  /** The channel's max_requests_per_second. */
  requestsPerSecond: number;
  maxConcurrent: number;
  maxPerSecond: number;
  requests: number;
};

/** A full initial sync against a simulator that delays every REST request by `latencyMs`. */
async function benchLatency(options: StoreOptions, latencyMs: number, shares: boolean): Promise<LatencyResult> {
  return withBenchStore(options, async ({ port, url, db, channel }) => {
    // No path: the rule matches every REST request (the control routes never take faults).
    await simulatorCall(port, "POST", "/__simulator/faults", { latencyMs });
    await simulatorCall(port, "DELETE", "/__simulator/requests");
    const initial = await runWorker({ url, channelId: channel.id, mode: "initial", shares });
    const pressure = await simulatorPressure(port);
    if (shares) console.log(`  fanned out in ${initial.shareRounds ?? 0} rounds of up to ${initial.maxShares ?? 0} shares`);
    const figures = await runFigures(db, initial.runId);
    const { rates, requestBudget } = figures;
    printInitial(initial, figures);
    console.log(
      `  simulator saw ${pressure.total} requests, at most ${pressure.maxConcurrent} at once, at most ${pressure.maxPerSecond} within a second`,
    );
    if (requestBudget) {
      console.log(
        `  client budget at the last page: limit ${requestBudget.limit} of ${requestBudget.max}, at most ${requestBudget.maxInFlightSeen} in flight, ${requestBudget.decreases} decreases`,
      );
    }
    return {
      latencyMs,
      customers: options.customers,
      orders: options.orders,
      initial,
      rates,
      requestBudget,
      requestsPerSecond: channel.maxRequestsPerSecond,
      maxConcurrent: pressure.maxConcurrent,
      maxPerSecond: pressure.maxPerSecond,
      requests: pressure.total,
    };
  });
}

/** `--name N` within [min, max]; exits 2 outside. */
function boundedOption(args: string[], name: string, fallback: number, min: number, max: number): number {
  const value = option(args, name, fallback);
  if (value < min || value > max) {
    console.error(`--${name} must be between ${min} and ${max} (got ${value}).`);
    process.exit(2);
  }
  return value;
}

const formatRate = (value: number) => Math.round(value).toLocaleString("en-US");

export async function run(args: string[]): Promise<void> {
  if (args[0] === "--worker") return worker(args[1] ?? "{}");
  process.env.ENCRYPTION_KEY = randomBytes(32).toString("base64"); // children inherit it
  // The store is 50k customers / 100k orders (`--customers 50000 --orders 100000`); at zero
  // latency on the 2-core bench machine that sync plus the calibration takes several minutes, so the
  // zero-latency default is a fifth of it. The latency phase syncs the store itself.
  const customers = option(args, "customers", 10_000);
  const orders = option(args, "orders", 20_000);
  const factor = option(args, "small-factor", 5, false);
  const smallCustomers = option(args, "small-customers", Math.max(1, Math.round(customers / factor)));
  const smallOrders = option(args, "small-orders", Math.max(1, Math.round(orders / factor)));
  const budget = boundedOption(args, "budget", 8, 1, 32);
  const rps = args.includes("--rps") ? boundedOption(args, "rps", 16, 1, 100) : undefined;
  const latencyMs = args.includes("--latency-ms") ? option(args, "latency-ms", 0) : 0;
  const latencyCustomers = option(args, "latency-customers", 50_000);
  const latencyOrders = option(args, "latency-orders", 100_000);
  const latencyOnly = args.includes("--latency-only");
  const shares = args.includes("--shares");
  if (shares && latencyMs === 0) {
    console.error("--shares applies to the latency phase: add --latency-ms N (e.g. --latency-only --latency-ms 800 --shares).");
    process.exit(2);
  }
  if (latencyOnly && latencyMs === 0) {
    console.error("--latency-only needs --latency-ms N (e.g. --latency-only --latency-ms 800).");
    process.exit(2);
  }
  // The simulator sends the shapes real stores send (nulls, guest carts, configurable lines);
  // --strict-schema gives the schema-only store earlier runs measured.
  const strictSchema = args.includes("--strict-schema");
  const started = performance.now();
  console.log(
    `Store shapes: ${strictSchema ? "schema-only (--strict-schema)" : "as real stores send them (Magento's nulls, configurable lines)"}`,
  );
  console.log(`Channel limits: ${budget} requests in flight (--budget), ${rps ?? "the column's default"} requests/s (--rps)`);
  const limits = { budget, requestsPerSecond: rps, strictSchema };
  const figures: Record<string, unknown> = {};
  let requestsPerSecondCap = 0; // the channel's, as inserted

  if (!latencyOnly) {
    if (customers !== 50_000 || orders !== 100_000) {
      console.log(
        `NOTE: large store is ${customers} customers / ${orders} orders, not the issue's 50000 / 100000 (pass --customers 50000 --orders 100000).`,
      );
    }
    console.log(`Small store: ${smallCustomers.toLocaleString("en-US")} customers, ${smallOrders.toLocaleString("en-US")} orders`);
    const small = await benchSize({ ...limits, customers: smallCustomers, orders: smallOrders }, false);
    console.log(`Large store: ${customers.toLocaleString("en-US")} customers, ${orders.toLocaleString("en-US")} orders`);
    const large = await benchSize({ ...limits, customers, orders }, true);
    requestsPerSecondCap = large.requestsPerSecond;

    const perSecond = (connector: string) => Math.round(large.rates[connector]?.perSecond ?? 0);
    const p = large.pipeline!;
    const ratio = (large.rates.orders?.perSecond ?? 0) / Math.min(p.fetchPerSecond, p.upsertPerSecond);
    console.log(`Large store results, zero latency (${((performance.now() - started) / 1000).toFixed(0)} s so far):`);
    console.log(`  orders/s end-to-end        ${perSecond("orders").toLocaleString("en-US")} (target ≥ 3,000)`);
    console.log(
      `  pipeline ratio             ${ratio.toFixed(2)} (end-to-end ÷ min(fetch ${Math.round(p.fetchPerSecond)}, upsert ${Math.round(p.upsertPerSecond)}); target ≥ 0.7)`,
    );
    console.log(
      `  peak RSS                   ${large.initial.maxRssMb.toFixed(0)} MB large, ${small.initial.maxRssMb.toFixed(0)} MB small (target < 400)`,
    );
    console.log(
      `  no-op incremental          ${large.noop.wallMs / 1000 < 10 ? (large.noop.wallMs / 1000).toFixed(2) : (large.noop.wallMs / 1000).toFixed(1)} s, ${large.noop.requests} requests (target < 2 s)`,
    );
    Object.assign(figures, {
      orders_per_s: perSecond("orders"),
      customers_per_s: perSecond("customers"),
      carts_per_s: perSecond("carts"),
      credit_memos_per_s: perSecond("credit_memos"),
      pipeline_ratio: Number(ratio.toFixed(2)),
      orders_fetch_only_per_s: Math.round(p.fetchPerSecond),
      orders_upsert_only_per_s: Math.round(p.upsertPerSecond),
      peak_rss_mb: Math.round(large.initial.maxRssMb),
      peak_rss_mb_small: Math.round(small.initial.maxRssMb),
      noop_incremental_s: Number((large.noop.wallMs / 1000).toFixed(2)),
      noop_incremental_requests: large.noop.requests,
      initial_sync_s: Number((large.initial.wallMs / 1000).toFixed(1)),
      large: { customers, orders },
      small: { customers: smallCustomers, orders: smallOrders },
    });
  }

  if (latencyMs > 0) {
    console.log(
      `Latency store: ${latencyCustomers.toLocaleString("en-US")} customers, ${latencyOrders.toLocaleString("en-US")} orders, every REST request delayed ${latencyMs} ms`,
    );
    if (latencyCustomers !== 50_000 || latencyOrders !== 100_000) {
      console.log(`NOTE: not the issue's 50000 / 100000 (pass --latency-customers 50000 --latency-orders 100000).`);
    }
    const latency = await benchLatency({ ...limits, customers: latencyCustomers, orders: latencyOrders }, latencyMs, shares);
    const cap = latency.requestsPerSecond;
    requestsPerSecondCap = cap;
    const ordersPerSecond = latency.rates.orders?.perSecond ?? 0;
    const bound = (300 * budget * 1000) / latencyMs;
    const ratio = ordersPerSecond / bound;
    const initialSeconds = latency.initial.wallMs / 1000;
    console.log(`Latency results (${latencyMs} ms per request, budget ${budget}, ${cap} requests/s cap):`);
    console.log(
      `  orders/s at latency        ${formatRate(ordersPerSecond)} (target ≥ ${formatRate(0.7 * bound)}${latencyMs === 800 && budget === 8 ? "" : " = 0.7 × bound; the issue's is 2,100 at 800 ms, budget 8"})`,
    );
    console.log(`  bound                      ${formatRate(bound)} (300 × ${budget} × 1000 ÷ ${latencyMs})`);
    console.log(`  latency ratio              ${ratio.toFixed(2)} (orders/s ÷ bound; target ≥ 0.7)`);
    console.log(`  initial sync               ${initialSeconds.toFixed(1)} s (target < 180 s), ${latency.initial.status}`);
    console.log(`  max requests in flight     ${latency.maxConcurrent} (target ≤ budget ${budget})`);
    console.log(`  max requests/s             ${latency.maxPerSecond} (target ≤ cap ${cap})`);
    Object.assign(figures, {
      latency_ms: latencyMs,
      orders_per_s_at_latency: Math.round(ordersPerSecond),
      bound_orders_per_s_at_latency: Math.round(bound),
      latency_ratio: Number(ratio.toFixed(2)),
      initial_sync_s_at_latency: Number(initialSeconds.toFixed(1)),
      max_inflight_seen: latency.maxConcurrent,
      max_requests_per_s_seen: latency.maxPerSecond,
      client_max_inflight_seen: latency.requestBudget?.maxInFlightSeen ?? null,
      client_budget_decreases: latency.requestBudget?.decreases ?? null,
      latency_store: { customers: latencyCustomers, orders: latencyOrders },
      latency_fan_out: shares ? "shares" : "one process",
      ...(shares ? { latency_share_rounds: latency.initial.shareRounds ?? 0, latency_max_shares: latency.initial.maxShares ?? 0 } : {}),
    });
  }

  console.log(`${((performance.now() - started) / 1000).toFixed(0)} s in all`);
  console.log(
    JSON.stringify({ ...figures, inflight_budget: budget, requests_per_s_cap: requestsPerSecondCap, strict_schema: strictSchema }),
  );
}
