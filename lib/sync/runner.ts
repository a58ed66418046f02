import { and, eq, isNull, sql } from "drizzle-orm";
import { SCHEDULE_SLACK_MS } from "./schedule";
import type { Db, DbTx } from "@/db/client";
import { channels } from "@/db/schema";
import type { MagentoClient } from "@/lib/magento/client";
import type { RequestTiming } from "@/lib/magento/http";
import { refreshAfterSync } from "@/lib/sync/after-sync";
import { createChannelClient } from "@/lib/sync/channel-client";
import { AsyncLocalStorage } from "node:async_hooks";
import {
  getCheckpoint,
  loadPass,
  resetInitialCheckpoints,
  savePass,
  saveSharedPass,
  type CheckpointMode,
  type Pass,
} from "@/lib/sync/checkpoints";
import { storeLanes } from "@/lib/sync/lanes";
import { schedulePages, type ArrivedPage, type PassSpec } from "@/lib/sync/page-scheduler";
import { invalidMessage } from "@/lib/sync/fetch-by-id";
import { KeysetStalledError } from "@/lib/sync/keyset";
import {
  ChannelHold,
  claimLease,
  HEARTBEAT_MS,
  keepRunLease,
  leaseHolder,
  releaseLease,
  runLeaseOwner,
  shareSlot,
  SyncBusyError,
} from "@/lib/sync/lease";
import { divideShares, inTerritory, type Share } from "@/lib/sync/shares";
import { MagentoReplacedError, stopChannel, stopReason } from "@/lib/sync/replaced";
import { refreshCartTotals } from "@/lib/sync/rules/cart-totals";
import { holdAccountReferencesSql } from "@/lib/sync/rules/accounts";
import { reconcileAfterPass } from "@/lib/sync/rules/reconcile";
import { fetchReferences, type References, writeReferences } from "@/lib/sync/rules/references";
import {
  addConnectorStats,
  addConnectorStatsNow,
  createRun,
  failAbandonedRuns,
  finishRun,
  getRun,
  latestRun,
  markRunning,
  recordErrors,
  recordKind,
  recordWarnings,
  requestCancel,
  statsOf,
  warningInputs,
  type RunMode,
  type RunTrigger,
  type SyncErrorInput,
  type SyncRunRow,
  type SyncWarningInput,
} from "@/lib/sync/runs";
import {
  CONNECTOR_ORDER,
  type ChannelRow,
  type Connector,
  type ConnectorName,
  type FetchedPage,
  type SyncContext,
  type WriteResult,
} from "@/lib/sync/types";
import { safeErrorMessage, withoutQuery } from "@/db/errors";
import { logger } from "@/lib/log";

// Runs a channel's connectors page by page. Each page is written in ONE transaction together with
// its checkpoint, the run's stats and its sync_errors, so a crash at any moment resumes at the
// first unwritten page with nothing lost and nothing doubled. The next page is fetched while the
// current one is written. `syncNextPages` does a bounded batch (one Inngest step);
// `runChannelSync` loops it in-process.

export const PAGE_SIZE = 300;

export interface SyncProgress {
  runId: number;
  connector: ConnectorName;
  page: number;
  window: { from: Date | null; to: Date | null };
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  connectorFinished: boolean;
}

export interface RunnerOptions {
  /** Connectors to use (tests); default: the real ones from lib/sync/registry. */
  connectors?: readonly Connector[];
  /** Client override (tests); default: built from the channel's credentials. */
  client?: MagentoClient;
  pageSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
  /**
   * The channel, held by the caller for the whole run (the in-process runner). Without it a call
   * holds the channel for itself and, when it stops before the run's end (an Inngest step's batch,
   * an error), parks the run's lease for its next step.
   */
  hold?: ChannelHold;
  /** Cart totals read per run (tests); default CART_TOTALS. */
  cartTotals?: { firstSync: number; backlog: number };
}

/**
 * Open carts whose totals a run reads beyond those its carts pass changed: the newest ones in a
 * first sync, then some not read yet in every later sync that changed something.
 */
export const CART_TOTALS = { firstSync: 250, backlog: 250 };

export type ContinueFrom = { runId: number; connector: ConnectorName | null; page: number | null };
export type StepResult = { done: boolean; status: SyncRunRow["status"]; pages: number; continueFrom: ContinueFrom | null };

export class SyncRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SyncRunError";
  }
}

async function loadConnectors(options: RunnerOptions): Promise<readonly Connector[]> {
  if (options.connectors) return options.connectors;
  const { CONNECTORS } = await import("@/lib/sync/registry");
  return CONNECTORS;
}

async function getChannel(db: Db, channelId: number): Promise<ChannelRow> {
  const [channel] = await db.select().from(channels).where(eq(channels.id, channelId));
  if (!channel) throw new SyncRunError(`Channel ${channelId} does not exist.`);
  return channel;
}

/** The connectors a channel syncs, in CONNECTOR_ORDER ("stores" always; others per channel.entities). */
export function enabledConnectors(channel: ChannelRow, all: readonly Connector[]): Connector[] {
  return CONNECTOR_ORDER.filter((name) => name === "stores" || channel.entities.includes(name))
    .map((name) => all.find((c) => c.name === name))
    .filter((c): c is Connector => c !== undefined);
}

function checkpointMode(mode: RunMode): CheckpointMode {
  return mode === "incremental" ? "incremental" : "initial";
}

