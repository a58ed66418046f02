import { CHANNEL_SYNC_REQUESTED, type ChannelSyncEventData } from "@/lib/jobs/events";
import { inngest } from "@/lib/jobs/inngest-client";
import { syncScheduleSteps, type JobStepsDeps } from "@/lib/sync/job-steps";
import { SCHEDULE_CRON } from "@/lib/sync/schedule";

// As often as the shortest interval a channel may ask for (every minute: lib/sync/schedule.ts), one
// sync event per active channel whose interval elapsed (initial until it completed, then
// incremental); a minute with nothing due ends after its one step, without fan-out. The event id is
// per channel and interval slot, so a late or repeated cron does not queue the same sync twice.

export function createScheduleSyncsFunction(deps: JobStepsDeps = {}) {
  const schedule = syncScheduleSteps(deps);
  return inngest.createFunction(
    {
      id: "schedule-channel-syncs",
      name: "Schedule Magento channel syncs",
      triggers: [{ cron: SCHEDULE_CRON }],
      // A minute's sweep still going when the next minute fires: the later one is dropped.
      singleton: { mode: "skip" },
    },
    async ({ step }) => {
      const due = await step.run("find-due-channels", async () => schedule.dueSyncs());
      if (due.length === 0) return { sent: 0 };
      await step.sendEvent(
        "fan-out-syncs",
        due.map((c) => ({
          id: `channel-sync-${c.channelId}-${c.slot}`,
          name: CHANNEL_SYNC_REQUESTED,
          data: { channelId: c.channelId, mode: c.mode, trigger: "schedule" } satisfies ChannelSyncEventData,
        })),
      );
      return { sent: due.length };
    },
  );
}

export const scheduleSyncs = createScheduleSyncsFunction();
