import { and, eq, notLike, sql } from "drizzle-orm";
import type { Db, DbTx } from "@/db/client";
import { syncCheckpoints } from "@/db/schema";
import { isKeysetCursor, type KeysetCursor } from "@/lib/sync/keyset";
import type { ChannelRow, ConnectorName, UpdatedWindow } from "@/lib/sync/types";

// Where each connector of a channel has got, per mode. Written in the same transaction as the
// page it covers, so a crash at any moment resumes at the first page not yet written.
//
// initial: walks from the run's start BACKWARDS to the channel's sync start date in windows of
//   updated_at ([windowStart, windowEnd), WINDOW_DAYS wide); `page` = pages written in the window,
//   cursor.keyset = where the next page starts (lib/sync/keyset.ts).
//   cursor.upperBound = the first window's end: incremental syncs start from there.
// incremental: one pass asks for updated_at >= windowStart (= lastUpdatedAt - OVERLAP), open end;
//   `page` and cursor.keyset as above; completedAt set (page null) when the pass is done.

export const WINDOW_DAYS = 30;
/** The widest a window grows to over quiet history (see nextWindowBack). */
export const MAX_WINDOW_DAYS = 2 * 365;
export const INCREMENTAL_OVERLAP_MS = 5 * 60 * 1000;
export const REFERENCE_DATA_MAX_AGE_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export type CheckpointMode = "initial" | "incremental";
export type CheckpointRow = typeof syncCheckpoints.$inferSelect;