/**
 * Creates a run and claims the channel's lease for it in one transaction: with the caller's hold
 * (a run that starts now in this process), or parked for its first step (Inngest).
 * Throws SyncBusyError (and leaves no run behind) when another sync holds the channel.
 * A `full` run starts the initial walk again from scratch.
 */
export async function startRun(
  db: Db,
  input: {
    channelId: number;
    mode: RunMode;
    trigger: RunTrigger;
    requestedByUserId?: number | null;
    externalRunId?: string | null;
    connectors?: readonly Connector[];
    hold?: ChannelHold;
  },
): Promise<SyncRunRow> {
  const channel = await getChannel(db, input.channelId);
  if (channel.deletingAt) throw new SyncRunError(`Channel "${channel.name}" is being deleted.`);
  return db.transaction(async (tx) => {
    const run = await createRun(tx, input);
    const owner = runLeaseOwner(run.id);
    const claimed = input.hold ? await input.hold.claim(tx, owner) : await claimLease(tx, input.channelId, owner);
    if (!claimed) throw new SyncBusyError(input.channelId, await leaseHolder(tx, input.channelId));
    await failAbandonedRuns(tx, input.channelId, run.id);
    if (input.mode === "full") await resetInitialCheckpoints(tx, input.channelId, CONNECTOR_ORDER);
    return run;
  });
}

// An initial sync grows the tables from empty faster than autovacuum re-analyzes them: with
// statistics saying "100 rows" the planner scans a whole table on every page. Re-analyzing a
// connector's tables at exponentially spaced page counts of that connector keeps the plans on the
// indexes, for a few seconds in all.
const ANALYZE_AT_PAGE = new Set([4, 16, 64, 256, 1024, 4096]);

const CONNECTOR_TABLES: Record<ConnectorName, readonly string[]> = {
  stores: [],
  customers: ["magento_customers", "magento_customer_addresses"],
  // Carts and orders create guest customers and mark carts purchased: the planner must see those too
  // (with statistics from before the first guest, it re-ran the guest merge's join once per guest).
  carts: ["magento_carts", "magento_cart_items", "magento_customers"],
  orders: ["magento_orders", "magento_order_items", "magento_order_addresses", "magento_customers", "magento_carts"],
  credit_memos: ["magento_credit_memos", "magento_credit_memo_items"],
  newsletter_subscribers: ["magento_newsletter_subscribers"],
};

/** After a connector's `pagesSoFar`-th page (in the whole run): re-analyzes its tables when due. */
export async function refreshPlannerStatistics(db: Db, connector: ConnectorName, pagesSoFar: number): Promise<void> {
  const tables = CONNECTOR_TABLES[connector];
  if (tables.length === 0 || !ANALYZE_AT_PAGE.has(pagesSoFar)) return;
  await db
    .execute(sql.raw(`ANALYZE ${tables.join(", ")}`))
    .catch((error: unknown) => logger().warn({ component: "sync", connector }, `ANALYZE skipped: ${safeErrorMessage(error)}`));
}

/** Marks a run failed with a reason and frees the channel (Inngest onFailure, crashes). */
export async function failRun(db: Db, runId: number, message: string): Promise<void> {
  const run = await getRun(db, runId);
  if (!run) return;
  await finishRun(db, runId, { status: "failed", errorMessage: message.slice(0, 2000) });
  await releaseLease(db, run.channelId, runLeaseOwner(runId));
}

function invalidToErrors(connector: ConnectorName, page: number, fetched: FetchedPage<unknown>): SyncErrorInput[] {
  return fetched.invalid.map((inv) => ({ connector, originId: inv.id, page, ...invalidMessage(inv), payload: inv.raw }));
}

/** The page's own warnings and those of the records it referenced, each under its record's kind. */
function warningsOf(connector: ConnectorName, fetched: PreparedPage): SyncWarningInput[] {
  return [
    ...warningInputs(recordKind(connector), fetched.warnings ?? []),
    ...(fetched.references?.warnings ?? []).flatMap(({ kind, warning }) => warningInputs(kind, [warning])),
  ];
}

/** Referenced records Magento sent unreadable: reported under their own kind. */
function referenceErrors(page: number, references: References | null): SyncErrorInput[] {
  return (references?.invalid ?? []).map(({ kind, record }) => {
    const { field, message } = invalidMessage(record);
    return { connector: kind, originId: record.id, page, field, message: `Referenced by this page: ${message}`, payload: record.raw };
  });
}

/**
 * Settings of a page's transaction. A page and its checkpoint commit together, so losing the last
 * commits in a database crash only means those pages are fetched again: no need to wait for the
 * WAL flush. Every page runs the same prepared statements with different ids; after five runs
 * Postgres may switch to a generic plan that cannot see the ids and scans whole tables (56 ms
 * instead of 1 ms for the guest merge), so each page is planned for its own ids. A page may write
 * account ids, so it holds the account references lock (shared) like every such writer.
 */
export async function preparePageTransaction(tx: DbTx): Promise<void> {
  await tx.execute(
    sql`SELECT set_config('synchronous_commit', 'off', true), set_config('plan_cache_mode', 'force_custom_plan', true), ${holdAccountReferencesSql}`,
  );
}

type PreparedPage = FetchedPage<unknown> & { received: number; prepared: unknown; references: References | null };

const EMPTY_WRITE: WriteResult = { created: 0, updated: 0, unchanged: 0, failed: [], maxUpdatedAt: null };

