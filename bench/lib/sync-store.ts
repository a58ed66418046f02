// The sync bench's pieces shared by its phases: a simulator store with a throwaway database and
// one channel pointing at it, the simulator's control API, one sync in a child process, and the
// per-connector figures of a finished run.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { openDatabase, type Db } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { channels, syncRuns, type RequestBudgetSnapshot } from "@/db/schema";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { statsOf } from "@/lib/sync/runs";
import { CONNECTOR_ORDER, type ChannelRow } from "@/lib/sync/types";
import { ADMIN_URL, adminQuery, withDatabase } from "./database";
import { freePort, startSimulatorProcess } from "./simulator-process";

export const SYNC_BENCH_TOKEN = "bench-sync-token-0123456789";
export const DAY_MS = 24 * 60 * 60 * 1000;

export type WorkerInput = {
  url: string;
  channelId: number;
  mode: "initial" | "incremental";
  /** Drive the run as the Inngest function does: rounds of shares at once (lib/sync/shares.ts). */
  shares?: boolean;
};
export type WorkerOutput = {
  runId: number;
  status: string;
  wallMs: number;
  maxRssMb: number;
  /** With `shares`: rounds that fanned out, and the most shares in one round. */
  shareRounds?: number;
  maxShares?: number;
};
export type ConnectorRate = { records: number; seconds: number; perSecond: number; pages: number; requests: number };

/** What `GET /__simulator/requests` reports (the parts the bench reads). */
export type SimulatorPressure = { total: number; inFlight: number; maxConcurrent: number; maxPerSecond: number };

/** One call to the simulator's control API (its own routes: no faults, not counted). */
export async function simulatorCall<T>(port: number, method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${SYNC_BENCH_TOKEN}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export const simulatorPressure = (port: number) => simulatorCall<SimulatorPressure>(port, "GET", "/__simulator/requests?limit=1");

/** REST requests the simulator has answered since its last reset. */
export const requestTotal = async (port: number) => (await simulatorPressure(port)).total;

/** Runs one sync in a child process (`bench/run.ts sync --worker`), so its peak RSS is its own. */
export function runWorker(input: WorkerInput): Promise<WorkerOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/run.ts", "sync", "--worker", JSON.stringify(input)], {
      stdio: ["ignore", "pipe", "inherit"],
      env: process.env,
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0) return reject(new Error(`sync worker exited with code ${code}: ${out.slice(-2000)}`));
      try {
        resolve(JSON.parse(line) as WorkerOutput);
      } catch {
        reject(new Error(`sync worker printed no JSON: ${out.slice(-2000)}`));
      }
    });
  });
}

export type StoreOptions = {
  customers: number;
  orders: number;
  /** The channel's max_requests_in_flight. */
  budget: number;
  /** The channel's max_requests_per_second; the column's default when absent. */
  requestsPerSecond?: number;
  strictSchema: boolean;
};

export type BenchStore = { port: number; url: string; db: Db; channel: ChannelRow; simulatorState: unknown };

/**
 * Starts a simulator of that size, creates `portal_bench_<ts>` on TEST_DATABASE_URL, migrates it,
 * inserts a channel (bearer token sealed with the process's ENCRYPTION_KEY, sync start 5 years
 * back, every entity, the given request limits) and runs `body`. The database is dropped and the
 * simulator stopped afterwards, also on failure.
 */
