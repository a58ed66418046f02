import { and, eq, notLike, sql } from "drizzle-orm";
import type { Db, DbTx } from "@/db/client";
import { syncCheckpoints } from "@/db/schema";
import { isKeysetCursor, type KeysetCursor } from "@/lib/sync/keyset";
import { coveredShare, cutRange, readStoredLanes, storeLanes, type Lane } from "@/lib/sync/lanes";
import { mergeLanes, type TerritoryRange } from "@/lib/sync/shares";
import type { ChannelRow, ConnectorName } from "@/lib/sync/types";

// Where each connector of a channel has got, per mode. Written in the same transaction as the
// page it covers, so a crash at any moment resumes at the first page not yet written.
//
// A pass is a set of lanes (lib/sync/lanes.ts): disjoint [from, to) ranges of updated_at, each
// walked by keyset (lib/sync/keyset.ts), stored in `cursor.lanes` at their last written page.
// initial: covers [sync start date, the run's start); windowStart = the start date, windowEnd =
//   cursor.upperBound = the run's start (incremental syncs start from there); `page` = pages
//   written; cursor.covered = the share of the range done (progress).
// incremental: asks for updated_at >= windowStart (= lastUpdatedAt - OVERLAP), open end;
//   completedAt set (page null, no lanes) when the pass is done.

export const INCREMENTAL_OVERLAP_MS = 5 * 60 * 1000;
export const REFERENCE_DATA_MAX_AGE_MS = 60 * 60 * 1000;

export type CheckpointMode = "initial" | "incremental";
export type CheckpointRow = typeof syncCheckpoints.$inferSelect;

/** What is left of one connector's pass in one mode. */
export interface Pass {
  mode: CheckpointMode;
  /** Unfinished lanes (lib/sync/lanes.ts); a page-numbered connector has one without a window. */
  lanes: Lane[];
  /** initial: where the pass started (now, at its start): incremental syncs later start there. */
  upperBound: Date | null;
  /** The pass's lower end (initial: the sync start date; incremental: where it asks from). */
  lower: Date | null;
  /** Pages written in this pass before this run's step. */
  pagesBefore: number;
}

export async function getCheckpoint(
  db: Db | DbTx,
  channelId: number,
  connector: string,
  mode: CheckpointMode,
): Promise<CheckpointRow | null> {
  const [row] = await db
    .select()
    .from(syncCheckpoints)
    .where(and(eq(syncCheckpoints.channelId, channelId), eq(syncCheckpoints.connector, connector), eq(syncCheckpoints.mode, mode)));
  return row ?? null;
}

/** A channel's connector checkpoints (not the bookkeeping rows named "__…": lease, reconciliation). */
export async function listCheckpoints(db: Db, channelId: number): Promise<CheckpointRow[]> {
  return db
    .select()
    .from(syncCheckpoints)
    .where(and(eq(syncCheckpoints.channelId, channelId), notLike(syncCheckpoints.connector, "\\_\\_%")));
}

type CheckpointValues = Partial<
  Pick<CheckpointRow, "windowStart" | "windowEnd" | "lastUpdatedAt" | "lastOriginId" | "page" | "cursor" | "completedAt">
>;

/** Upserts one checkpoint (call it with the page's transaction). */
export async function saveCheckpoint(
  tx: Db | DbTx,
  channelId: number,
  connector: string,
  mode: CheckpointMode,
  values: CheckpointValues,
  /** Keep the stored last_updated_at when it is newer than `values.lastUpdatedAt` (or that is null). */
  options: { keepNewestUpdatedAt?: boolean } = {},
): Promise<void> {
  const lastUpdatedAt = options.keepNewestUpdatedAt
    ? { lastUpdatedAt: sql`greatest(${syncCheckpoints.lastUpdatedAt}, excluded.last_updated_at)` }
    : {};
  await tx
    .insert(syncCheckpoints)
    .values({ channelId, connector, mode, ...values })
    .onConflictDoUpdate({
      target: [syncCheckpoints.channelId, syncCheckpoints.connector, syncCheckpoints.mode],
      set: { ...values, ...lastUpdatedAt, updatedAt: new Date() },
    });
}

