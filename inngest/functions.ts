import { channelDelete, resumeChannelDeletions } from "@/inngest/functions/channel-delete";
import { channelSync, channelSyncContinue } from "@/inngest/functions/channel-sync";
import { pushOutbox } from "@/inngest/functions/push-outbox";
import { scheduleSyncs } from "@/inngest/functions/schedule-syncs";

/** Every Inngest function the portal serves at /api/inngest. */
export const functions = [channelSync, channelSyncContinue, scheduleSyncs, pushOutbox, channelDelete, resumeChannelDeletions];
