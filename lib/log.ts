import { randomUUID } from "node:crypto";
import pino, { type DestinationStream, type Logger } from "pino";
import { readEnv, type EnvSource } from "@/lib/env";

// The server's log: one JSON object per line on standard error (level, time, pid, hostname, msg, and the
// fields a call or a child logger adds: requestId, runId, channelId, digest, err). Operators read
// it with any JSON log tool; docs/operations.md, "Logs", lists the fields. The CLI's and scripts'
// output for people stays plain text on stdout and does not come through here: standard error
// keeps the log lines out of it when a CLI command's sync logs a warning.
//
// Secrets never reach the output, by two layers: values under a sensitive key (password, token,
// secret, authorization, cookie, API/signing/event keys, credentials) are replaced wherever they
// sit in a logged object, and every line is scrubbed for secrets inside text (a password in a
// connection URL, a Bearer token, an Inngest signing key, `password=…` pairs) — those arrive in
// error messages and stacks, which no key names.

export type { Logger };

export const REDACTED = "[redacted]";

const SENSITIVE_KEY =
  /pass(word|phrase)?$|secret|token|authorization|cookie|api[-_]?key|signing[-_]?key|event[-_]?key|private[-_]?key|credential/i;

const BINDING_SECRETS = [
  "password",
  "token",
  "accessToken",
  "accessTokenSecret",
  "secret",
  "consumerSecret",
  "authorization",
  "cookie",
  "apiKey",
  "signingKey",
  "eventKey",
  "credentials",
];

/** Patterns of secrets inside text, each replaced by what comes before the secret and REDACTED. */
const SECRET_TEXT: readonly [RegExp, string][] = [
  // scheme://user:password@host (DATABASE_URL and any other connection string)
  [/([a-z][a-z0-9+.-]*:\/\/[^:/\s"@]*:)[^@\s"/]+@/gi, `$1${REDACTED}@`],
  // Authorization: Bearer … / Basic … / OAuth …
  [/\b(Bearer|Basic|OAuth)\s+[^\s"\\,)]+/g, `$1 ${REDACTED}`],
  // Inngest signing keys
  [/signkey-[a-z]+-[0-9a-z]+/gi, `signkey-${REDACTED}`],
  // password=…, token: …, secret=… in free text (query strings, driver messages)
  [/\b(password|passwd|pwd|secret|token|access_token|consumer_secret|api_key)(\s*[=:]\s*)[^\s"\\&;,]+/gi, `$1$2${REDACTED}`],
];

/** Text with the secrets it contains replaced (see SECRET_TEXT). */
export function scrubText(text: string): string {
  return SECRET_TEXT.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}

/** A copy of a logged value with every sensitive key's value replaced; Errors stay Errors (pino serializes them). */
function redactKeys(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object" || value instanceof Error || value instanceof Date) return value;
  if (depth > 8) return "[too deep]";
  if (Array.isArray(value)) return value.map((item) => redactKeys(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = SENSITIVE_KEY.test(key) && item !== null && item !== undefined ? REDACTED : redactKeys(item, depth + 1);
  }
  return copy;
}

/**
 * A logger writing JSON lines to `destination` (pino's stdout when not given) at `LOG_LEVEL` from `env`.
 * Tests pass both; the portal uses `logger` below.
 */
export function createLogger(options: { destination?: DestinationStream; env?: EnvSource; level?: string } = {}): Logger {
  return pino(
    {
      level: options.level ?? readEnv("LOG_LEVEL", options.env),
      timestamp: pino.stdTimeFunctions.isoTime,
      // Fields a child logger is bound with skip the hook below; pino's own redaction covers the
      // sensitive names a binding could have.
      redact: { paths: BINDING_SECRETS, censor: REDACTED },
      formatters: {
        // "level":"warn" rather than pino's number: what an operator greps for.
        level: (label) => ({ level: label }),
      },
      hooks: {
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          // pino's own convention: logger.warn(error, "…") puts the error under "err".
          const merged = first instanceof Error ? { err: first } : redactKeys(first);
          method.apply(this, [merged, ...rest] as Parameters<typeof method>);
        },
        streamWrite: scrubText,
      },
    },
    options.destination,
  );
}

let shared: Logger | undefined;
let output: DestinationStream | undefined;

/**
 * Where the portal's logger writes: standard error, unless a test took the lines (captureLogLines). Loggers
 * made before the swap (children, the Inngest client's) write through this too.
 */
const sharedDestination: DestinationStream = {
  write(line: string) {
    output ??= pino.destination({ dest: 2, sync: true });
    output.write(line);
  },
};

/** The portal's logger (created on first use, so LOG_LEVEL set before then counts). */
export function logger(): Logger {
  shared ??= createLogger({ destination: sharedDestination });
  return shared;
}

/**
 * For tests: the portal's log lines from now on go to the returned array instead of standard error, until
 * `restore()`. Each line is the JSON text as it would have been written.
 */
export function captureLogLines(): { lines: string[]; restore: () => void } {
  const previous = output;
  const lines: string[] = [];
  output = { write: (line: string) => void lines.push(line) };
  return { lines, restore: () => void (output = previous) };
}

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/**
 * The id that ties a request's log lines together: the proxy's `X-Request-Id` when it sent a sane
 * one (so the portal's lines match the proxy's), else a new one.
 */
export function requestIdFrom(headers: Pick<Headers, "get">): string {
  const given = headers.get("x-request-id")?.trim();
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}

/** What Next passes to instrumentation.ts's onRequestError (the fields read here). */
export type FailedRequest = { path: string; method: string; headers: Record<string, string | string[] | undefined> };
export type FailedRequestContext = { routePath?: string; routeType?: string };

/**
 * The server's line for an error a page, route or action threw: the `digest` is the reference id
 * the error page shows (app/error.tsx), so an operator finds this line from a person's report.
 * The path is logged without its query string, which can carry tokens.
 */
export function logRequestError(log: Logger, error: unknown, request: FailedRequest, context: FailedRequestContext): void {
  const digest = typeof error === "object" && error !== null && "digest" in error ? String(error.digest) : undefined;
  const header = request.headers["x-request-id"];
  const requestId = typeof header === "string" && REQUEST_ID.test(header) ? header : undefined;
  log.error(
    {
      component: "request",
      digest,
      requestId,
      method: request.method,
      path: request.path.split("?")[0],
      route: context.routePath,
      routeType: context.routeType,
      err: error instanceof Error ? error : new Error(String(error)),
    },
    "request failed",
  );
}
