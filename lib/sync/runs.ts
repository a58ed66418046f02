import { and, desc, eq, sql } from "drizzle-orm";
import type { Db, DbTx } from "@/db/client";
import { syncErrors, syncRuns, syncWarnings, type ConnectorStats, type RequestBudgetSnapshot, type SyncRunStatus } from "@/db/schema";
import type { FieldWarning } from "@/lib/magento/validate";
import { scrubErrorText } from "@/db/errors";

// sync_runs rows: one per sync of a channel, with per-connector figures in `stats` and totals in
// records_changed / error_count; sync_errors rows for every record that could not be kept;
// sync_warnings rows for fields of kept records that could not be read.

export type SyncRunRow = typeof syncRuns.$inferSelect;
export type SyncErrorRow = typeof syncErrors.$inferSelect;
export type RunMode = SyncRunRow["mode"];
export type RunTrigger = SyncRunRow["trigger"];

/** What the runner keeps per connector (a superset of the schema's ConnectorStats). */
export interface RunConnectorStats extends ConnectorStats {
  unchanged: number;
  failed: number;
  requests: number;
  retries: number;
  /** Warnings this run found first (a field already reported for the record is not counted again). */
  warnings: number;
  /** Records this connector's pages pointed to and the portal lacked, fetched by id and written first. */
  referenced: number;
}

export const PAYLOAD_EXCERPT_BYTES = 2048;
export const FINISHED_STATUSES: readonly SyncRunStatus[] = ["succeeded", "partial", "failed", "canceled"];

export function emptyStats(): RunConnectorStats {
  return {
    pages: 0,
    fetched: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
    errors: 0,
    requests: 0,
    retries: 0,
    warnings: 0,
    referenced: 0,
  };
}

export function statsOf(run: Pick<SyncRunRow, "stats">, connector: string): RunConnectorStats {
  return { ...emptyStats(), ...(run.stats[connector] as Partial<RunConnectorStats> | undefined) };
}

export async function createRun(
  db: Db | DbTx,
  input: { channelId: number; mode: RunMode; trigger: RunTrigger; requestedByUserId?: number | null; externalRunId?: string | null },
): Promise<SyncRunRow> {
  const [row] = await db
    .insert(syncRuns)
    .values({
      channelId: input.channelId,
      mode: input.mode,
      trigger: input.trigger,
      requestedByUserId: input.requestedByUserId ?? null,
      externalRunId: input.externalRunId ?? null,
      status: "queued",
    })
    .returning();
  return row!;
}

/**
 * Marks the channel's other unfinished runs failed. Called by a run that just claimed the channel's
 * lease: whoever ran them no longer holds it (its process died, the lease expired), so they will
 * never finish; left alone they would show as "running" forever.
 */
export async function failAbandonedRuns(db: Db | DbTx, channelId: number, exceptRunId: number): Promise<number> {
  const rows = await db
    .update(syncRuns)
    .set({
      status: "failed",
      finishedAt: new Date(),
      updatedAt: new Date(),
      errorMessage: sql`'Stopped without finishing: its process ended (last sign of life ' || coalesce(to_char(${syncRuns.heartbeatAt} at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS'), 'none') || ' UTC). Sync #' || ${exceptRunId}::text || ' continues from its checkpoints.'`,
    })
    .where(and(eq(syncRuns.channelId, channelId), sql`${syncRuns.status} in ('queued', 'running')`, sql`${syncRuns.id} <> ${exceptRunId}`))
    .returning({ id: syncRuns.id });
  return rows.length;
}

export async function getRun(db: Db | DbTx, runId: number): Promise<SyncRunRow | null> {
  const [row] = await db.select().from(syncRuns).where(eq(syncRuns.id, runId));
  return row ?? null;
}

/**
 * The channel's run an Inngest run created (sync_runs.external_run_id), or null. Scoped by channel
 * so the lookup rides the channel index; Inngest run ids are unique anyway.
 */
export async function findRunByExternalId(db: Db | DbTx, channelId: number, externalRunId: string): Promise<SyncRunRow | null> {
  const [row] = await db
    .select()
    .from(syncRuns)
    .where(and(eq(syncRuns.channelId, channelId), eq(syncRuns.externalRunId, externalRunId)))
    .orderBy(desc(syncRuns.id))
    .limit(1);
  return row ?? null;
}

/** Marks a queued run running (sets started_at once) and beats its heartbeat. */
export async function markRunning(db: Db | DbTx, runId: number): Promise<void> {
  await db
    .update(syncRuns)
    .set({ status: "running", startedAt: sql`coalesce(${syncRuns.startedAt}, now())`, heartbeatAt: new Date(), updatedAt: new Date() })
    .where(and(eq(syncRuns.id, runId), sql`${syncRuns.status} in ('queued', 'running')`));
}

export async function heartbeat(db: Db | DbTx, runId: number): Promise<void> {
  await db.update(syncRuns).set({ heartbeatAt: new Date() }).where(eq(syncRuns.id, runId));
}

