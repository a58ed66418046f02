import { EnvError, readEnv, type EnvSource } from "@/lib/env";

// What background jobs read from the environment (through lib/env.ts, on each call: tests switch
// the variables at run time).

/**
 * Where background work (syncs, two-way pushes, channel deletions) runs:
 * - `in-process`: no Inngest variable set; this process runs the sweeps itself.
 * - `cloud`: Inngest Cloud (event key and signing key).
 * - `self-hosted`: a self-hosted Inngest server at INNGEST_BASE_URL, with both keys.
 * - `dev`: an Inngest dev server at INNGEST_BASE_URL (or the URL in INNGEST_DEV), INNGEST_DEV on:
 *   nothing is signed, for a developer's machine or a closed compose network only.
 */
export type InngestMode =
  { kind: "in-process" } | { kind: "cloud" } | { kind: "self-hosted"; baseUrl: string } | { kind: "dev"; baseUrl: string };

/** INNGEST_DEV as the SDK reads it: on, off, a dev server's URL, or unset. */
function devSetting(env?: EnvSource): { on: boolean; url?: string } {
  const value = readEnv("INNGEST_DEV", env)?.trim();
  if (!value) return { on: false };
  const lower = value.toLowerCase();
  if (lower === "1" || lower === "true") return { on: true };
  if (lower === "0" || lower === "false") return { on: false };
  // The SDK would take any other word for a host name ("yes" → http://yes): only a real URL passes.
  if (isHttpUrl(value)) return { on: true, url: value };
  throw new EnvError(
    "INNGEST_DEV",
    `INNGEST_DEV must be 1 or true (a dev server), 0 or false, or the dev server's URL such as http://127.0.0.1:8288 (got "${value}").`,
  );
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * The one check of the Inngest variables (server start, and every "Inngest or in-process?" question).
 * A combination that cannot work (only INNGEST_BASE_URL, only one key, INNGEST_DEV without a URL…)
 * throws EnvError naming what is missing: the portal must not half-configure Inngest and then
 * neither run syncs itself nor reach Inngest.
 */
export function inngestMode(env?: EnvSource): InngestMode {
  const eventKey = readEnv("INNGEST_EVENT_KEY", env);
  const signingKey = readEnv("INNGEST_SIGNING_KEY", env);
  const baseUrl = readEnv("INNGEST_BASE_URL", env)?.trim();
  const dev = devSetting(env);

  if (baseUrl && !isHttpUrl(baseUrl)) {
    throw new EnvError(
      "INNGEST_BASE_URL",
      `INNGEST_BASE_URL must be the Inngest server's URL, such as http://inngest:8288 (got "${baseUrl}").`,
    );
  }
  if (dev.on) {
    const url = baseUrl ?? dev.url;
    if (!url) {
      throw new EnvError(
        "INNGEST_BASE_URL",
        "INNGEST_DEV=1 is set but INNGEST_BASE_URL is missing: set INNGEST_BASE_URL to the dev server's URL (such as http://127.0.0.1:8288), or unset INNGEST_DEV to run background jobs in this process.",
      );
    }
    return { kind: "dev", baseUrl: url };
  }
  // Nothing to connect to (INNGEST_DEV=0 alone included).
  if (!eventKey && !signingKey && !baseUrl) return { kind: "in-process" };
  const missing = [!eventKey && "INNGEST_EVENT_KEY", !signingKey && "INNGEST_SIGNING_KEY"].filter(Boolean) as string[];
  if (missing.length > 0) {
    const given = [eventKey && "INNGEST_EVENT_KEY", signingKey && "INNGEST_SIGNING_KEY", baseUrl && "INNGEST_BASE_URL"].filter(Boolean);
    const what = baseUrl ? "A self-hosted Inngest server" : "Inngest Cloud";
    const devHint = baseUrl ? " (or INNGEST_DEV=1 if INNGEST_BASE_URL is an Inngest dev server)" : "";
    throw new EnvError(
      missing[0]!,
      `Inngest is half configured: ${given.join(" and ")} ${given.length === 1 ? "is" : "are"} set but ${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} missing. ` +
        `${what} needs INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY${devHint}; unset every INNGEST_ variable to run background jobs in this process.`,
    );
  }
  return baseUrl ? { kind: "self-hosted", baseUrl } : { kind: "cloud" };
}

/**
 * Inngest or in-process: whether background work (syncs, two-way pushes, channel deletions) goes to
 * an Inngest server rather than running in this process. The one place that decides; throws
 * EnvError for a combination inngestMode refuses.
 */
export function inngestConfigured(env?: EnvSource): boolean {
  return inngestMode(env).kind !== "in-process";
}

/** Whether kicks after a two-way edit are switched off (tests that must hold a push back to sync around it). */
export function pushKicksOff(): boolean {
  return !readEnv("TWO_WAY_PUSH_KICK");
}

/** Whether this process must not start the in-process jobs: while `next build` runs, or SYNC_SCHEDULER=off (e.g. a web-only replica). */
export function inProcessJobsOff(): boolean {
  return readEnv("NEXT_PHASE") === "phase-production-build" || !readEnv("SYNC_SCHEDULER");
}
