import { CHANNEL_SYNC_REQUESTED, channelSyncEventData, type ChannelSyncEventData } from "@/lib/jobs/events";
import { inngest } from "@/lib/jobs/inngest-client";
import { channelSyncSteps, type ChannelSyncStepsDeps } from "@/lib/sync/job-steps";
import { MAX_SHARES, PAGES_PER_SHARE } from "@/lib/sync/shares";

// Thin Inngest wrapper over lib/sync/job-steps: rounds of steps, and a continuation event (same
// sync run) well before Inngest's 1,000-steps-per-run limit. Each round first plans: while the
// initial history is being walked, its lanes are divided into shares that run as parallel steps
// (several workers on one channel, each with its part of the channel's request budget:
// lib/sync/shares.ts); otherwise one step writes the next batch of pages and finishes the run.
// One sync per channel at a time is the database lease's job (lib/sync/lease.ts); the concurrency
// key lets one run's shares work at once, and throttles each channel.

/** Pages written per ordinary step (a share's: PAGES_PER_SHARE), and rounds per Inngest run before continuing in a new one. */
export const PAGES_PER_STEP = 20;
export const STEPS_PER_INVOCATION = 50;

export function createChannelSyncFunction(deps: ChannelSyncStepsDeps = {}) {
  const sync = channelSyncSteps(deps);
  return inngest.createFunction(
    {
      id: "channel-sync",
      name: "Sync a Magento channel",
      triggers: [{ event: CHANNEL_SYNC_REQUESTED }],
      concurrency: { key: "event.data.channelId", limit: MAX_SHARES },
      throttle: { key: "event.data.channelId", limit: 20, period: "1m" },
      retries: 4,
      onFailure: async ({ event, error }) => {
        await sync.giveUp(event.data.event.data, error);
      },
    },
    async ({ event, step, runId: inngestRunId }) => {
      const data = channelSyncEventData.parse(event.data);
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
        name: CHANNEL_SYNC_REQUESTED,
        data: { ...data, runId: syncRunId } satisfies ChannelSyncEventData,
      });
      return { runId: syncRunId, status: "continued" as const };
    },
  );
}

export const channelSync = createChannelSyncFunction();
