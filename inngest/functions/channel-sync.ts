import { parseEventData } from "@/inngest/event-data";
import {
  CHANNEL_SYNC_CONTINUE,
  CHANNEL_SYNC_REQUESTED,
  channelSyncContinueData,
  channelSyncEventData,
  type ChannelSyncEventData,
} from "@/lib/jobs/events";
import { inngest } from "@/lib/jobs/inngest-client";
import { channelSyncSteps, type ChannelSyncStepsDeps } from "@/lib/sync/job-steps";
import { MAX_SHARES, PAGES_PER_SHARE } from "@/lib/sync/shares";

// Thin Inngest wrappers over lib/sync/job-steps: rounds of steps, and a continuation event (same
// sync run) well before Inngest's 1,000-steps-per-run limit. Each round first plans: while the
// initial history is being walked, its lanes are divided into shares that run as parallel steps
// (several workers on one channel, each with its part of the channel's request budget:
// lib/sync/shares.ts); otherwise one step writes the next batch of pages and finishes the run.
//
// One sync per channel at a time, at three levels:
// - `singleton` (mode "skip", keyed by channel) on channel-sync: while an Inngest run starting a
//   sync of the channel is active, another request for that channel is dropped, not queued behind
//   it. (`concurrency` alone would not do: it counts steps, not runs, and a sleeping or waiting run
//   holds no slot.)
// - A run's later parts go to channel-sync-continue, without a singleton: each part sends its
//   successor while it is itself still active, so a singleton there would skip the run's own next
//   part.
// - The database lease (lib/sync/lease.ts) holds the channel for the whole sync run, across parts,
//   processes and the in-process runner: a request that gets past the singleton while a later part
//   runs finds the channel taken in start-run and ends "skipped".
// The per-channel `concurrency` (MAX_SHARES) lets one run's shares work at once as parallel steps,
// and the `throttle` spaces a channel's runs.

/** Pages written per ordinary step (a share's: PAGES_PER_SHARE), and rounds per Inngest run before continuing in a new one. */
export const PAGES_PER_STEP = 20;
export const STEPS_PER_INVOCATION = 50;

function createFunction(kind: "new" | "continue", deps: ChannelSyncStepsDeps) {
  const sync = channelSyncSteps(deps);
  const event = kind === "new" ? CHANNEL_SYNC_REQUESTED : CHANNEL_SYNC_CONTINUE;
  return inngest.createFunction(
    {
      id: kind === "new" ? "channel-sync" : "channel-sync-continue",
      name: kind === "new" ? "Sync a Magento channel" : "Continue a Magento channel sync",
      triggers: [{ event }],
      ...(kind === "new" ? { singleton: { key: "event.data.channelId", mode: "skip" as const } } : {}),
      concurrency: { key: "event.data.channelId", limit: MAX_SHARES },
      throttle: { key: "event.data.channelId", limit: 20, period: "1m" },
      retries: 4,
      onFailure: async ({ event: failure, error }) => {
        await sync.giveUp({ inngestRunId: failure.data.run_id, eventData: failure.data.event.data }, error);
      },
    },
    async ({ event, step, runId: inngestRunId }) => {
      const data: ChannelSyncEventData =
        kind === "new"
          ? parseEventData(channelSyncEventData, event.name, event.data)
          : parseEventData(channelSyncContinueData, event.name, event.data);
      const syncRunId = data.runId ?? (await step.run("start-run", async () => sync.startRun(data, inngestRunId)));
      if (syncRunId === null) return { skipped: "another sync of this channel is running" };

      for (let batch = 0; batch < STEPS_PER_INVOCATION; batch++) {
        const shares = await step.run(`plan-${batch}`, async () => sync.planShares(syncRunId));
        if (shares) {
          await Promise.all(
            shares.map((share) =>
              step.run(`sync-share-${batch}-${share.index}`, async () => sync.syncShare(syncRunId, share, PAGES_PER_SHARE)),
            ),
          );
          continue;
        }
        const result = await step.run(`sync-pages-${batch}`, async () => sync.syncPages(syncRunId, PAGES_PER_STEP));
        if (result.done) return { runId: syncRunId, status: result.status };
      }
      await step.sendEvent("continue-sync", {
        name: CHANNEL_SYNC_CONTINUE,
        data: { ...data, runId: syncRunId } satisfies ChannelSyncEventData,
      });
      return { runId: syncRunId, status: "continued" as const };
    },
  );
}

/** channel-sync: a new sync run of a channel (one at a time per channel). */
export function createChannelSyncFunction(deps: ChannelSyncStepsDeps = {}) {
  return createFunction("new", deps);
}

/** channel-sync-continue: the next part of a sync run that exists (a long run's continuation, or a run the portal created). */
export function createChannelSyncContinueFunction(deps: ChannelSyncStepsDeps = {}) {
  return createFunction("continue", deps);
}

export const channelSync = createChannelSyncFunction();
export const channelSyncContinue = createChannelSyncContinueFunction();
