import { z } from "zod";

// Every environment variable the portal itself reads, with its default and how a bad value is
// treated, and the only module that reads process.env (outside scripts/, bench/, tests/ and the
// tools' config files). README's table is the operator's list; keep both in step.
//
// A variable is read each time it is asked for (one zod parse of one string is cheap), never cached
// at import: tests change process.env between calls, and secrets generated at start (lib/secrets)
// must be seen by everything after. A bad value is handled the way each variable always has been:
// limits that would leave the database unbounded refuse to start (EnvError, naming the variable),
// sign-in tunables fall back to their default, TRUSTED_PROXY_HOPS falls back and warns once.
//
// Read by others, not here: PORT, MAGENTO_SIM_PORT, DEMO_SIMULATOR (scripts/start.mjs),
// TEST_DATABASE_URL and E2E_PORT (tests), AUTH_URL and AUTH_TRUST_HOST (Auth.js). The Inngest SDK
// reads its own variables too; the ones listed here are read by the portal only to check at start
// that they make a working combination (lib/jobs/settings.ts).

/** Where values are read from: the process's environment unless a caller (a test) passes its own. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

/** A variable whose value the portal cannot run with; the message names it and says what it must be. */
export class EnvError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = "EnvError";
  }
}

/** Text, with blank meaning unset (the way `process.env.X || …` read it). */
const text = z
  .string()
  .optional()
  .transform((value) => value || undefined);

/** The value exactly as set, blank included (for variables whose callers always took it as is). */
const raw = z.string().optional();

/** Trimmed text, or undefined when unset or only spaces (before a default applies). */
const trimmedOrUnset = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value.trim() : undefined);

/** A whole number from 1 to `max`; blank means `fallback`; anything else stops the portal. */
function wholeNumber(fallback: number, max: number) {
  const error = `must be a whole number from 1 to ${max}`;
  return z.preprocess(trimmedOrUnset, z.coerce.number({ error }).int({ error }).min(1, { error }).max(max, { error }).default(fallback));
}

/** Hours above 0 and up to `max` (fractions allowed); blank or anything else means `fallback`. */
function hours(fallback: number, max: number) {
  return z.preprocess(trimmedOrUnset, z.coerce.number().positive().max(max).default(fallback)).catch(fallback);
}

/** "1" or "true" (any case, spaces ignored) is on; anything else, or unset, is off. */
const optIn = z
  .string()
  .optional()
  .transform((value) => ["1", "true"].includes((value ?? "").trim().toLowerCase()));

/** On unless set to exactly "off". */
const onUnlessOff = z
  .string()
  .optional()
  .transform((value) => value !== "off");

/** How many reverse proxies may append to X-Forwarded-For (lib/auth/client-ip.ts). */
const MAX_PROXY_HOPS = 10;
let warnedHops: string | undefined;

const proxyHops = z
  .preprocess(trimmedOrUnset, z.string().regex(/^\d+$/).transform(Number).pipe(z.number().max(MAX_PROXY_HOPS)).default(0))
  .catch(({ input }) => {
    const given = String(input).trim();
    // Once per value: it is read on every sign-in.
    if (warnedHops !== given) {
      warnedHops = given;
      console.warn(
        `TRUSTED_PROXY_HOPS must be a whole number from 0 to ${MAX_PROXY_HOPS} (got "${given}"); using 0, the socket's address.`,
      );
    }
    return 0;
  });