/** The Magento client's in-flight budget as a run last reported it (sync_runs.request_budget), with its time. */
export type RunRequestBudget = RequestBudgetSnapshot;

/**
 * Adds to one connector's figures in the run's stats document and the run's totals (read under a
 * row lock, rewritten), and with a page also the client's request budget. Inside a transaction
 * only: outside one the lock would end with the read, and a page written at the same moment would
 * lose its figures (`addConnectorStatsNow` opens one).
 */
export async function addConnectorStats(
  tx: DbTx,
  runId: number,
  connector: string,
  delta: Partial<RunConnectorStats>,
  budget?: Omit<RunRequestBudget, "updatedAt" | "shares">,
  /** The share of a fanned-out run that reports `budget` (lib/sync/shares.ts). */
  share?: number,
): Promise<void> {
  const [run] = await tx.select().from(syncRuns).where(eq(syncRuns.id, runId)).for("update");
  if (!run) throw new Error(`Sync run ${runId} does not exist.`);
  const current = statsOf(run, connector);
  const next: RunConnectorStats = { ...current };
  for (const [key, value] of Object.entries(delta) as [keyof RunConnectorStats, unknown][]) {
    if (typeof value === "number") (next as unknown as Record<string, number>)[key] = ((current[key] as number | undefined) ?? 0) + value;
    else if (typeof value === "string") (next as unknown as Record<string, string>)[key] = value;
  }
  const changed = (delta.created ?? 0) + (delta.updated ?? 0);
  const errors = delta.errors ?? 0;
  await tx
    .update(syncRuns)
    .set({
      stats: { ...run.stats, [connector]: next },
      recordsChanged: run.recordsChanged + changed,
      errorCount: run.errorCount + errors,
      heartbeatAt: new Date(),
      updatedAt: new Date(),
      ...(budget ? { requestBudget: requestBudgetOf(budget, share, run.requestBudget ?? null) } : {}),
    })
    .where(eq(syncRuns.id, runId));
}

/** addConnectorStats in a transaction of its own (between pages, while other connectors write theirs). */
export async function addConnectorStatsNow(db: Db, runId: number, connector: string, delta: Partial<RunConnectorStats>): Promise<void> {
  await db.transaction((tx) => addConnectorStats(tx, runId, connector, delta));
}

/** A share's report counts in the run's sum for this long after it was made. */
const SHARE_REPORT_MAX_AGE_MS = 60_000;

function requestBudgetOf(
  budget: Omit<RunRequestBudget, "updatedAt" | "shares">,
  share: number | undefined,
  previous: RunRequestBudget | null,
): RunRequestBudget {
  const now = new Date();
  const own = {
    inFlight: budget.inFlight,
    limit: budget.limit,
    max: budget.max,
    maxInFlightSeen: budget.maxInFlightSeen,
    decreases: budget.decreases,
    updatedAt: now.toISOString(),
  };
  if (share === undefined) return own;
  // Several workers share the run: the channel's figures are the sum of the shares' recent reports.
  const shares = Object.fromEntries(
    Object.entries(previous?.shares ?? {}).filter(([, r]) => now.getTime() - Date.parse(r.updatedAt) < SHARE_REPORT_MAX_AGE_MS),
  );
  shares[String(share)] = own;
  const reports = Object.values(shares);
  const sum = (key: "inFlight" | "limit" | "max" | "maxInFlightSeen" | "decreases") => reports.reduce((total, r) => total + r[key], 0);
  return {
    inFlight: sum("inFlight"),
    limit: sum("limit"),
    max: sum("max"),
    maxInFlightSeen: sum("maxInFlightSeen"),
    decreases: sum("decreases"),
    updatedAt: own.updatedAt,
    shares,
  };
}

export interface SyncErrorInput {
  connector: string;
  originId: string | number | null;
  page?: number | null;
  field?: string | null;
  message: string;
  payload?: unknown;
  retryable?: boolean;
}

/** A JSON payload cut to at most 2 KB of text (kept as {excerpt, truncated} when cut). */
export function payloadExcerpt(payload: unknown): unknown {
  if (payload === undefined) return null;
  let text: string;
  try {
    text = JSON.stringify(payload) ?? "null";
  } catch {
    text = String(payload);
  }
  if (Buffer.byteLength(text) <= PAYLOAD_EXCERPT_BYTES) return JSON.parse(text) as unknown;
  return {
    excerpt: Buffer.from(text)
      .subarray(0, PAYLOAD_EXCERPT_BYTES - 64)
      .toString("utf8"),
    truncated: true,
  };
}

export async function recordErrors(
  tx: Db | DbTx,
  run: { id: number; channelId: number },
  errors: readonly SyncErrorInput[],
): Promise<void> {
  if (errors.length === 0) return;
  await tx.insert(syncErrors).values(
    errors.map((e) => ({
      runId: run.id,
      channelId: run.channelId,
      connector: e.connector,
      originId: e.originId === null ? null : String(e.originId),
      page: e.page ?? null,
      field: e.field ?? null,
      message: e.message.slice(0, 2000),
      payload: payloadExcerpt(e.payload),
      retryable: e.retryable === undefined ? null : String(e.retryable),
    })),
  );
}

