import { readEnv, type EnvSource } from "@/lib/env";

// What background jobs read from the environment (through lib/env.ts, on each call: tests switch
// the variables at run time).

/**
 * Inngest or in-process: whether background work (syncs, two-way pushes) goes to an Inngest
 * server (Cloud or self-hosted) rather than running in this process. The one place that decides.
 */
export function inngestConfigured(env?: EnvSource): boolean {
  return Boolean(readEnv("INNGEST_EVENT_KEY", env) || readEnv("INNGEST_BASE_URL", env));
}

/** Whether kicks after a two-way edit are switched off (tests that must hold a push back to sync around it). */
export function pushKicksOff(): boolean {
  return !readEnv("TWO_WAY_PUSH_KICK");
}

/** Whether this process must not start the in-process jobs: while `next build` runs, or SYNC_SCHEDULER=off (e.g. a web-only replica). */
export function inProcessJobsOff(): boolean {
  return readEnv("NEXT_PHASE") === "phase-production-build" || !readEnv("SYNC_SCHEDULER");
}
