import type { KeysetCursor } from "@/lib/sync/keyset";
import { coveredShare, laneWindow, restStart, splitLane, type Lane } from "@/lib/sync/lanes";
import type { Pass } from "@/lib/sync/checkpoints";
import type { PageRequest } from "@/lib/sync/types";

// Keeps a channel's pages in flight: the lanes of every connector pass of a run
// (lib/sync/lanes.ts) ask for their next page while earlier pages are being written, up to the
// channel's budget, and ONE writer writes the pages as they arrive, one transaction each, in
// arrival order. Writing one page at a time keeps the page transactions of different connectors
// (orders and carts both touch customers and carts) from waiting on each other or deadlocking;
// against a slow Magento the round trips, not the writer, are what limit a sync.
//
// A lane has at most one request on the way (keyset paging is sequential inside a lane) and at
// most one more page waiting to be written. When a page arrives and its pass has fewer lanes than
// it wants, the lane is split (between its requests, so a page always lies inside its lane).
// Passes are served in the order they were added: a connector earlier in CONNECTOR_ORDER fills
// the free places first (customers before the orders that point to them).

export interface FetchOutcome {
  done: boolean;
  cursor?: KeysetCursor | null;
  /** Records matching the request (Magento's total_count), for splitting. */
  totalCount: number | null;
  /** Records the request received (kept, dropped and invalid). */
  received: number;
}

export interface ArrivedPage<P> {
  connector: string;
  /** The pass the page belongs to (its lanes are what the checkpoint stores). */
  pass: Pass;
  lane: Lane;
  /** The page number in its lane (1-based). */
  page: number;
  request: PageRequest;
  fetched: P;
  /**
   * Applies the page to its lane and returns what the pass's checkpoint must say after it; call
   * inside the page's transaction, just before saving the checkpoint.
   */
  commit(): PassState;
}

export interface PassState {
  /** Pages written in this pass (earlier steps included). */
  pages: number;
  /** The pass's last page: every lane is finished. */
  finished: boolean;
  /** Share of the pass's time range covered (initial passes with a known start), else null. */
  covered: number | null;
}

export interface PassSpec<P extends FetchOutcome> {
  connector: string;
  pass: Pass;
  /** Whether lanes may be split (windowed connectors). */
  splittable: boolean;
  /** Lanes this pass wants at most. */
  lanesWanted: number;
  fetch(request: PageRequest): Promise<P>;
}

export interface SchedulerOptions<P extends FetchOutcome> {
  /** Requests the scheduler keeps on the way at once (the channel's in-flight budget). */
  inFlight: number;
  /** Pages that may still be asked for (an Inngest step's allowance); Infinity for a whole run. */
  pageAllowance: number;
  /** The end of open-ended lanes when splitting them (now). */
  openEnd: Date;
  /** Writes one page (never called twice at once). */
  write(page: ArrivedPage<P>): Promise<void>;
  /** Asked before each write: true stops the run (cancel). */
  shouldStop?(): Promise<boolean> | boolean;
}

interface LaneRuntime {
  /** Where the next request starts. */
  page: number;
  cursor: KeysetCursor | null;
  /** The last page was received: nothing more to ask. */
  exhausted: boolean;
  fetching: boolean;
  /** Pages received and not yet written. */
  waiting: number;
}

interface PassRuntime<P extends FetchOutcome> {
  spec: PassSpec<P>;
  lanes: Lane[];
  runtime: Map<Lane, LaneRuntime>;
  pages: number;
  finished: boolean;
  nextId: number;
}

export interface ScheduleResult {
  /** Connectors whose pass finished in this call. */
  finished: string[];
  /** Stopped by shouldStop (cancel). */
  stopped: boolean;
  /** Pages written. */
  pages: number;
}