/** Deletes the initial checkpoints of a channel (a `full` run walks everything again). */
export async function resetInitialCheckpoints(tx: Db | DbTx, channelId: number, connectors: readonly string[]): Promise<void> {
  for (const connector of connectors) {
    await tx
      .delete(syncCheckpoints)
      .where(and(eq(syncCheckpoints.channelId, channelId), eq(syncCheckpoints.connector, connector), eq(syncCheckpoints.mode, "initial")));
  }
}

function syncStart(channel: Pick<ChannelRow, "syncStartDate">): Date | null {
  return channel.syncStartDate ? new Date(`${channel.syncStartDate}T00:00:00Z`) : null;
}

/** True when a connector's initial walk is complete. */
export function initialDone(row: CheckpointRow | null): boolean {
  return Boolean(row?.completedAt);
}

/**
 * Where a connector's pass continues, as lanes (lib/sync/lanes.ts), or null when there is nothing
 * left in this mode. A new initial pass covers [sync start date, now), cut into `lanesAtStart`
 * lanes when the start date is known; a new incremental pass asks from the newest updated_at
 * written (minus the overlap) with an open end. A checkpoint written before lanes existed (one
 * window walked back, plus everything older) is read as the lanes it amounts to.
 * `windowed: false` connectors (reference data) are one page-numbered lane.
 */
export async function loadPass(
  db: Db | DbTx,
  channel: ChannelRow,
  connector: { name: ConnectorName; windowed: boolean },
  mode: CheckpointMode,
  now: Date,
  lanesAtStart: number,
): Promise<Pass | null> {
  const row = await getCheckpoint(db, channel.id, connector.name, mode);
  const start = syncStart(channel);
  const single = (page: number, from: Date | null = null, to: Date | null = null, cursor: KeysetCursor | null = null): Lane[] => [
    { id: 0, from, to, page, cursor, done: false },
  ];
  if (!connector.windowed) {
    if (mode === "initial") {
      if (row?.completedAt) return null;
      return { mode, lanes: single(row?.page ?? 0), upperBound: null, lower: null, pagesBefore: row?.page ?? 0 };
    }
    // Reference data (websites, stores, groups) rarely changes: an incremental sync re-reads it
    // at most hourly, so a sync with nothing to do stays at one request per connector.
    const lastRead = row?.completedAt ?? (await getCheckpoint(db, channel.id, connector.name, "initial"))?.completedAt ?? null;
    if (lastRead && (!row || row.completedAt) && now.getTime() - lastRead.getTime() < REFERENCE_DATA_MAX_AGE_MS) return null;
    const page = row && !row.completedAt ? (row.page ?? 0) : 0;
    return { mode, lanes: single(page), upperBound: null, lower: null, pagesBefore: page };
  }
  if (mode === "initial") {
    if (row?.completedAt) return null;
    const stored = readStoredLanes(row?.cursor?.lanes);
    const upperBound = (row && readUpperBound(row)) ?? row?.windowEnd ?? now;
    const pagesBefore = row?.page ?? 0;
    if (row && stored) return { mode, lanes: stored, upperBound, lower: start, pagesBefore };
    if (row && row.windowEnd) {
      // Written by the backward walk: its current window, then everything older.
      const lanes = single(row.page ?? 0, row.windowStart, row.windowEnd, readKeyset(row));
      if (row.windowStart && (!start || start.getTime() < row.windowStart.getTime())) {
        lanes.push({ id: 1, from: start, to: row.windowStart, page: 0, cursor: null, done: false });
      }
      return { mode, lanes, upperBound, lower: start, pagesBefore: 0 };
    }
    const lanes = start && start.getTime() < now.getTime() ? cutRange(start, now, lanesAtStart) : single(0, start, now);
    return { mode, lanes, upperBound: now, lower: start, pagesBefore: 0 };
  }
  if (row && !row.completedAt && row.page !== null) {
    const stored = readStoredLanes(row.cursor?.lanes);
    const lanes = stored ?? single(row.page, row.windowStart, null, readKeyset(row));
    return { mode, lanes, upperBound: null, lower: row.windowStart, pagesBefore: row.page };
  }
  let since = row?.lastUpdatedAt ?? null;
  if (!since) {
    const initial = await getCheckpoint(db, channel.id, connector.name, "initial");
    since = (initial && readUpperBound(initial)) ?? start;
  }
  // Open-ended: a Magento whose clock runs ahead of ours still has its newest changes read now.
  const from = since ? new Date(since.getTime() - INCREMENTAL_OVERLAP_MS) : null;
  return { mode, lanes: single(0, from), upperBound: null, lower: from, pagesBefore: 0 };
}