/** The next page to fetch for one connector. */
export interface Position {
  mode: CheckpointMode;
  window: UpdatedWindow;
  /** 1-based page within the window to fetch next. */
  page: number;
  /** Keyset position inside the window (null = its start, or a page-numbered connector). */
  cursor: KeysetCursor | null;
  /** initial: the first window's end (where incremental later starts). */
  upperBound: Date | null;
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

/** [max(start, end - WINDOW_DAYS), end); open start when the channel has no sync start date. */
function windowEndingAt(end: Date, start: Date | null): UpdatedWindow {
  if (!start) return { from: null, to: end };
  const from = new Date(Math.max(start.getTime(), end.getTime() - WINDOW_DAYS * DAY_MS));
  return { from, to: end };
}

/**
 * The window before `window` on the way back to `start`. Its width adapts to how full the last
 * one was: a store with few changes per month crosses years of history in a few requests instead
 * of one (mostly empty) request per 30 days; busy periods stay at WINDOW_DAYS, so the newest
 * data still arrives first and a window's checkpoint stays small.
 */
export function nextWindowBack(window: { from: Date; to: Date }, pagesInWindow: number, start: Date | null): UpdatedWindow {
  const width = window.to.getTime() - window.from.getTime();
  const base = WINDOW_DAYS * DAY_MS;
  const grown = pagesInWindow <= 2 ? Math.min(width * 4, MAX_WINDOW_DAYS * DAY_MS) : base;
  const from = new Date(start ? Math.max(start.getTime(), window.from.getTime() - grown) : window.from.getTime() - grown);
  return { from, to: window.from };
}

/**
 * Where an initial walk goes after the last page of `position`'s window, as advanceCheckpoint
 * will record it, or null when the walk ends there (or the mode is not a windowed initial walk).
 * Lets the runner fetch the next window's first page while the current one is written.
 */
export function positionAfterWindow(channel: Pick<ChannelRow, "syncStartDate">, position: Position): Position | null {
  const { window } = position;
  if (position.mode !== "initial" || window.from === null || window.to === null) return null;
  const start = syncStart(channel);
  if (start !== null && window.from.getTime() <= start.getTime()) return null;
  const next = nextWindowBack({ from: window.from, to: window.to }, position.page, start);
  return { mode: "initial", window: next, page: 1, cursor: null, upperBound: position.upperBound };
}

/** Same place to continue from (window, page, keyset). */
export function samePosition(a: Position, b: Position): boolean {
  const time = (d: Date | null) => (d === null ? null : d.getTime());
  return (
    a.mode === b.mode &&
    a.page === b.page &&
    time(a.window.from) === time(b.window.from) &&
    time(a.window.to) === time(b.window.to) &&
    JSON.stringify(a.cursor) === JSON.stringify(b.cursor)
  );
}

/** True when a connector's initial walk is complete. */
export function initialDone(row: CheckpointRow | null): boolean {
  return Boolean(row?.completedAt);
}

/**
 * Where a connector continues, or null when there is nothing left in this mode.
 * `windowed: false` connectors fetch everything (no window) in both modes.
 */
export async function currentPosition(
  db: Db | DbTx,
  channel: ChannelRow,
  connector: { name: ConnectorName; windowed: boolean },
  mode: CheckpointMode,
  now: Date,
): Promise<Position | null> {
  const row = await getCheckpoint(db, channel.id, connector.name, mode);
  if (mode === "initial") {
    if (row?.completedAt) return null;
    if (!connector.windowed) return { mode, window: { from: null, to: null }, page: (row?.page ?? 0) + 1, cursor: null, upperBound: null };
    if (row && row.windowEnd) {
      const upperBound = readUpperBound(row) ?? row.windowEnd;
      return { mode, window: { from: row.windowStart, to: row.windowEnd }, page: (row.page ?? 0) + 1, cursor: readKeyset(row), upperBound };
    }
    return { mode, window: windowEndingAt(now, syncStart(channel)), page: 1, cursor: null, upperBound: now };
  }
  if (!connector.windowed) {
    // Reference data (websites, stores, groups) rarely changes: an incremental sync re-reads it
    // at most hourly, so a sync with nothing to do stays at one request per connector.
    const lastRead = row?.completedAt ?? (await getCheckpoint(db, channel.id, connector.name, "initial"))?.completedAt ?? null;
    if (lastRead && (!row || row.completedAt) && now.getTime() - lastRead.getTime() < REFERENCE_DATA_MAX_AGE_MS) return null;
    const page = row && !row.completedAt ? (row.page ?? 0) + 1 : 1;
    return { mode, window: { from: null, to: null }, page, cursor: null, upperBound: null };
  }
  if (row && !row.completedAt && row.page !== null) {
    return { mode, window: { from: row.windowStart, to: null }, page: row.page + 1, cursor: readKeyset(row), upperBound: null };
  }
  let since = row?.lastUpdatedAt ?? null;
  if (!since) {
    const initial = await getCheckpoint(db, channel.id, connector.name, "initial");
    since = (initial && readUpperBound(initial)) ?? syncStart(channel);
  }
  const from = since ? new Date(since.getTime() - INCREMENTAL_OVERLAP_MS) : null;
  return { mode, window: { from, to: null }, page: 1, cursor: null, upperBound: null };
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
 * Records that `position.page` was written; returns whether the connector is finished in this mode.
 * `pageDone` = the fetch said it was the window's last page; `keyset` = where the next page starts.
 */
/** Whether writing the page at `position` (`done`: its window's last) finishes the connector's pass. */
export function pageFinishesPass(channel: Pick<ChannelRow, "syncStartDate">, position: Position, done: boolean): boolean {
  if (!done) return false;
  if (position.mode !== "initial") return true;
  const { window } = position;
  const start = syncStart(channel);
  return window.from === null || window.to === null || (start !== null && window.from.getTime() <= start.getTime());
}

/**
 * Records that the page at `position` was written, in ONE statement (it runs in every page's
 * transaction): the newest updated_at seen so far is kept by the upsert itself (GREATEST).
 */
export async function advanceCheckpoint(
  tx: DbTx,
  channel: ChannelRow,
  connectorName: ConnectorName,
  position: Position,
  page: { done: boolean; keyset: KeysetCursor | null; maxUpdatedAt: Date | null },
  now: Date,
): Promise<{ finished: boolean }> {
  const { mode, window } = position;
  const pageDone = page.done;
  const finished = pageFinishesPass(channel, position, pageDone);
  const keyset = pageDone ? null : page.keyset;
  const save = (values: CheckpointValues) =>
    saveCheckpoint(tx, channel.id, connectorName, mode, { ...values, lastUpdatedAt: page.maxUpdatedAt }, { keepNewestUpdatedAt: true });
  if (mode === "initial") {
    const bound = position.upperBound ? { upperBound: position.upperBound.toISOString() } : {};
    const cursor = { ...bound, ...(keyset ? { keyset } : {}) };
    if (!pageDone) {
      await save({ windowStart: window.from, windowEnd: window.to, page: position.page, cursor, completedAt: null });
    } else if (finished) {
      await save({ windowStart: window.from, windowEnd: window.to, page: null, cursor, completedAt: now });
    } else {
      // Window finished: step back one window.
      const next = nextWindowBack(window as { from: Date; to: Date }, position.page, syncStart(channel));
      await save({ windowStart: next.from, windowEnd: next.to, page: 0, cursor, completedAt: null });
    }
    return { finished };
  }
  await save({
    windowStart: window.from,
    windowEnd: null,
    page: pageDone ? null : position.page,
    cursor: keyset ? { keyset } : null,
    completedAt: pageDone ? now : null,
  });
  return { finished };
}
