import { isKeysetCursor, type KeysetCursor } from "@/lib/sync/keyset";
import type { UpdatedWindow } from "@/lib/sync/types";

// A connector's pass cut into lanes: disjoint updated_at ranges that together cover what is left
// to fetch, each walked on its own by keyset (lib/sync/keyset.ts), so several can be in flight at
// once against a slow Magento. A lane that has fetched a page and still has more than a page left
// is split in two by time when the pass has room for another lane; it keeps the older half and a
// new lane takes the newer one. A lane is split only between its requests (never while one of
// its pages is on the way), so a page always lies inside its lane.
//
// Every page's transaction stores the whole set (`cursor.lanes` of the checkpoint), each lane at
// its last *written* page. A split changes two lanes in one synchronous step, so every stored set
// covers exactly the rest of the pass: a crash resumes every unfinished lane, nothing skipped,
// nothing doubled.

export interface Lane {
  id: number;
  /** [from, to) of updated_at; null = open. */
  from: Date | null;
  to: Date | null;
  /** Pages written in this lane. */
  page: number;
  /** Where the next page starts (after the last written page); null = the lane's start. */
  cursor: KeysetCursor | null;
  /** The lane's last page was written. */
  done: boolean;
}

export interface StoredLane {
  from: string | null;
  to: string | null;
  page: number;
  keyset?: KeysetCursor;
}

const SECOND_MS = 1000;

export function laneWindow(lane: Pick<Lane, "from" | "to">): UpdatedWindow {
  return { from: lane.from, to: lane.to };
}

export function storeLanes(lanes: readonly Lane[]): StoredLane[] {
  return lanes
    .filter((lane) => !lane.done)
    .map((lane) => ({
      from: lane.from ? lane.from.toISOString() : null,
      to: lane.to ? lane.to.toISOString() : null,
      page: lane.page,
      ...(lane.cursor ? { keyset: lane.cursor } : {}),
    }));
}

function readDate(value: unknown): Date | null | undefined {
  if (value === null) return null;
  if (typeof value !== "string") return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The lanes stored in a checkpoint cursor, or null when it holds none (or an unreadable set). */
export function readStoredLanes(value: unknown): Lane[] | null {
  if (!Array.isArray(value)) return null;
  const lanes: Lane[] = [];
  for (const item of value as unknown[]) {
    if (!item || typeof item !== "object") return null;
    const raw = item as Record<string, unknown>;
    const from = readDate(raw.from);
    const to = readDate(raw.to);
    if (from === undefined || to === undefined || typeof raw.page !== "number") return null;
    const keyset = raw.keyset === undefined ? null : isKeysetCursor(raw.keyset) ? raw.keyset : undefined;
    if (keyset === undefined) return null;
    lanes.push({ id: lanes.length, from, to, page: raw.page, cursor: keyset, done: false });
  }
  return lanes;
}

/** Cuts [from, to) into `count` lanes of equal time (whole seconds), oldest first. */
export function cutRange(from: Date, to: Date, count: number, firstId = 0): Lane[] {
  const span = to.getTime() - from.getTime();
  const pieces = Math.max(1, Math.min(count, Math.floor(span / SECOND_MS)));
  const lanes: Lane[] = [];
  let start = from;
  for (let i = 1; i <= pieces; i++) {
    const end = i === pieces ? to : new Date(Math.floor((from.getTime() + (span * i) / pieces) / SECOND_MS) * SECOND_MS);
    if (end.getTime() <= start.getTime()) continue;
    lanes.push({ id: firstId + lanes.length, from: start, to: end, page: 0, cursor: null, done: false });
    start = end;
  }
  return lanes;
}

/** Where the rest of a lane starts in time: its cursor's timestamp, or its start. */
export function restStart(lane: Lane): Date | null {
  if (lane.cursor) return new Date(`${lane.cursor.at.replace(" ", "T")}Z`);
  return lane.from;
}

/**
 * Splits the rest of `lane` (from its cursor on) into `pieces` by time: `lane` keeps the oldest
 * part, new lanes take the others. `openEnd` stands for an open-ended lane's end (now). A lane
 * inside one second, in a tie (a page's worth of one timestamp), or with no known start is left
 * whole. Returns the new lanes (empty when nothing was split). Mutates `lane.to`.
 */
export function splitLane(lane: Lane, pieces: number, openEnd: Date, nextId: () => number): Lane[] {
  if (pieces < 2 || lane.done || lane.cursor?.kind === "tie") return [];
  const start = restStart(lane);
  if (!start) return [];
  // Cut at whole seconds (Magento compares updated_at by the second), the first cut strictly after
  // the rest's first second: records at the cursor's own timestamp stay in this lane.
  const from = Math.floor(start.getTime() / SECOND_MS) * SECOND_MS;
  const end = (lane.to ?? openEnd).getTime();
  const parts = end - from >= 2 * SECOND_MS ? cutRange(new Date(from), new Date(end), pieces) : [];
  if (parts.length < 2) return [];
  const created = parts.slice(1).map((part, i) => ({
    id: nextId(),
    from: part.from,
    // The newest part keeps the lane's own end (open for an incremental pass).
    to: i === parts.length - 2 ? lane.to : part.to,
    page: 0,
    cursor: null,
    done: false,
  }));
  lane.to = parts[0]!.to;
  return created;
}

/** Share of [lower, upper) the unfinished lanes no longer need (0..1), for progress and ETAs. */
export function coveredShare(lanes: readonly Lane[], lower: Date, upper: Date): number {
  const total = upper.getTime() - lower.getTime();
  if (total <= 0) return 1;
  let left = 0;
  for (const lane of lanes) {
    if (lane.done) continue;
    const start = Math.max(lower.getTime(), (restStart(lane) ?? lower).getTime());
    const end = Math.min(upper.getTime(), (lane.to ?? upper).getTime());
    if (end > start) left += end - start;
  }
  return Math.min(1, Math.max(0, 1 - left / total));
}
