import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { channels } from "@/db/schema";
import { listCheckpoints, type CheckpointRow } from "@/lib/sync/checkpoints";
import { FINISHED_STATUSES, getRun, statsOf, type SyncRunRow } from "@/lib/sync/runs";
import { CONNECTOR_ORDER, type ChannelRow, type ConnectorName } from "@/lib/sync/types";

// What the channel page shows of a run while it runs: per connector the figures the runner keeps
// in the run's stats (pages, records, requests), a rate, and — only when it can be estimated — how
// far the connector got through its time range and an ETA. Magento's total counts are not kept,
// so "how far" is measured in updated_at time covered, which the checkpoints do record:
// initial/full passes store the share of [sync start date, run start) their lanes covered; incremental
// passes go forward from their window start to now. No sync start date (open-ended initial walk):
// no estimate.

export type ConnectorState = "pending" | "running" | "done";

export interface ConnectorProgress {
  connector: ConnectorName;
  state: ConnectorState;
  pages: number;
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  requests: number;
  retries: number;
  startedAt: string | null;
  finishedAt: string | null;
  /** Records fetched per second while the connector ran (null before 2 s). */
  ratePerSecond: number | null;
  /** Share of the connector's updated_at range covered, 0..1 (null when it cannot be said). */
  fraction: number | null;
  /** The updated_at the walk has reached (initial: going back; incremental: going forward). */
  reachedAt: string | null;
  /** Seconds left by the covered share so far (null when it cannot be estimated). */
  etaSeconds: number | null;
}

export interface RunProgress {
  runId: number;
  channelId: number;
  status: SyncRunRow["status"];
  mode: SyncRunRow["mode"];
  trigger: SyncRunRow["trigger"];
  finished: boolean;
  cancelRequested: boolean;
  startedAt: string | null;
  finishedAt: string | null;
  heartbeatAt: string | null;
  recordsChanged: number;
  errorCount: number;
  errorMessage: string | null;
  connectors: ConnectorProgress[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** No ETA before this much of the range is covered or this long has passed: too noisy. */
const MIN_FRACTION = 0.02;
const MIN_ELAPSED_MS = 5_000;

function iso(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}

function connectorsOf(channel: Pick<ChannelRow, "entities"> | null, run: SyncRunRow): ConnectorName[] {
  return CONNECTOR_ORDER.filter((name) => name === "stores" || Boolean(run.stats[name]) || (channel?.entities.includes(name) ?? false));
}

/** Covered share of the range and the updated_at reached, from the connector's checkpoint. */
function coverage(
  run: SyncRunRow,
  channel: Pick<ChannelRow, "syncStartDate"> | null,
  checkpoint: CheckpointRow | undefined,
  now: Date,
): { fraction: number | null; reachedAt: Date | null } {
  if (!checkpoint) return { fraction: null, reachedAt: null };
  if (run.mode === "incremental") {
    const from = checkpoint.windowStart;
    const reached = checkpoint.lastUpdatedAt;
    if (!from || !reached || checkpoint.completedAt) return { fraction: null, reachedAt: reached };
    const span = now.getTime() - from.getTime();
    if (span <= 0) return { fraction: null, reachedAt: reached };
    return { fraction: clamp((reached.getTime() - from.getTime()) / span), reachedAt: reached };
  }
  // initial / full: the lanes store the share of [sync start date, run start) they no longer need.
  const covered = checkpoint.cursor?.covered;
  if (typeof covered === "number" && !checkpoint.completedAt) return { fraction: clamp(covered), reachedAt: null };
  // A checkpoint of the backward walk (before lanes): windows from cursor.upperBound back to the start date.
  const upper = typeof checkpoint.cursor?.upperBound === "string" ? new Date(checkpoint.cursor.upperBound) : checkpoint.windowEnd;
  const reached = checkpoint.windowEnd;
  const start = channel?.syncStartDate ? new Date(`${channel.syncStartDate}T00:00:00Z`) : null;
  if (!upper || !reached || !start || upper.getTime() - start.getTime() < DAY_MS / 24) return { fraction: null, reachedAt: reached };
  return { fraction: clamp((upper.getTime() - reached.getTime()) / (upper.getTime() - start.getTime())), reachedAt: reached };
}

function clamp(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/** Pure: the progress of a run from its row, its channel and the channel's checkpoints. */
export function computeProgress(
  run: SyncRunRow,
  channel: Pick<ChannelRow, "entities" | "syncStartDate"> | null,
  checkpoints: readonly CheckpointRow[],
  now = new Date(),
): RunProgress {
  const finished = FINISHED_STATUSES.includes(run.status);
  const checkpointMode = run.mode === "incremental" ? "incremental" : "initial";
  const connectors = connectorsOf(channel, run).map((name): ConnectorProgress => {
    const s = statsOf(run, name);
    const state: ConnectorState = s.finishedAt ? "done" : s.startedAt ? "running" : "pending";
    const started = s.startedAt ? new Date(s.startedAt) : null;
    const end = s.finishedAt ? new Date(s.finishedAt) : finished ? (run.finishedAt ?? now) : now;
    const elapsedMs = started ? end.getTime() - started.getTime() : 0;
    const ratePerSecond = started && elapsedMs >= 2_000 ? Math.round((s.fetched / (elapsedMs / 1000)) * 10) / 10 : null;
    let fraction: number | null = null;
    let reachedAt: Date | null = null;
    let etaSeconds: number | null = null;
    if (state === "running" && !finished) {
      const checkpoint = checkpoints.find((c) => c.connector === name && c.mode === checkpointMode);
      ({ fraction, reachedAt } = coverage(run, channel, checkpoint, now));
      if (fraction !== null && fraction >= MIN_FRACTION && fraction < 1 && elapsedMs >= MIN_ELAPSED_MS) {
        etaSeconds = Math.round((elapsedMs / 1000) * ((1 - fraction) / fraction));
      }
    } else if (state === "done") {
      fraction = 1;
    }
    return {
      connector: name,
      state,
      pages: s.pages,
      fetched: s.fetched,
      created: s.created,
      updated: s.updated,
      unchanged: s.unchanged,
      failed: s.failed,
      requests: s.requests,
      retries: s.retries,
      startedAt: s.startedAt ?? null,
      finishedAt: s.finishedAt ?? null,
      ratePerSecond,
      fraction,
      reachedAt: iso(reachedAt),
      etaSeconds,
    };
  });
  return {
    runId: run.id,
    channelId: run.channelId,
    status: run.status,
    mode: run.mode,
    trigger: run.trigger,
    finished,
    cancelRequested: run.cancelRequestedAt !== null,
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    heartbeatAt: iso(run.heartbeatAt),
    recordsChanged: run.recordsChanged,
    errorCount: run.errorCount,
    errorMessage: run.errorMessage,
    connectors,
  };
}

/** The progress of one run (null when it does not exist), for a user who may run syncs. */
export async function loadRunProgress(db: Db, user: SessionUser | null, runId: number, now = new Date()): Promise<RunProgress | null> {
  requirePermission(user, "run_syncs");
  const run = await getRun(db, runId);
  if (!run) return null;
  const [channel] = await db
    .select({ entities: channels.entities, syncStartDate: channels.syncStartDate })
    .from(channels)
    .where(eq(channels.id, run.channelId));
  const checkpoints = FINISHED_STATUSES.includes(run.status) ? [] : await listCheckpoints(db, run.channelId);
  return computeProgress(run, channel ?? null, checkpoints, now);
}