export async function schedulePages<P extends FetchOutcome>(
  passes: readonly PassSpec<P>[],
  options: SchedulerOptions<P>,
): Promise<ScheduleResult> {
  const runs: PassRuntime<P>[] = passes.map((spec) => {
    // The pass's lane list is the one the checkpoint stores: lanes split off are added to it.
    const lanes = (spec.pass.lanes = spec.pass.lanes.filter((lane) => !lane.done));
    const runtime = new Map<Lane, LaneRuntime>();
    for (const lane of lanes)
      runtime.set(lane, { page: lane.page + 1, cursor: lane.cursor, exhausted: false, fetching: false, waiting: 0 });
    return {
      spec,
      lanes,
      runtime,
      pages: spec.pass.pagesBefore,
      finished: lanes.length === 0,
      nextId: Math.max(0, ...lanes.map((l) => l.id)) + 1,
    };
  });

  let allowance = options.pageAllowance;
  let inFlight = 0;
  let waitingTotal = 0;
  let written = 0;
  let stopped = false;
  let failure: { error: unknown } | null = null;
  const finishedNow: string[] = [];
  let writeChain: Promise<void> = Promise.resolve();
  let settle: (() => void) | null = null;
  const idle = new Promise<void>((resolve) => (settle = resolve));

  const quiet = () => inFlight === 0 && waitingTotal === 0;
  const checkDone = () => {
    if (!quiet()) return;
    const nothingLeft = runs.every((run) => run.finished || allLanesIdle(run));
    if (failure || stopped || nothingLeft) settle?.();
  };
  const allLanesIdle = (run: PassRuntime<P>) =>
    [...run.runtime.values()].every((rt) => !rt.fetching && rt.waiting === 0) && (allowance <= 0 || run.finished);

  const fail = (error: unknown) => {
    if (!failure) failure = { error };
    checkDone();
  };

  const maybeSplit = (run: PassRuntime<P>, lane: Lane, rt: LaneRuntime, outcome: P) => {
    // Only keyset lanes split: a page-numbered request cannot continue in a narrower window.
    if (!run.spec.splittable || rt.exhausted || outcome.totalCount === null || !outcome.cursor) return;
    const active = run.lanes.filter((l) => !l.done && !run.runtime.get(l)!.exhausted).length;
    const room = run.spec.lanesWanted - active;
    if (room <= 0) return;
    const remaining = outcome.totalCount - outcome.received;
    const pageSize = Math.max(1, outcome.received);
    if (remaining <= pageSize) return;
    const pieces = Math.min(room + 1, Math.ceil(remaining / pageSize));
    // The rest starts where the next request will start (this page is on its way to the writer).
    const probe: Lane = { ...lane, cursor: rt.cursor };
    const created = splitLane(probe, pieces, options.openEnd, () => run.nextId++);
    if (created.length === 0 || !restStart(probe)) return;
    lane.to = probe.to;
    for (const fresh of created) {
      run.lanes.push(fresh);
      run.runtime.set(fresh, { page: 1, cursor: null, exhausted: false, fetching: false, waiting: 0 });
    }
  };

  const commitFor = (run: PassRuntime<P>, lane: Lane, page: number, outcome: P) => (): PassState => {
    lane.page = page;
    lane.cursor = outcome.done ? null : (outcome.cursor ?? null);
    if (outcome.done) lane.done = true;
    run.pages++;
    const finished = run.lanes.every((l) => l.done);
    const { lower, upperBound } = run.spec.pass;
    const covered = lower && upperBound ? coveredShare(run.lanes, lower, upperBound) : null;
    return { pages: run.pages, finished, covered };
  };

  const write = (run: PassRuntime<P>, lane: Lane, rt: LaneRuntime, page: number, request: PageRequest, outcome: P) => {
    waitingTotal++;
    rt.waiting++;
    writeChain = writeChain.then(async () => {
      try {
        if (failure || stopped) return;
        if (options.shouldStop && (await options.shouldStop())) {
          stopped = true;
          return;
        }
        await options.write({
          connector: run.spec.connector,
          pass: run.spec.pass,
          lane,
          page,
          request,
          fetched: outcome,
          commit: commitFor(run, lane, page, outcome),
        });
        written++;
        if (!run.finished && run.lanes.every((l) => l.done)) {
          run.finished = true;
          finishedNow.push(run.spec.connector);
        }
      } catch (error) {
        fail(error);
      } finally {
        waitingTotal--;
        rt.waiting--;
        pump();
        checkDone();
      }
    });
  };

  const launch = (run: PassRuntime<P>, lane: Lane, rt: LaneRuntime) => {
    rt.fetching = true;
    inFlight++;
    allowance--;
    const page = rt.page;
    const request: PageRequest = { window: laneWindow(lane), page, cursor: rt.cursor };
    run.spec
      .fetch(request)
      .then(
        (outcome) => {
          rt.fetching = false;
          inFlight--;
          if (failure || stopped) return;
          rt.page = page + 1;
          rt.cursor = outcome.cursor ?? null;
          rt.exhausted = outcome.done;
          maybeSplit(run, lane, rt, outcome);
          write(run, lane, rt, page, request, outcome);
        },
        (error: unknown) => {
          rt.fetching = false;
          inFlight--;
          fail(error);
        },
      )
      .finally(() => {
        pump();
        checkDone();
      });
  };

  const pump = () => {
    if (failure || stopped) return;
    for (const run of runs) {
      if (run.finished) continue;
      for (const lane of run.lanes) {
        if (allowance <= 0 || inFlight >= options.inFlight || inFlight + waitingTotal >= 2 * options.inFlight) return;
        const rt = run.runtime.get(lane)!;
        if (lane.done || rt.exhausted || rt.fetching || rt.waiting > 1) continue;
        launch(run, lane, rt);
      }
    }
  };

  pump();
  checkDone();
  await idle;
  await writeChain;
  if (failure) throw (failure as { error: unknown }).error;
  return { finished: finishedNow, stopped, pages: written };
}
