// Runs once when the server starts, before any request.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // The sign-in throttle and the audit log need the socket's address (lib/auth/client-ip.ts).
  const { exposePeerAddress } = await import("./lib/auth/peer-address");
  exposePeerAddress();
  const { ensureSecretsOrExit } = await import("./lib/secrets/startup");
  ensureSecretsOrExit();
  // Without an Inngest server, this process runs the scheduled syncs itself (docs/sync.md).
  if (process.env.NEXT_PHASE === "phase-production-build" || process.env.SYNC_SCHEDULER === "off") return;
  const { startSyncSchedulerWhenNoInngest } = await import("./lib/sync/scheduler-startup");
  startSyncSchedulerWhenNoInngest();
}
