import { getDb, type Db } from "@/db/client";
import { CHANNEL_SYNC_REQUESTED, type ChannelSyncEventData } from "@/lib/jobs/events";
import { inngest } from "@/lib/jobs/inngest-client";
import { dueChannels, scheduledMode } from "@/lib/sync/runner";

// Every 5 minutes: one sync event per active channel whose interval elapsed (initial until it
// completed, then incremental). The event id is per channel and interval slot, so a late or
// repeated cron does not queue the same sync twice.

export function createScheduleSyncsFunction(deps: { db: () => Promise<Db> }) {
  return inngest.createFunction(
    { id: "schedule-channel-syncs", name: "Schedule Magento channel syncs", triggers: [{ cron: "*/5 * * * *" }] },
    async ({ step }) => {
      const due = await step.run("find-due-channels", async () => {
        const db = await deps.db();
        const channels = await dueChannels(db);
        return Promise.all(
          channels.map(async (c) => ({
            channelId: c.id,
            mode: await scheduledMode(db, c),
            slot: Math.floor(Date.now() / (c.syncIntervalMinutes * 60_000)),
          })),
        );
      });
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

export const scheduleSyncs = createScheduleSyncsFunction({ db: getDb });
