import { getDb } from "@/db/client";
import { inngestConfigured, startInProcessScheduler } from "./runner";

const FIRST_TICK_DELAY_MS = 3_000;

/**
 * Server start: when no Inngest server is configured, run due syncs in this process every
 * minute, the first a few seconds after start (so the demo store fills the portal at once).
 * The database opens on that first tick, never at build time.
 */
export function startSyncSchedulerWhenNoInngest(): void {
  if (inngestConfigured()) return;
  setTimeout(() => {
    void getDb()
      .then((db) => {
        const scheduler = startInProcessScheduler({ db });
        void scheduler.tick();
      })
      .catch((error: unknown) => console.error(`[sync] scheduler not started: ${error instanceof Error ? error.message : String(error)}`));
  }, FIRST_TICK_DELAY_MS).unref?.();
}