const VARIABLES = {
  // Database and files
  /** Postgres connection string; unset: the embedded PGlite in PORTAL_DATA_DIR. */
  DATABASE_URL: text,
  /** Folder of the embedded database, generated secrets and demo passwords (db/data-dir.ts: `.data/` when unset). */
  PORTAL_DATA_DIR: raw,
  /** Seconds a grid or report statement may run (Postgres only). */
  QUERY_TIMEOUT_SECONDS: wholeNumber(30, 3_600),
  /** Seconds one CSV export may take, start to last row. */
  EXPORT_TIMEOUT_SECONDS: wholeNumber(300, 86_400),
  /** CSV exports running at once per process, each on its own connection. */
  EXPORT_MAX_CONNECTIONS: wholeNumber(2, 50),

  // Secrets (lib/secrets: generated into PORTAL_DATA_DIR for the demo, required in production with DATABASE_URL)
  /** Signs session tokens and the portal's signed form values. */
  AUTH_SECRET: text,
  /** 32 bytes, base64: encrypts Magento credentials at rest (lib/secrets/crypto.ts checks the length). */
  ENCRYPTION_KEY: text,

  // Sign-in
  /** Failed sign-ins from one address within 15 minutes before it is locked out. */
  LOGIN_IP_MAX_FAILURES: z.preprocess(trimmedOrUnset, z.coerce.number().refine(Number.isInteger).positive().default(20)).catch(20),
  /** Reverse proxies in front of the portal that append to X-Forwarded-For; 0: the socket's address. */
  TRUSTED_PROXY_HOPS: proxyHops,
  /** A session ends this many hours after sign-in, however active. */
  SESSION_MAX_HOURS: hours(12, 24 * 31),
  /** How long a one-time password (Add user, Reset password) works. */
  ONE_TIME_PASSWORD_HOURS: hours(24, 24 * 31),

  // Magento
  /** Lets channel URLs reach loopback, link-local and private addresses (lib/magento/address-policy.ts). */
  MAGENTO_ALLOW_PRIVATE_URLS: optIn,

  // Background work
  // Inngest: which combinations are valid is lib/jobs/settings.ts's inngestMode (checked at start).
  /** Inngest event key (sending events); with INNGEST_SIGNING_KEY: Inngest Cloud, or a self-hosted server with INNGEST_BASE_URL. */
  INNGEST_EVENT_KEY: text,
  /** Inngest signing key (verifies Inngest's calls to /api/inngest). */
  INNGEST_SIGNING_KEY: text,
  /** A self-hosted Inngest server's or the dev server's URL. */
  INNGEST_BASE_URL: text,
  /** `1`/`true`: INNGEST_BASE_URL is an Inngest dev server (no keys, nothing signed); `0`/`false`: not; or the dev server's URL. */
  INNGEST_DEV: text,
  /** The portal's own origin as Inngest must call it, when a proxy in front of it changes the host (read by the SDK). */
  INNGEST_SERVE_ORIGIN: text,
  /** `off` stops the in-process sync scheduler (a web-only replica). */
  SYNC_SCHEDULER: onUnlessOff,
  /** `off` stops pushing a customer edit to Magento right after it is saved (tests hold pushes back; the sweep still pushes). */
  TWO_WAY_PUSH_KICK: onUnlessOff,

  // Logs
  /** Lowest level written to the JSON log (lib/log.ts): fatal, error, warn, info, debug, trace or silent; anything else means info. */
  LOG_LEVEL: z
    .preprocess(
      (value) => trimmedOrUnset(value)?.toLowerCase(),
      z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    )
    .catch("info"),

  // Tracing
  /**
   * An OpenTelemetry collector's OTLP/HTTP endpoint (e.g. `http://collector:4318`): set, the server
   * sends traces of its requests, renders and fetches there (lib/tracing.ts); unset, tracing is off.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(trimmedOrUnset, z.string().optional()),
  /** The service name the traces carry (default `magento-sales-portal`). */
  OTEL_SERVICE_NAME: z.preprocess(trimmedOrUnset, z.string().optional()),

  // Set by Node and Next.js
  NODE_ENV: raw,
  /** "nodejs" or "edge" in the server; unset elsewhere. */
  NEXT_RUNTIME: raw,
  /** "phase-production-build" while `next build` runs. */
  NEXT_PHASE: raw,
  /** Set (any value): Next leaves SIGTERM/SIGINT to the portal, which stops its sync scheduler before exiting (lib/shutdown.ts). */
  NEXT_MANUAL_SIG_HANDLE: text,
} as const satisfies Record<string, z.ZodType>;

export type EnvName = keyof typeof VARIABLES;
export type EnvValue<N extends EnvName> = z.output<(typeof VARIABLES)[N]>;

/** Every variable the portal reads (tests, docs). */
export const ENV_NAMES = Object.keys(VARIABLES) as EnvName[];

/**
 * The variable's value now: validated, with its default applied. Throws EnvError for a value the
 * portal cannot run with (only the database limits can).
 */
export function readEnv<N extends EnvName>(name: N, source: EnvSource = process.env): EnvValue<N> {
  const value = source[name];
  const schema: z.ZodType = VARIABLES[name];
  const result = schema.safeParse(value);
  if (result.success) return result.data as EnvValue<N>;
  const reason = result.error.issues[0]?.message ?? "is not valid";
  throw new EnvError(name, `${name} ${reason} (got "${value?.trim()}").`);
}

/** Whether this is a production server (`NODE_ENV=production`). */
export function isProduction(source: EnvSource = process.env): boolean {
  return readEnv("NODE_ENV", source) === "production";
}

/**
 * Hands a secret generated at start (lib/secrets/keys.ts) to the rest of the process, which reads it
 * here like any other variable. `target` is a test's own environment.
 */
export function provideSecret(
  name: "AUTH_SECRET" | "ENCRYPTION_KEY",
  value: string,
  target: Record<string, string | undefined> = process.env,
): void {
  target[name] = value;
}
