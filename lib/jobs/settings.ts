// Every environment variable background jobs read, in one place. Read on each call (tests switch
// them at run time); this module imports nothing, so the server's start can ask it before loading
// anything else.

/**
 * Inngest or in-process: whether background work (syncs, two-way pushes) goes to an Inngest
 * server (Cloud or self-hosted) rather than running in this process. The one place that decides.
 */
export function inngestConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.INNGEST_EVENT_KEY || env.INNGEST_BASE_URL);
}

/** Whether kicks after a two-way edit are switched off (tests that must hold a push back to sync around it). */
export function pushKicksOff(): boolean {
  return process.env.TWO_WAY_PUSH_KICK === "off";
}

/** Whether this process must not start the in-process jobs: while `next build` runs, or SYNC_SCHEDULER=off (e.g. a web-only replica). */
export function inProcessJobsOff(): boolean {
  return process.env.NEXT_PHASE === "phase-production-build" || process.env.SYNC_SCHEDULER === "off";
}
