// When scheduled syncs happen: shared by the in-process scheduler (lib/sync/runner.ts, dueChannels)
// and the Inngest cron (inngest/functions/schedule-syncs.ts), and the channel form's bounds.

/** The shortest sync interval a channel may ask for; the schedule checks for due channels this often. */
export const MIN_SYNC_INTERVAL_MINUTES = 1;

/**
 * How much earlier than its interval a channel counts as due. The cron and the in-process ticks fire
 * about on the minute and a run starts a few seconds later: measured exactly, a run started at
 * 12:00:02 would not be due at 12:01:00, and a 1-minute channel would sync every other minute.
 */
export const SCHEDULE_SLACK_MS = 15_000;

/** A cron expression firing every `minutes` minutes (1 to 60). */
export function cronEveryMinutes(minutes: number): string {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) throw new RangeError(`No cron for every ${minutes} minutes.`);
  return minutes === 1 ? "* * * * *" : `*/${minutes} * * * *`;
}

/** The Inngest cron of schedule-channel-syncs: as often as the shortest interval a channel may have. */
export const SCHEDULE_CRON = cronEveryMinutes(MIN_SYNC_INTERVAL_MINUTES);
