import { z } from "zod";

// The background jobs' events: their names and what they carry. The portal sends them
// (dispatch.ts), the Inngest functions in inngest/ receive them.

/** Sync one channel: a new run, or (with runId) the continuation of one already created. */
export const CHANNEL_SYNC_REQUESTED = "magento/channel.sync.requested";

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

/** Every event the portal sends, with its data. */
export type JobEvent =
  | { name: typeof CHANNEL_SYNC_REQUESTED; data: ChannelSyncEventData; id?: string }
  | { name: typeof OUTBOX_PUSH_REQUESTED; data: PushEventData; id?: string };