/** Which connector a Magento request is made for (several fetch at once). */
const requestOwner = new AsyncLocalStorage<ConnectorName>();

/** First key of the lock a fanned-out run's page transactions take turns on (the second is the channel id). */
const SHARE_WRITE_LOCK = 0x53485257; // "SHRW"

/** The channel's in-flight budget: requests on the way at once, shared by all its connectors. */
export function inFlightBudget(channel: Pick<ChannelRow, "maxRequestsInFlight">): number {
  return channel.maxRequestsInFlight;
}

/**
 * The order free places go to connectors: customers before the orders, carts and credit memos that
 * point to them (fewer fetched by id), and orders, the figures people wait for, before carts.
 */
const PASS_PRIORITY: readonly ConnectorName[] = ["stores", "customers", "orders", "carts", "credit_memos", "newsletter_subscribers"];

const byPriority = (a: Connector, b: Connector) => PASS_PRIORITY.indexOf(a.name) - PASS_PRIORITY.indexOf(b.name);

/** The subscribers connector when its pass can ride on the customers pass (both at the same place). */
function companionPass(group: readonly Connector[], passes: Map<ConnectorName, Pass>): Connector | null {
  const carrier = passes.get("customers");
  const rider = passes.get("newsletter_subscribers");
  const companion = group.find((c) => c.name === "newsletter_subscribers");
  if (!carrier || !rider || !companion || !group.some((c) => c.name === "customers")) return null;
  const time = (d: Date | null) => (d ? d.getTime() : null);
  const same =
    carrier.mode === rider.mode &&
    carrier.pagesBefore === rider.pagesBefore &&
    time(carrier.upperBound) === time(rider.upperBound) &&
    time(carrier.lower) === time(rider.lower) &&
    JSON.stringify(storeLanes(carrier.lanes)) === JSON.stringify(storeLanes(rider.lanes));
  return same ? companion : null;
}

/**
 * Writes one arrived page in ONE transaction: its referenced records, the page, its sync_errors
 * and warnings, the pass's checkpoint (every lane where it stands after this page), the run's
 * stats and the lease's renewal.
 */
