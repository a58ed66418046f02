import { closeDb } from "@/db/client";
import { safeErrorMessage } from "@/db/errors";
import { readEnv } from "@/lib/env";

// Graceful shutdown on SIGTERM (docker stop, systemd, `npm start`'s parent) and SIGINT (Ctrl+C):
// what runs in the background stops taking work and finishes what it started (the sync writes
// the page in hand, then stops: every page commits with its checkpoint, so the next sync continues
// exactly there), then the database closes and the process exits.
//
// Next.js exits at once on these signals unless NEXT_MANUAL_SIG_HANDLE is set: then this module
// owns the exit (the Dockerfile and `npm start` set it). Without it the stop hooks still start,
// but Next may exit first; a page cut that way rolls back whole and is written again by the next sync.

/** The longest a graceful stop may take before the process exits anyway (under Docker's 30 s grace in compose.yaml). */
export const SHUTDOWN_GRACE_MS = 25_000;

/** Signals this close to the first are the same request to stop; a later one exits at once. */
const REPEAT_WINDOW_MS = 2_000;

type Hook = { label: string; stop: () => unknown };
type State = { hooks: Hook[]; installed: boolean; stopping: Promise<boolean> | null };

// One list per process, shared by every module copy Next may load.
const globalForShutdown = globalThis as unknown as { __portalShutdown?: State };
function state(): State {
  globalForShutdown.__portalShutdown ??= { hooks: [], installed: false, stopping: null };
  return globalForShutdown.__portalShutdown;
}

/** Registers work to finish before the process exits (e.g. the sync scheduler's stop()). */
export function onShutdown(label: string, stop: () => unknown): void {
  state().hooks.push({ label, stop });
}

/**
 * Runs every stop hook at once and waits for them (at most `graceMs`), then closes the database.
 * Resolves to true when everything stopped in time. Called once; later calls share the first.
 */
export function shutdown(log: (line: string) => void = console.log, graceMs = SHUTDOWN_GRACE_MS): Promise<boolean> {
  const current = state();
  current.stopping ??= (async () => {
    let inTime = true;
    const hooks = current.hooks.splice(0);
    const stopped = Promise.all(
      hooks.map(async (hook) => {
        try {
          await hook.stop();
        } catch (error) {
          log(`[shutdown] ${hook.label}: ${safeErrorMessage(error)}`);
        }
      }),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), graceMs);
    });
    if ((await Promise.race([stopped, late])) === "late") {
      inTime = false;
      log(`[shutdown] gave up waiting after ${Math.round(graceMs / 1000)} s; exiting anyway`);
    }
    clearTimeout(timer);
    await closeDb().catch((error: unknown) => log(`[shutdown] closing the database: ${safeErrorMessage(error)}`));
    return inTime;
  })();
  return current.stopping;
}

/**
 * On SIGTERM/SIGINT: shutdown(), then exit when this process owns the exit (NEXT_MANUAL_SIG_HANDLE
 * set, or `exit: true` for scripts). A signal more than 2 s after the first exits at once.
 */
export function installShutdownHandlers(options: { exit?: boolean; log?: (line: string) => void } = {}): void {
  const current = state();
  if (current.installed) return;
  current.installed = true;
  const log = options.log ?? console.log;
  const ownsExit = options.exit ?? Boolean(readEnv("NEXT_MANUAL_SIG_HANDLE"));
  let firstAt: number | null = null;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (firstAt !== null) {
        // Ctrl+C reaches both `npm start` and this process, which passes it on: the same stop twice
        // within moments. A signal later than that is someone insisting.
        if (ownsExit && Date.now() - firstAt > REPEAT_WINDOW_MS) process.exit(1);
        return;
      }
      firstAt = Date.now();
      log(`[shutdown] ${signal}: finishing the work in hand, then exiting`);
      void shutdown(log).then((inTime) => {
        if (ownsExit) process.exit(inTime ? 0 : 1);
      });
    });
  }
}
