import { getDb, type Db } from "@/db/client";
import { safeErrorMessage } from "@/db/errors";
import { EnvError } from "@/lib/env";
import { logger } from "@/lib/log";
import { inngestConfigured, inngestMode } from "./settings";

const FIRST_TICK_DELAY_MS = 3_000;

/**
 * Server start: checks the Inngest variables (settings.ts, inngestMode) and stops the process with
 * the refusal when they make no working combination, rather than start with syncs that never run.
 */
export function checkInngestEnvOrExit(exit: (code: number) => never = process.exit): void {
  try {
    inngestMode();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      exit(1);
    }
    throw error;
  }
}

/** A sweep this process runs when no Inngest server does (its Inngest counterpart is a cron function). */
export interface InProcessSweep {
  /** Names it in the log when it fails, e.g. "[channels] resuming deletions". */
  label: string;
  /** Starts it with the portal's database; what it returns is awaited only to log a failure. */
  start(db: Db): unknown;
}

/**
 * Server start: when no Inngest server is configured, this process runs the background sweeps
 * itself (the due syncs, the two-way pushes, unfinished channel deletions: instrumentation.ts
 * lists them), started a few seconds after start so the demo store fills the portal at once.
 * The database opens then, never at build time. With Inngest its cron functions do this instead.
 */
export function startInProcessJobsWhenNoInngest(sweeps: readonly InProcessSweep[]): void {
  if (inngestConfigured()) return;
  setTimeout(() => {
    void getDb()
      .then((db) => {
        for (const sweep of sweeps) {
          void Promise.resolve(sweep.start(db)).catch((error: unknown) =>
            logger().error(`${sweep.label} failed: ${safeErrorMessage(error)}`),
          );
        }
      })
      .catch((error: unknown) => logger().error({ component: "sync" }, `scheduler not started: ${safeErrorMessage(error)}`));
  }, FIRST_TICK_DELAY_MS).unref?.();
}