export interface SyncWarningInput {
  /** The record's kind: customers, carts, orders, credit_memos. */
  connector: string;
  originId: string | number;
  field: string;
  message: string;
  raw: unknown;
}

/** A reader's warnings of one kind of record, as recordWarnings takes them (those without a readable id dropped). */
export function warningInputs(kind: string, warnings: readonly FieldWarning[]): SyncWarningInput[] {
  return warnings.flatMap((w) =>
    w.id === null ? [] : [{ connector: kind, originId: w.id, field: w.field, message: w.message, raw: w.raw }],
  );
}

/**
 * Records warnings of kept records: new ones are inserted with this run as their first, known
 * ones (same record and field) only move last_seen_at. Returns how many were new.
 */
export async function recordWarnings(
  tx: Db | DbTx,
  /** id null: outside a run ("Sync this record"). */
  run: { id: number | null; channelId: number },
  warnings: readonly SyncWarningInput[],
): Promise<number> {
  if (warnings.length === 0) return 0;
  const unique = new Map<string, SyncWarningInput>();
  for (const w of warnings) unique.set(`${w.connector}\u0000${w.originId}\u0000${w.field}`, w);
  const rows = await tx
    .insert(syncWarnings)
    .values(
      [...unique.values()].map((w) => ({
        channelId: run.channelId,
        connector: w.connector,
        originId: String(w.originId),
        field: w.field.slice(0, 500),
        message: w.message.slice(0, 2000),
        rawValue: { value: payloadExcerpt(w.raw) },
        firstRunId: run.id,
        lastRunId: run.id,
      })),
    )
    .onConflictDoUpdate({
      target: [syncWarnings.channelId, syncWarnings.connector, syncWarnings.originId, syncWarnings.field],
      set: { lastRunId: run.id, lastSeenAt: sql`now()`, message: sql`excluded.message`, rawValue: sql`excluded.raw_value` },
    })
    // xmax = 0 only on a row this statement inserted (an update of a known warning sets it).
    .returning({ inserted: sql<boolean>`(xmax = 0)` });
  return rows.filter((row) => row.inserted === true || (row.inserted as unknown) === "t").length;
}

/** The kind of record a connector reads: subscribers are customers, and share their warnings. */
export function recordKind(connector: string): string {
  return connector === "newsletter_subscribers" ? "customers" : connector;
}

/** A run's warnings in all (the sum over its connectors). */
export function warningCount(run: Pick<SyncRunRow, "stats">): number {
  return Object.keys(run.stats).reduce((sum, connector) => sum + statsOf(run, connector).warnings, 0);
}

/** Ends a run. `partial` when some records failed; a failure keeps its message. Idempotent on finished runs. */
export async function finishRun(
  db: Db | DbTx,
  runId: number,
  outcome: { status: Exclude<SyncRunStatus, "queued" | "running">; errorMessage?: string | null },
): Promise<SyncRunRow | null> {
  const [row] = await db
    .update(syncRuns)
    .set({
      status: outcome.status,
      errorMessage: outcome.errorMessage ? scrubErrorText(outcome.errorMessage) : null,
      finishedAt: new Date(),
      updatedAt: new Date(),
    })
    .where(and(eq(syncRuns.id, runId), sql`${syncRuns.status} in ('queued', 'running')`))
    .returning();
  return row ?? null;
}

/** Asks a run to stop; the runner checks between pages. Returns false when it is already finished. */
export async function requestCancel(db: Db, runId: number): Promise<boolean> {
  const rows = await db
    .update(syncRuns)
    .set({ cancelRequestedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(syncRuns.id, runId), sql`${syncRuns.status} in ('queued', 'running')`))
    .returning({ id: syncRuns.id });
  return rows.length > 0;
}

export async function listRuns(db: Db, channelId: number, limit = 20): Promise<SyncRunRow[]> {
  return db
    .select()
    .from(syncRuns)
    .where(eq(syncRuns.channelId, channelId))
    .orderBy(desc(syncRuns.createdAt), desc(syncRuns.id))
    .limit(limit);
}

export async function listErrors(db: Db, channelId: number, options: { runId?: number; limit?: number } = {}): Promise<SyncErrorRow[]> {
  const where = options.runId
    ? and(eq(syncErrors.channelId, channelId), eq(syncErrors.runId, options.runId))
    : eq(syncErrors.channelId, channelId);
  return db
    .select()
    .from(syncErrors)
    .where(where)
    .orderBy(desc(syncErrors.createdAt), desc(syncErrors.id))
    .limit(options.limit ?? 50);
}

/** The newest run of a channel, if any. */
export async function latestRun(db: Db, channelId: number): Promise<SyncRunRow | null> {
  const [row] = await listRuns(db, channelId, 1);
  return row ?? null;
}