export async function withBenchStore<T>(options: StoreOptions, body: (store: BenchStore) => Promise<T>): Promise<T> {
  const port = await freePort();
  const t0 = performance.now();
  const simulator = await startSimulatorProcess({
    port,
    customers: options.customers,
    orders: options.orders,
    token: SYNC_BENCH_TOKEN,
    strictSchema: options.strictSchema,
  });
  const name = `portal_bench_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  let handle: Awaited<ReturnType<typeof openDatabase>> | null = null;
  try {
    const simulatorState = await simulatorCall<unknown>(port, "GET", "/__simulator/state");
    console.log(`  simulator up in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(simulatorState)}`);
    await adminQuery(`create database "${name}"`);
    const url = withDatabase(ADMIN_URL, name);
    handle = await openDatabase({ databaseUrl: url, max: 4 });
    const db = handle.db;
    await migrateDatabase(db, "postgres");
    const startDate = new Date(Date.now() - 5 * 366 * DAY_MS).toISOString().slice(0, 10);
    const [channel] = await db
      .insert(channels)
      .values({
        name: "Bench store",
        baseUrl: `http://127.0.0.1:${port}`,
        authType: "bearer",
        credentialsEncrypted: sealCredentials({ type: "bearer", token: SYNC_BENCH_TOKEN }),
        syncStartDate: startDate,
        entities: ["customers", "carts", "orders", "credit_memos", "newsletter_subscribers"],
        maxRequestsInFlight: options.budget,
        ...(options.requestsPerSecond === undefined ? {} : { maxRequestsPerSecond: options.requestsPerSecond }),
      })
      .returning();
    console.log(
      `  channel: ${channel!.maxRequestsInFlight} requests in flight, ${channel!.maxRequestsPerSecond} requests/s${options.requestsPerSecond === undefined ? " (default)" : ""}`,
    );
    return await body({ port, url, db, channel: channel!, simulatorState });
  } finally {
    simulator.kill();
    if (handle) await handle.close().catch(() => {});
    await adminQuery(`drop database if exists "${name}" with (force)`).catch((error: unknown) =>
      console.error(`could not drop ${name}: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
}

/** Where a run's time went: before the first connector started, connectors, after the last finished. */
export type RunSpan = { beforeSeconds: number; connectorsSeconds: number; afterSeconds: number };

export type RunFigures = { rates: Record<string, ConnectorRate>; span: RunSpan | null; requestBudget: RequestBudgetSnapshot | null };

/**
 * A finished run's figures per connector: records/s = stats.fetched ÷ (finishedAt − startedAt),
 * with its pages and requests; the run's time around its connectors (the rest: ids-only passes,
 * rollups); and the client's request budget as the runner last reported it.
 */
export async function runFigures(db: Db, runId: number): Promise<RunFigures> {
  const [run] = await db.select().from(syncRuns).where(eq(syncRuns.id, runId));
  if (!run) throw new Error(`Run ${runId} is missing.`);
  const rates: Record<string, ConnectorRate> = {};
  let first = Infinity;
  let last = -Infinity;
  for (const connector of CONNECTOR_ORDER) {
    const stats = statsOf(run, connector);
    if (!stats.startedAt || !stats.finishedAt) continue;
    first = Math.min(first, Date.parse(stats.startedAt));
    last = Math.max(last, Date.parse(stats.finishedAt));
    const seconds = (Date.parse(stats.finishedAt) - Date.parse(stats.startedAt)) / 1000;
    rates[connector] = {
      records: stats.fetched,
      seconds,
      perSecond: stats.fetched / seconds,
      pages: stats.pages,
      requests: stats.requests,
    };
  }
  const span =
    run.startedAt && run.finishedAt && first <= last
      ? {
          beforeSeconds: (first - run.startedAt.getTime()) / 1000,
          connectorsSeconds: (last - first) / 1000,
          afterSeconds: (run.finishedAt.getTime() - last) / 1000,
        }
      : null;
  return { rates, span, requestBudget: run.requestBudget ?? null };
}

export function printInitial(initial: WorkerOutput, { rates, span }: RunFigures): void {
  console.log(`  initial sync: ${initial.status} in ${(initial.wallMs / 1000).toFixed(1)} s, peak RSS ${initial.maxRssMb.toFixed(0)} MB`);
  if (span) {
    console.log(
      `    run: ${span.beforeSeconds.toFixed(1)} s before the first connector, ${span.connectorsSeconds.toFixed(1)} s from its start to the last one's finish, ${span.afterSeconds.toFixed(1)} s after`,
    );
  }
  for (const [connector, r] of Object.entries(rates)) {
    console.log(
      `    ${connector.padEnd(24)} ${String(r.records).padStart(7)} records ${r.seconds.toFixed(1).padStart(7)} s ${Math.round(r.perSecond).toLocaleString("en-US").padStart(7)}/s  (${r.pages} pages, ${r.requests} requests)`,
    );
  }
}
