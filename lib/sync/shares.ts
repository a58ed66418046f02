import { restStart, type Lane } from "@/lib/sync/lanes";
import type { ConnectorName } from "@/lib/sync/types";

// A run's history fanned out over several workers (Inngest runs each share as a parallel step,
// possibly on different machines). The plan divides the unfinished lanes of the initial passes
// (lib/sync/lanes.ts) among the shares, round robin, and the channel's budget with them: share i
// keeps at most its part of the requests in flight and of the requests per second, so all the
// shares together never press the store harder than the channel allows.
//
// A share owns a territory: the [from, to) ranges of the lanes it was given. Lanes only narrow
// (a lane's cursor moves inside it, a split cuts it in two), so every lane later stored for the
// pass lies inside exactly one share's territory. Each page's transaction merges the checkpoint
// by that rule: the stored lanes inside this share's territory are replaced by where its lanes
// stand now, the others are kept as the other shares last wrote them. Page transactions of one
// channel take turns (an advisory transaction lock), so a merge never reads a set another share
// is about to replace.

/** An updated_at range [from, to) as ISO strings (null = open), as a step's JSON carries it. */
export type TerritoryRange = [from: string | null, to: string | null];

export interface Share {
  /** 0-based; the share's lock and lease row (lib/sync/lease.ts shareSlot). */
  index: number;
  /** Shares in this round of the fan-out. */
  of: number;
  /** Requests this share keeps in flight at most (its part of the channel's budget). */
  inFlight: number;
  /** Its part of the channel's requests-per-second cap. */
  requestsPerSecond: number;
  /** Per connector, the ranges whose lanes this share walks. */
  territory: Partial<Record<ConnectorName, TerritoryRange[]>>;
}

/** Requests one share keeps in flight: the channel's budget over this many is one more worker. */
export const REQUESTS_PER_SHARE = 4;
/** At most this many workers on one channel (the Inngest function's concurrency per channel). */
export const MAX_SHARES = 8;
/**
 * Pages a share writes per step. Every round ends by waiting for its slowest share and its last
 * requests, so rounds are long enough (about 10 s against an 800 ms store) for that to cost little.
 */
export const PAGES_PER_SHARE = 50;

export interface ShareablePass {
  connector: ConnectorName;
  lanes: readonly Lane[];
}

/**
 * How many shares a channel's budget, rate and lanes make (1: not worth fanning out). Each share
 * needs a whole request in flight and a whole request per second of its own.
 */
export function shareCount(budget: number, requestsPerSecond: number, lanes: number): number {
  return Math.max(1, Math.min(MAX_SHARES, Math.ceil(budget / REQUESTS_PER_SHARE), lanes, budget, Math.floor(requestsPerSecond)));
}

/**
 * Divides the passes' unfinished lanes among shares, round robin in the passes' order (the first
 * pass's lanes spread over every share), with the channel's budget and rate divided among them.
 * An empty list when one worker is enough.
 */
export function divideShares(passes: readonly ShareablePass[], budget: number, requestsPerSecond: number): Share[] {
  const lanes = passes.flatMap((pass) => pass.lanes.filter((lane) => !lane.done).map((lane) => ({ connector: pass.connector, lane })));
  const count = shareCount(budget, requestsPerSecond, lanes.length);
  if (count < 2) return [];
  const shares: Share[] = Array.from({ length: count }, (_, index) => ({
    index,
    of: count,
    inFlight: Math.floor(budget / count) + (index < budget % count ? 1 : 0),
    requestsPerSecond: requestsPerSecond / count,
    territory: {},
  }));
  lanes.forEach(({ connector, lane }, i) => {
    const share = shares[i % count]!;
    (share.territory[connector] ??= []).push([lane.from ? lane.from.toISOString() : null, lane.to ? lane.to.toISOString() : null]);
  });
  return shares;
}

/** Whether a lane lies in one of the ranges (by where it starts: lanes only narrow inside their range). */
export function inTerritory(lane: Pick<Lane, "from">, ranges: readonly TerritoryRange[]): boolean {
  const at = lane.from ? lane.from.getTime() : null;
  return ranges.some(([from, to]) => {
    if (from === null) return at === null || to === null || at < Date.parse(to);
    if (at === null) return false;
    return at >= Date.parse(from) && (to === null || at < Date.parse(to));
  });
}

/** The pass's lanes after this share's page: the others' stored lanes, and this share's own where they stand. */
export function mergeLanes(stored: readonly Lane[], mine: readonly Lane[], ranges: readonly TerritoryRange[]): Lane[] {
  const others = stored.filter((lane) => !inTerritory(lane, ranges));
  const own = mine.filter((lane) => !lane.done);
  return [...others, ...own].sort((a, b) => (restStart(a)?.getTime() ?? -Infinity) - (restStart(b)?.getTime() ?? -Infinity));
}
