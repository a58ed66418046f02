import type { Db } from "@/db/client";
import { sendJobEvent } from "@/lib/jobs/dispatch";
import { OUTBOX_PUSH_REQUESTED } from "@/lib/jobs/events";
import { inngestConfigured, pushKicksOff } from "@/lib/jobs/settings";
import { runDuePushes, type RunDuePushesOptions } from "./pusher";
import { safeErrorMessage } from "@/db/errors";
import { logger } from "@/lib/log";

// Starting the pusher. After a request commits its outbox row, the push should go now, not at the
// next minute: with Inngest the event `magento/outbox.push.requested` starts the push function
// (concurrency one per channel); without it a background promise in this process runs it. The
// minute-by-minute sweep (Inngest cron, or startInProcessPusher) catches anything a kick missed.
// Which of the two is decided once, in lib/jobs (inngestConfigured).

type Running = { promise: Promise<void>; again: boolean };
const running = new Map<number | "all", Running>();

/** Resolves when every in-process push run started here has ended (tests). */
export async function waitForBackgroundPushes(): Promise<void> {
  while (running.size > 0) await Promise.allSettled([...running.values()].map((r) => r.promise));
}

/** Options for in-process runs (tests pass a client factory). */
let inProcessOptions: Omit<RunDuePushesOptions, "channelId"> = {};
export function setInProcessPushOptions(options: Omit<RunDuePushesOptions, "channelId">): void {
  inProcessOptions = options;
}

/**
 * Runs due pushes in this process in the background; a kick while a run is under way for the same
 * channel runs it once more afterwards (the first may have looked before the new row committed).
 */
export function runPushesInBackground(db: Db, channelId?: number): void {
  const key = channelId ?? "all";
  const current = running.get(key);
  if (current) {
    current.again = true;
    return;
  }
  const entry: Running = { promise: Promise.resolve(), again: false };
  entry.promise = (async () => {
    do {
      entry.again = false;
      try {
        await runDuePushes(db, { ...inProcessOptions, ...(channelId === undefined ? {} : { channelId }) });
      } catch (error) {
        logger().warn({ component: "two-way", channelId }, `push run failed: ${safeErrorMessage(error)}`);
      }
    } while (entry.again);
  })().finally(() => running.delete(key));
  running.set(key, entry);
}

/** Called after a request committed its outbox row. Never throws: the sweep is the safety net. */
export async function kickPushes(db: Db, channelId: number): Promise<void> {
  // Tests that must hold a push back (to sync around it) switch kicks off.
  if (pushKicksOff()) return;
  if (inngestConfigured()) {
    try {
      await sendJobEvent({ name: OUTBOX_PUSH_REQUESTED, data: { channelId } });
    } catch (error) {
      logger().warn(
        { component: "two-way", channelId },
        `could not send ${OUTBOX_PUSH_REQUESTED}; the minute sweep will push: ${safeErrorMessage(error)}`,
      );
    }
    return;
  }
  runPushesInBackground(db, channelId);
}

/** The in-process sweep (no Inngest): due pushes of every channel, every minute. */
export function startInProcessPusher(input: { db: Db; intervalMs?: number }): { stop(): Promise<void> } {
  const timer = setInterval(() => runPushesInBackground(input.db), input.intervalMs ?? 60_000);
  timer.unref?.();
  return {
    async stop() {
      clearInterval(timer);
      await waitForBackgroundPushes();
    },
  };
}
