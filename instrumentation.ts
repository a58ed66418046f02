import type { Instrumentation } from "next";

// Runs once when the server starts, before any request.
export async function register() {
  // Read directly, not through lib/env.ts: Next inlines process.env.NEXT_RUNTIME at build time, which
  // drops everything below (Node-only code) from the edge bundle.
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // OpenTelemetry first, so the spans of everything after it are recorded (off unless configured).
  const { startTracing } = await import("./lib/tracing");
  await startTracing();
  // The sign-in throttle and the audit log need the socket's address (lib/auth/client-ip.ts).
  const { exposePeerAddress } = await import("./lib/auth/peer-address");
  exposePeerAddress();
  const { ensureSecretsOrExit } = await import("./lib/secrets/startup");
  ensureSecretsOrExit();
  // Inngest, or in this process: a half-configured Inngest stops the start, naming what is missing.
  const { checkInngestEnvOrExit } = await import("./lib/jobs/startup");
  checkInngestEnvOrExit();
  // SIGTERM/SIGINT: the scheduler finishes its page, the database closes, then the process exits.
  const { installShutdownHandlers, onShutdown } = await import("./lib/shutdown");
  installShutdownHandlers();
  // Without an Inngest server, this process runs the background sweeps itself (docs/sync.md).
  const { inProcessJobsOff } = await import("./lib/jobs/settings");
  if (inProcessJobsOff()) return;
  const { startInProcessJobsWhenNoInngest } = await import("./lib/jobs/startup");
  const { startInProcessScheduler } = await import("./lib/sync/runner");
  const { startInProcessPusher } = await import("./lib/customers/two-way/kick");
  const { resumePendingDeletions } = await import("./lib/channels/delete");
  startInProcessJobsWhenNoInngest([
    // Due syncs every minute, the first now.
    {
      label: "[sync] scheduler",
      start: (db) => {
        const scheduler = startInProcessScheduler({ db });
        onShutdown("[sync] scheduler", () => scheduler.stop());
        return scheduler.tick();
      },
    },
    // Two-way pushes whose backoff ended (and any a lost kick left), every minute.
    {
      label: "[two-way] pusher",
      start: (db) => {
        const pusher = startInProcessPusher({ db });
        onShutdown("[two-way] pusher", () => pusher.stop());
      },
    },
    // Channel deletions a previous process did not finish.
    { label: "[channels] resuming deletions", start: (db) => resumePendingDeletions(db) },
  ]);
}

// Every error a page, route handler or server action throws, as one JSON log line carrying the
// digest that the error page shows as its reference id (lib/log.ts).
export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { logger, logRequestError } = await import("./lib/log");
  logRequestError(logger(), error, request, context);
};
