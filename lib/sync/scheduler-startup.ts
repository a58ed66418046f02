import { getDb } from "@/db/client";
import { resumePendingDeletions } from "@/lib/channels/delete";
import { inngestConfigured } from "@/lib/jobs/settings";
import { startInProcessPusher } from "@/lib/two-way/kick";
import { startInProcessScheduler } from "./runner";
import { safeErrorMessage } from "@/db/errors";

const FIRST_TICK_DELAY_MS = 3_000;

/**
 * Server start: when no Inngest server is configured, run due syncs in this process every
 * minute, the first a few seconds after start (so the demo store fills the portal at once).
 * Two-way pushes (lib/two-way) are swept every minute beside it.
 * The database opens on that first tick, never at build time. Channel deletions a previous
 * process did not finish are finished here too.
 */
export function startSyncSchedulerWhenNoInngest(): void {
  if (inngestConfigured()) return;
  setTimeout(() => {
    void getDb()
      .then((db) => {
        const scheduler = startInProcessScheduler({ db });
        void scheduler.tick();
        // Two-way pushes whose backoff ended (and any a lost kick left) go every minute too.
        startInProcessPusher({ db });
        void resumePendingDeletions(db).catch((error: unknown) =>
          console.error(`[channels] resuming deletions failed: ${safeErrorMessage(error)}`),
        );
      })
      .catch((error: unknown) => console.error(`[sync] scheduler not started: ${safeErrorMessage(error)}`));
  }, FIRST_TICK_DELAY_MS).unref?.();
}