function readKeyset(row: CheckpointRow): KeysetCursor | null {
  const value = row.cursor?.keyset;
  return isKeysetCursor(value) ? value : null;
}

function readUpperBound(row: CheckpointRow): Date | null {
  const value = row.cursor?.upperBound;
  return typeof value === "string" ? new Date(value) : null;
}

/**
 * Records, in ONE statement inside a page's transaction, where the pass stands after that page:
 * every unfinished lane at its last written page, the pages written so far and, when `finished`,
 * the pass's end. The newest updated_at seen so far is kept by the upsert itself (GREATEST).
 */
export async function savePass(
  tx: DbTx,
  channel: ChannelRow,
  connectorName: ConnectorName,
  pass: Pass,
  state: { pages: number; finished: boolean; maxUpdatedAt: Date | null; covered: number | null },
  now: Date,
): Promise<void> {
  const { mode, lanes } = pass;
  const { finished } = state;
  const lower = pass.lower;
  const stored = finished ? [] : storeLanes(lanes);
  const values: CheckpointValues =
    mode === "initial"
      ? {
          windowStart: lower,
          windowEnd: pass.upperBound,
          page: finished ? null : state.pages,
          cursor: {
            ...(pass.upperBound ? { upperBound: pass.upperBound.toISOString() } : {}),
            ...(finished ? {} : { lanes: stored }),
            ...(state.covered !== null ? { covered: state.covered } : {}),
          },
          completedAt: finished ? now : null,
        }
      : {
          windowStart: lower,
          windowEnd: null,
          page: finished ? null : state.pages,
          cursor: finished ? null : { lanes: stored },
          completedAt: finished ? now : null,
        };
  await saveCheckpoint(
    tx,
    channel.id,
    connectorName,
    mode,
    { ...values, lastUpdatedAt: state.maxUpdatedAt },
    { keepNewestUpdatedAt: true },
  );
}

/**
 * savePass for one share of a fanned-out run (lib/sync/shares.ts), inside its page's transaction
 * and while the channel's page transactions take turns: the stored lanes in the share's
 * `territory` become where its lanes stand now, the other shares' stay. Returns the pass's state
 * after the merge: pages of every share, finished when no share has a lane left.
 */
export async function saveSharedPass(
  tx: DbTx,
  channel: ChannelRow,
  connectorName: ConnectorName,
  pass: Pass,
  territory: readonly TerritoryRange[],
  maxUpdatedAt: Date | null,
): Promise<{ pages: number; finished: boolean; covered: number | null }> {
  const row = await getCheckpoint(tx, channel.id, connectorName, pass.mode);
  const lanes = mergeLanes(readStoredLanes(row?.cursor?.lanes) ?? [], pass.lanes, territory);
  const state = {
    pages: (row?.page ?? 0) + 1,
    finished: lanes.length === 0,
    covered: pass.lower && pass.upperBound ? coveredShare(lanes, pass.lower, pass.upperBound) : null,
  };
  await savePass(tx, channel, connectorName, { ...pass, lanes }, { ...state, maxUpdatedAt }, new Date());
  return state;
}
