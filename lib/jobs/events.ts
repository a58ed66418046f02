import { z } from "zod";

// The background jobs' events: their names and what they carry. The portal sends them
// (dispatch.ts), the Inngest functions in inngest/ receive them.

/**
 * Sync one channel: a new run (function channel-sync, one at a time per channel). Events sent
 * before continuations had their own name may carry runId; they continue that run.
 */
export const CHANNEL_SYNC_REQUESTED = "magento/channel.sync.requested";

/**
 * Work on a sync run that already exists and holds the channel (function channel-sync-continue): the
 * next part of a long run, or a run the portal created before sending (lib/sync/launch.ts). Apart
 * from new runs so that the one-run-per-channel rule of channel-sync never skips a run's own next part.
 */
export const CHANNEL_SYNC_CONTINUE = "magento/channel.sync.continue";

export const channelSyncEventData = z.object({
  channelId: z.number().int().positive(),
  mode: z.enum(["initial", "incremental", "full"]).default("incremental"),
  trigger: z.enum(["schedule", "manual", "cli", "action"]).default("manual"),
  /** Set on continuation events (and when the portal created the run before sending). */
  runId: z.number().int().positive().optional(),
  requestedByUserId: z.number().int().positive().nullable().optional(),
});
export type ChannelSyncEventData = z.infer<typeof channelSyncEventData>;

/** Push one channel's due two-way changes (portal edits) to Magento. */
export const OUTBOX_PUSH_REQUESTED = "magento/outbox.push.requested";

export const pushEventData = z.object({ channelId: z.number().int().positive() });
export type PushEventData = z.infer<typeof pushEventData>;

/** Data of CHANNEL_SYNC_CONTINUE: the run is required. */
export const channelSyncContinueData = channelSyncEventData.extend({ runId: z.number().int().positive() });

/** Remove the rows of a channel marked for deletion (lib/channels/delete.ts), in steps. */
export const CHANNEL_DELETE_REQUESTED = "magento/channel.delete.requested";

export const channelDeleteEventData = z.object({ channelId: z.number().int().positive() });
export type ChannelDeleteEventData = z.infer<typeof channelDeleteEventData>;

/** Every event the portal sends, with its data. */
export type JobEvent =
  | { name: typeof CHANNEL_SYNC_REQUESTED; data: ChannelSyncEventData; id?: string }
  | { name: typeof CHANNEL_SYNC_CONTINUE; data: z.infer<typeof channelSyncContinueData>; id?: string }
  | { name: typeof OUTBOX_PUSH_REQUESTED; data: PushEventData; id?: string }
  | { name: typeof CHANNEL_DELETE_REQUESTED; data: ChannelDeleteEventData; id?: string };