async function writePage(input: {
  ctx: SyncContext;
  connector: Connector;
  arrived: ArrivedPage<PreparedPage>;
  /** A connector whose pass rides on this one's pages (subscribers on customers). */
  companion?: Connector | null;
  counters: Map<ConnectorName, { requests: number; retries: number }>;
  hold: ChannelHold;
  runId: number;
  /** A share of a run fanned out over workers: its checkpoint is merged (lib/sync/shares.ts). */
  share?: Share;
}): Promise<{ result: WriteResult; finished: boolean; failed: number; passPages: number }> {
  const { ctx, connector, companion, arrived, counters, hold, runId, share } = input;
  const { db, channel } = ctx;
  const fetched = arrived.fetched;
  const page = arrived.page;
  return db.transaction(async (tx) => {
    await preparePageTransaction(tx);
    if (share) {
      // The shares of a run write one page at a time, like one process's writer: their merges of
      // the checkpoint never overlap, and their pages never wait on each other's rows.
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${SHARE_WRITE_LOCK}::int, ${channel.id}::int)`);
      await keepRunLease(tx, channel.id, runLeaseOwner(runId));
    }
    const referenced = fetched.references ? await writeReferences(tx, ctx, fetched.references) : 0;
    const result = fetched.records.length > 0 ? await connector.writePage(tx, ctx, fetched.records, fetched.prepared) : EMPTY_WRITE;
    const carried = companion && fetched.records.length > 0 ? await companion.writePage(tx, ctx, fetched.records) : EMPTY_WRITE;
    const errors = [
      ...invalidToErrors(connector.name, page, fetched),
      ...referenceErrors(page, fetched.references),
      ...result.failed.map((f) => ({ ...f, connector: connector.name, page })),
    ];
    const counted = counters.get(connector.name) ?? { requests: 0, retries: 0 };
    counters.delete(connector.name);
    const warnings = warningsOf(connector.name, fetched);
    const own = arrived.commit();
    // A share's pass ends when every share's lanes are done: its merged checkpoint says so.
    const state = share
      ? await saveSharedPass(tx, channel, connector.name, arrived.pass, share.territory[connector.name] ?? [], result.maxUpdatedAt)
      : own;
    // The rest of the page's statements touch different rows and need nothing from each other:
    // sent together, they queue on the transaction's connection without a round trip each.
    await Promise.all([
      fetched.records.length > 0 ? connector.afterPage?.(tx, ctx, fetched.records) : undefined,
      recordErrors(tx, { id: runId, channelId: channel.id }, errors),
      share ? null : savePass(tx, channel, connector.name, arrived.pass, { ...state, maxUpdatedAt: result.maxUpdatedAt }, new Date()),
      // Only a page with warnings waits for their insert (the stats count the new ones).
      (warnings.length > 0 ? recordWarnings(tx, { id: runId, channelId: channel.id }, warnings) : Promise.resolve(0)).then((fresh) =>
        addConnectorStats(
          tx,
          runId,
          connector.name,
          {
            warnings: fresh,
            referenced,
            pages: 1,
            fetched: fetched.records.length + fetched.invalid.length,
            created: result.created,
            updated: result.updated,
            unchanged: result.unchanged,
            failed: errors.length,
            errors: errors.length,
            requests: counted.requests,
            retries: counted.retries,
            ...(state.finished ? { finishedAt: new Date().toISOString() } : {}),
          },
          // What the channel page shows of the client's budget (requests in flight, current limit).
          ctx.client.transport.budget,
          share?.index,
        ),
      ),
      // The lease is renewed with the page: a page is written only while this run holds the channel.
      hold.renew(tx),
      companion
        ? share
          ? saveSharedPass(tx, channel, companion.name, arrived.pass, share.territory[connector.name] ?? [], carried.maxUpdatedAt)
          : savePass(tx, channel, companion.name, arrived.pass, { ...state, maxUpdatedAt: carried.maxUpdatedAt }, new Date())
        : null,
    ]);
    if (companion) {
      // After the page's own stats: both rewrite the run's stats document.
      await addConnectorStats(tx, runId, companion.name, {
        pages: 1,
        fetched: fetched.records.length,
        created: carried.created,
        updated: carried.updated,
        unchanged: carried.unchanged,
        ...(state.finished ? { finishedAt: new Date().toISOString() } : {}),
      });
    }
    return { result, finished: state.finished, failed: result.failed.length + fetched.invalid.length, passPages: state.pages };
  });
}

/**
 * Requests and retries per connector (the connector a request is made for is found through async
 * context: several connectors fetch at once), flushed into the stats with each page, or by
 * `flushCounters` for requests made after a connector's last page.
 */
function requestCounters(db: Db, runId: number) {
  const counters = new Map<ConnectorName, { requests: number; retries: number }>();
  const onRequest = (timing: RequestTiming) => {
    const name = requestOwner.getStore() ?? "stores";
    const c = counters.get(name) ?? { requests: 0, retries: 0 };
    c.requests++;
    if (timing.attempt > 1) c.retries++;
    counters.set(name, c);
  };
  const flushCounters = async (name: ConnectorName) => {
    const leftover = counters.get(name);
    if (!leftover) return;
    counters.delete(name);
    await addConnectorStatsNow(db, runId, name, { requests: leftover.requests, retries: leftover.retries });
  };
  return { counters, onRequest, flushCounters };
}

/** What a written page reports to the caller's onProgress. */
function pageProgress(
  runId: number,
  connector: Connector,
  arrived: ArrivedPage<PreparedPage>,
  written: { result: WriteResult; finished: boolean; failed: number },
): SyncProgress {
  return {
    runId,
    connector: connector.name,
    page: arrived.page,
    window: arrived.request.window,
    fetched: arrived.fetched.records.length + arrived.fetched.invalid.length,
    created: written.result.created,
    updated: written.result.updated,
    unchanged: written.result.unchanged,
    failed: written.failed,
    connectorFinished: written.finished,
  };
}

/** Asked before each page is written (one indexed read): a cancel asked for, or the run ended elsewhere. */
async function runStopped(db: Db, runId: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return true;
  const fresh = await getRun(db, runId);
  return Boolean(fresh?.cancelRequestedAt) || (fresh !== null && fresh.status !== "running");
}

/** How the scheduler fetches a connector's pass: in its connector's name, each page prepared as it arrives. */
function passSpec(input: {
  ctx: SyncContext;
  connector: Connector;
  pass: Pass;
  run: SyncRunRow;
  pageSize: number;
  /** Requests in flight this process may keep (the channel's budget, or a share's part of it). */
  budget: number;
}): PassSpec<PreparedPage> {
  const { ctx, connector, pass, run, pageSize, budget } = input;
  // A connector starts when its first request goes out (connectors share the budget, so one
  // may wait behind another): its rate then counts only the time it was at work.
  let started = Boolean(statsOf(run, connector.name).startedAt);
  return {
    connector: connector.name,
    pass,
    splittable: connector.windowed,
    // More lanes than places: a lane that has just finished or waits for the writer leaves its
    // place to another at once.
    lanesWanted: connector.windowed ? budget + Math.ceil(budget / 2) : 1,
    // A page is prepared (mapped, serialized) as soon as it arrives: while earlier pages are written.
    fetch: (request) =>
      requestOwner.run(connector.name, async () => {
        if (!started) {
          started = true;
          await addConnectorStatsNow(ctx.db, run.id, connector.name, { startedAt: new Date().toISOString() });
        }
        const page = await connector.fetchPage(ctx, request, pageSize);
        return {
          ...page,
          received: page.received ?? page.records.length + page.invalid.length,
          prepared: page.records.length > 0 ? connector.prepare?.(ctx, page.records) : undefined,
          // The customers (and orders) the page points to that the portal lacks, fetched by id.
          references: await fetchReferences(ctx, connector.name, page.records),
        };
      }),
  };
}

/**
 * Ids-only passes on their own cadence after a connector's pass: carts gone from Magento expire,
 * deleted records are flagged removed (an initial walk that just ended read everything: its
 * cadence only starts). Never fails the run (every page is already saved).
 */
async function afterPass(
  ctx: SyncContext,
  connector: Connector,
  runMode: RunMode,
  flushCounters: (name: ConnectorName) => Promise<void>,
): Promise<void> {
  await requestOwner.run(connector.name, () =>
    reconcileAfterPass(ctx, connector.name, { force: runMode === "full", walkedEverything: checkpointMode(runMode) === "initial" }),
  );
  // Requests made after the last page (reconciliation) count for the connector too.
  await flushCounters(connector.name);
}

/**
 * Writes at most `maxPages` pages of a run, continuing where its checkpoints say; finishes the run
 * (succeeded / partial / canceled) when nothing is left or a cancel was asked for. A Magento that
 * was reset or replaced (lib/sync/replaced.ts) fails the run and stops the channel, and one that
 * ignores the updated_at filter (KeysetStalledError) fails the run: retrying cannot help, so the
 * step ends (no Inngest retries) instead of throwing.
 */
export async function syncNextPages(input: { db: Db; runId: number; maxPages?: number } & RunnerOptions): Promise<StepResult> {
  try {
    return await writeNextPages(input);
  } catch (error) {
    if (error instanceof KeysetStalledError) {
      // Magento ignores the filters: asking again (an Inngest retry) would only fail the same way.
      await failRun(input.db, input.runId, error.message);
      return { done: true, status: "failed", pages: 0, continueFrom: null };
    }
    // What leaves here is logged and sent to Inngest: never the SQL and its parameters.
    if (!(error instanceof MagentoReplacedError)) throw withoutQuery(error);
    const reason = stopReason(error);
    const run = await getRun(input.db, input.runId);
    if (run) await stopChannel(input.db, run.channelId, reason);
    await failRun(input.db, input.runId, reason);
    return { done: true, status: "failed", pages: 0, continueFrom: null };
  }
}

async function writeNextPages(input: { db: Db; runId: number; maxPages?: number } & RunnerOptions): Promise<StepResult> {
  const { db, runId } = input;
  const maxPages = input.maxPages ?? Number.POSITIVE_INFINITY;
  const pageSize = input.pageSize ?? PAGE_SIZE;
  const run = await getRun(db, runId);
  if (!run) throw new SyncRunError(`Sync run ${runId} does not exist.`);
  if (run.status !== "queued" && run.status !== "running") return { done: true, status: run.status, pages: 0, continueFrom: null };

  const channel = await getChannel(db, run.channelId);
  const owner = runLeaseOwner(runId);
  const hold = input.hold ?? (await ChannelHold.acquire(db, channel.id));
  try {
    if (!(await hold.claim(db, owner))) throw new SyncBusyError(channel.id, await leaseHolder(db, channel.id));
    return await writePagesHeld({ ...input, maxPages, pageSize }, run, channel, hold);
  } finally {
    // A call that stops before the run's end (an Inngest step's batch, an error) keeps the
    // channel for the run's next step; after the run's end this does nothing.
    if (!input.hold) await hold.end({ park: true });
  }
}

async function writePagesHeld(
  input: { db: Db; runId: number; maxPages: number; pageSize: number } & RunnerOptions,
  started: SyncRunRow,
  channel: ChannelRow,
  hold: ChannelHold,
): Promise<StepResult> {
  const { db, runId, maxPages, pageSize } = input;
  let run = started;
  await markRunning(db, runId);

  const all = await loadConnectors(input);
  const mode = checkpointMode(run.mode);

  const { counters, onRequest, flushCounters } = requestCounters(db, runId);
  const client = input.client ?? createChannelClient(channel, { onRequest });
  const ctx: SyncContext = { db, channel, client, runId };
  const budget = inFlightBudget(channel);

  const runStartedAt = run.startedAt ?? run.createdAt;
  let pages = 0;
  const finish = async (status: "succeeded" | "partial" | "canceled"): Promise<StepResult> => {
    const finished = await finishRun(db, runId, { status });
    await hold.end();
    // Dashboard rollups and RFM scores for what this run wrote (a canceled run's pages are saved
    // too). After the lease: a long refresh must not hold the channel; it never fails the run.
    // A run that changed nothing skips the reports (the next refresh looks back to its own last one);
    // accounts are still assigned to rows that have none.
    await refreshAfterSync(db, channel, runStartedAt, !finished || finished.recordsChanged > 0);
    return { done: true, status, pages, continueFrom: null };
  };
  const cancelled = () => runStopped(db, runId, input.signal);

  // Reference data first (the other connectors filter by its stores), then every other connector
  // at once: they link to each other whichever arrives first (lib/sync/rules/references.ts).
  const enabled = enabledConnectors(channel, all).filter((connector) => !statsOf(run, connector.name).finishedAt);
  const groups = [enabled.filter((c) => c.name === "stores"), enabled.filter((c) => c.name !== "stores").sort(byPriority)];
  const connectorPages = new Map<ConnectorName, number>(enabled.map((c) => [c.name, statsOf(run, c.name).pages]));
  const passed: Connector[] = [];
  for (const group of groups) {
    const specs: PassSpec<PreparedPage>[] = [];
    const now = new Date();
    const passes = new Map<ConnectorName, Pass>();
    for (const connector of group) {
      const pass = await loadPass(db, channel, connector, mode, now, budget);
      if (pass) passes.set(connector.name, pass);
      else await addConnectorStatsNow(db, runId, connector.name, { finishedAt: new Date().toISOString() });
    }
    // Newsletter subscribers are read from the customers search too: when both passes stand at the
    // same place, the customers pages carry the subscriptions and their checkpoint (one walk, not two).
    const companion = companionPass(group, passes);
    if (companion) {
      passes.delete(companion.name);
      if (!statsOf(run, companion.name).startedAt) await addConnectorStatsNow(db, runId, companion.name, { startedAt: now.toISOString() });
    }
    for (const connector of group) {
      const pass = passes.get(connector.name);
      if (pass) specs.push(passSpec({ ctx, connector, pass, run, pageSize, budget }));
    }
    if (specs.length === 0) continue;
    const byName = new Map(group.map((c) => [c.name as string, c]));
    const result = await schedulePages(specs, {
      inFlight: budget,
      pageAllowance: maxPages - pages,
      openEnd: new Date(),
      shouldStop: cancelled,
      write: async (arrived) => {
        const connector = byName.get(arrived.connector)!;
        const carried = companion && connector.name === "customers" ? companion : null;
        const written = await writePage({ ctx, connector, companion: carried, arrived, counters, hold, runId });
        pages++;
        input.onProgress?.(pageProgress(runId, connector, arrived, written));
        const count = (connectorPages.get(connector.name) ?? 0) + 1;
        connectorPages.set(connector.name, count);
        await refreshPlannerStatistics(db, connector.name, count);
      },
    });
    if (result.stopped) {
      if (input.signal?.aborted) await requestCancel(db, runId);
      return finish("canceled");
    }
    for (const name of result.finished) {
      passed.push(byName.get(name)!);
      if (companion && name === "customers") passed.push(companion);
    }
    if (specs.some((spec) => !result.finished.includes(spec.connector))) {
      for (const connector of passed) await afterPass(ctx, connector, run.mode, flushCounters);
      const open = specs.find((spec) => !result.finished.includes(spec.connector))!;
      // The run's next step starts a client of its own: it must not add to this one's last second.
      await client.transport.settle();
      return { done: false, status: "running", pages, continueFrom: { runId, connector: open.connector as ConnectorName, page: null } };
    }
  }
  for (const connector of passed) await afterPass(ctx, connector, run.mode, flushCounters);
  run = (await getRun(db, runId)) ?? run;
  if (enabledConnectors(channel, all).some((connector) => connector.name === "carts")) {
    // Cart totals are one request per open cart, paced by the channel's request rate: read last,
    // so a first sync's orders are not kept waiting behind them (and carts its orders purchased
    // need no totals any more). An incremental run: only the carts its carts window could bring.
    const limits = input.cartTotals ?? CART_TOTALS;
    const readTotals = async () => {
      if (mode !== "incremental") {
        // A first sync reads the newest open carts' totals only: against a slow store 1,000 of them
        // would cost as long as the whole history. The rest follow with the next syncs (below).
        await refreshCartTotals(ctx, null, limits.firstSync);
        return;
      }
      const since = (await getCheckpoint(db, channel.id, "carts", "incremental"))?.windowStart ?? null;
      await refreshCartTotals(ctx, since);
      // Then some of the open carts no sync has read yet, newest first; a run that changed nothing
      // asks Magento for nothing.
      const current = await getRun(db, runId);
      if (current && current.recordsChanged > 0) await refreshCartTotals(ctx, null, limits.backlog);
    };
    await requestOwner
      .run("carts", readTotals)
      .catch((error: unknown) => logger().warn({ component: "sync", runId }, `cart totals skipped: ${safeErrorMessage(error)}`));
    await flushCounters("carts");
  }
  run = (await getRun(db, runId)) ?? run;
  return finish(run.errorCount > 0 ? "partial" : "succeeded");
}

/**
 * The next round of a run fanned out over workers (Inngest runs each share as a parallel step):
 * the unfinished lanes of its initial passes divided among shares (lib/sync/shares.ts), or null
 * when the run's next ordinary step should go on instead: reference data not read yet, an
 * incremental run (a few pages), a cancel asked for, or a budget or history too small to divide.
 */
export async function planShares(input: { db: Db; runId: number } & Pick<RunnerOptions, "connectors">): Promise<Share[] | null> {
  const { db, runId } = input;
  const run = await getRun(db, runId);
  if (!run || (run.status !== "queued" && run.status !== "running") || run.cancelRequestedAt) return null;
  if (checkpointMode(run.mode) !== "initial") return null;
  const channel = await getChannel(db, run.channelId);
  const enabled = enabledConnectors(channel, await loadConnectors(input)).filter((c) => !statsOf(run, c.name).finishedAt);
  if (enabled.some((c) => !c.windowed)) return null;
  const budget = inFlightBudget(channel);
  const now = new Date();
  const passes = new Map<ConnectorName, Pass>();
  for (const connector of [...enabled].sort(byPriority)) {
    const pass = await loadPass(db, channel, connector, "initial", now, budget);
    if (pass && pass.lanes.length > 0) passes.set(connector.name, pass);
  }
  const companion = companionPass(enabled, passes);
  const divided = [...passes].filter(([name]) => name !== companion?.name);
  const shares = divideShares(
    divided.map(([connector, pass]) => ({ connector, lanes: pass.lanes })),
    budget,
    channel.maxRequestsPerSecond,
  );
  if (shares.length === 0) return null;
  // Every share reads the lanes it divides from the checkpoint: a pass not stored yet is stored as cut now.
  await db.transaction(async (tx) => {
    for (const [name, pass] of passes) {
      if (await getCheckpoint(tx, channel.id, name, "initial")) continue;
      await savePass(tx, channel, name, pass, { pages: 0, finished: false, maxUpdatedAt: null, covered: 0 }, now);
    }
  });
  return shares;
}

/**
 * Writes up to `maxPages` pages of one share of a fanned-out run (planShares): the lanes in its
 * territory, with its part of the channel's budget, on its own lock and lease row under the run's
 * parked lease (lib/sync/lease.ts). Several shares run at once, in this process or on other
 * machines; their pages take turns to commit and merge the checkpoints. The run itself is
 * finished by its next ordinary step (syncNextPages), never by a share.
 */
export async function syncShare(
  input: { db: Db; runId: number; share: Share; maxPages?: number } & RunnerOptions,
): Promise<{ pages: number; stopped: boolean }> {
  const { db, runId, share } = input;
  const run = await getRun(db, runId);
  if (!run || (run.status !== "queued" && run.status !== "running")) return { pages: 0, stopped: true };
  const channel = await getChannel(db, run.channelId);
  const owner = runLeaseOwner(runId);
  const hold = await ChannelHold.acquire(db, channel.id, shareSlot(share.index));
  let keeper: ReturnType<typeof setInterval> | null = null;
  try {
    if (!(await hold.claim(db, owner))) throw new SyncBusyError(channel.id, await leaseHolder(db, channel.id));
    // The run keeps the channel while its shares work (each page pushes its lease on, and so does this timer).
    await keepRunLease(db, channel.id, owner);
    keeper = setInterval(() => void keepRunLease(db, channel.id, owner).catch(() => {}), HEARTBEAT_MS);
    keeper.unref?.();
    return await writeSharePages(input, run, channel, hold);
  } catch (error) {
    if (error instanceof KeysetStalledError) {
      await failRun(db, runId, error.message);
      return { pages: 0, stopped: true };
    }
    if (error instanceof SyncBusyError) {
      // The run ended meanwhile (failed, given up on, canceled): nothing for a retry to do.
      const now = await getRun(db, runId);
      if (now && now.status !== "queued" && now.status !== "running") return { pages: 0, stopped: true };
    }
    throw withoutQuery(error);
  } finally {
    if (keeper) clearInterval(keeper);
    await hold.end();
  }
}

async function writeSharePages(
  input: { db: Db; runId: number; share: Share; maxPages?: number } & RunnerOptions,
  run: SyncRunRow,
  channel: ChannelRow,
  hold: ChannelHold,
): Promise<{ pages: number; stopped: boolean }> {
  const { db, runId, share } = input;
  const pageSize = input.pageSize ?? PAGE_SIZE;
  await markRunning(db, runId);
  const { counters, onRequest, flushCounters } = requestCounters(db, runId);
  // This share's part of the channel's budget and rate: all shares together stay within the channel's.
  const client =
    input.client ??
    createChannelClient({ ...channel, maxRequestsInFlight: share.inFlight, maxRequestsPerSecond: share.requestsPerSecond }, { onRequest });
  const ctx: SyncContext = { db, channel, client, runId };
  const enabled = enabledConnectors(channel, await loadConnectors(input)).filter((c) => !statsOf(run, c.name).finishedAt);
  const now = new Date();
  const passes = new Map<ConnectorName, Pass>();
  for (const connector of [...enabled].sort(byPriority)) {
    const pass = await loadPass(db, channel, connector, "initial", now, share.inFlight);
    if (pass) passes.set(connector.name, pass);
  }
  // Compared before the lanes are narrowed to the territory, as planShares compared them.
  const companion = companionPass(enabled, passes);
  const specs: PassSpec<PreparedPage>[] = [];
  for (const connector of [...enabled].sort(byPriority)) {
    const pass = passes.get(connector.name);
    const territory = share.territory[connector.name];
    if (!pass || !territory) continue;
    pass.lanes = pass.lanes.filter((lane) => inTerritory(lane, territory));
    if (pass.lanes.length > 0) specs.push(passSpec({ ctx, connector, pass, run, pageSize, budget: share.inFlight }));
  }
  const cancelled = () => runStopped(db, runId, input.signal);
  const byName = new Map(enabled.map((c) => [c.name as string, c]));
  const ended: Connector[] = [];
  let pages = 0;
  const result = await schedulePages(specs, {
    inFlight: share.inFlight,
    pageAllowance: input.maxPages ?? Number.POSITIVE_INFINITY,
    openEnd: now,
    shouldStop: cancelled,
    write: async (arrived) => {
      const connector = byName.get(arrived.connector)!;
      const carried = companion && connector.name === "customers" ? companion : null;
      const written = await writePage({ ctx, connector, companion: carried, arrived, counters, hold, runId, share });
      pages++;
      // This share wrote the pass's last page: every share's lanes are done.
      if (written.finished) ended.push(connector, ...(carried ? [carried] : []));
      input.onProgress?.(pageProgress(runId, connector, arrived, written));
      // The pass's pages of every share: one of them reaches each re-analyze point.
      await refreshPlannerStatistics(db, connector.name, written.passPages);
    },
  });
  for (const connector of ended) await afterPass(ctx, connector, run.mode, flushCounters);
  for (const name of counters.keys()) await flushCounters(name);
  // The next round's clients must not add to this one's last second (the shares' parts add up to the rate).
  await client.transport.settle();
  return { pages, stopped: result.stopped };
}

/**
 * Runs a whole sync in this process: holds the channel (ChannelHold: on Postgres a lock that dies
 * with this process), creates the run, writes every page, and finishes it. A thrown error marks
 * the run failed. Throws SyncBusyError when the channel is busy.
 */
export async function runChannelSync(
  input: {
    db: Db;
    channelId: number;
    mode: RunMode;
    trigger: RunTrigger;
    requestedByUserId?: number | null;
    /** Continue an existing (e.g. crashed) run instead of creating one. */
    runId?: number;
  } & RunnerOptions,
): Promise<SyncRunRow> {
  const { db } = input;
  const hold = input.hold ?? (await ChannelHold.acquire(db, input.channelId));
  try {
    const run = input.runId ? await getRun(db, input.runId) : await startRun(db, { ...input, hold });
    if (!run) throw new SyncRunError(`Sync run ${input.runId} does not exist.`);
    try {
      await syncNextPages({ ...input, runId: run.id, hold });
    } catch (error) {
      if (!(error instanceof SyncBusyError)) {
        await failRun(db, run.id, safeErrorMessage(error));
      }
      throw error;
    }
    return (await getRun(db, run.id))!;
  } finally {
    await hold.end();
  }
}

/** Whether every enabled connector finished its initial walk. */
export async function initialSyncCompleted(db: Db, channel: ChannelRow, connectorNames: readonly ConnectorName[]): Promise<boolean> {
  for (const name of connectorNames) {
    if (name !== "stores" && !channel.entities.includes(name)) continue;
    const row = await getCheckpoint(db, channel.id, name, "initial");
    if (!row?.completedAt) return false;
  }
  return true;
}

/**
 * Active channels whose sync interval has elapsed since their last run started (or never ran), and
 * at once those whose last run was left unfinished by a process that died (nobody holds the channel
 * any more): the next sync takes it over and resumes from the checkpoints.
 */
export async function dueChannels(db: Db, now = new Date()): Promise<ChannelRow[]> {
  const active = await db
    .select()
    .from(channels)
    .where(and(eq(channels.active, true), isNull(channels.deletingAt)));
  const due: ChannelRow[] = [];
  for (const channel of active) {
    if (await isDue(db, channel, now)) due.push(channel);
  }
  return due;
}

async function isDue(db: Db, channel: ChannelRow, now: Date): Promise<boolean> {
  if (!channel.credentialsEncrypted) return false;
  if (await leaseHolder(db, channel.id)) return false; // a sync (or a retry) holds it now
  const last = await latestRun(db, channel.id);
  if (last && (last.status === "queued" || last.status === "running")) return true;
  const since = last ? (last.startedAt ?? last.createdAt).getTime() : 0;
  return now.getTime() - since >= channel.syncIntervalMinutes * 60_000 - SCHEDULE_SLACK_MS;
}

/** The channel as it is now when it is still due (dueChannels' test on a fresh row), else null. */
async function stillDue(db: Db, channelId: number): Promise<ChannelRow | null> {
  const [channel] = await db
    .select()
    .from(channels)
    .where(and(eq(channels.id, channelId), eq(channels.active, true), isNull(channels.deletingAt)));
  return channel && (await isDue(db, channel, new Date())) ? channel : null;
}

/** The mode a scheduled sync of a channel uses: initial until it completed, then incremental. */
export async function scheduledMode(db: Db, channel: ChannelRow): Promise<"initial" | "incremental"> {
  return (await initialSyncCompleted(db, channel, CONNECTOR_ORDER)) ? "incremental" : "initial";
}

/**
 * Runs due syncs every minute in this process (when no Inngest server is configured).
 * A channel already held by another process is skipped; errors are logged, never thrown.
 */
export function startInProcessScheduler(input: {
  db: Db;
  intervalMs?: number;
  connectors?: readonly Connector[];
  log?: (line: string) => void;
}): { stop(): Promise<void>; tick(): Promise<void> } {
  // A caller's own log gets the line; the server's log also gets the ids as fields (lib/log.ts).
  const log = (line: string, fields: { channelId?: number; runId?: number } = {}, level: "info" | "warn" = "info") =>
    input.log ? input.log(line) : logger()[level]({ component: "sync", ...fields }, line);
  const controller = new AbortController();
  let running: Promise<void> | null = null;
  const tick = async () => {
    const due = await dueChannels(input.db);
    for (const listed of due) {
      if (controller.signal.aborted) return;
      let hold: ChannelHold | null = null;
      try {
        hold = await ChannelHold.acquire(input.db, listed.id);
        // The list was read before this tick's earlier syncs: meanwhile another replica may have
        // synced this channel and let go of it. Asked again under the hold, so it runs once per interval.
        const channel = await stillDue(input.db, listed.id);
        if (!channel) continue;
        const mode = await scheduledMode(input.db, channel);
        const handedOver = hold;
        hold = null; // runChannelSync ends it
        const run = await runChannelSync({
          db: input.db,
          channelId: channel.id,
          mode,
          trigger: "schedule",
          signal: controller.signal,
          connectors: input.connectors,
          hold: handedOver,
        });
        log(`channel "${channel.name}": ${mode} sync #${run.id} ${run.status}`, { channelId: channel.id, runId: run.id });
      } catch (error) {
        if (error instanceof SyncBusyError) continue;
        log(`channel "${listed.name}": sync failed: ${safeErrorMessage(error)}`, { channelId: listed.id }, "warn");
      } finally {
        await hold?.end();
      }
    }
  };
  const guardedTick = () => {
    if (running) return running;
    running = tick()
      .catch((error: unknown) => log(`scheduler: ${safeErrorMessage(error)}`, {}, "warn"))
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => void guardedTick(), input.intervalMs ?? 60_000);
  timer.unref?.();
  return {
    tick: guardedTick,
    async stop() {
      clearInterval(timer);
      controller.abort();
      await running;
    },
  };
}
