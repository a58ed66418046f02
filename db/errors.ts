// Errors from the database, made safe to store, show and log.
//
// Drizzle wraps every driver error as "Failed query: <the SQL>\nparams: <every parameter>": a sync
// page's parameter is the whole page of customers as JSON, an action's may be an email or a hash.
// The reason worth keeping (Postgres's own message, its SQLSTATE code, the constraint) sits in
// `.cause` and would be dropped by `error.message`. Everything that stores, shows or logs an error
// goes through safeErrorMessage (or errorForLog), which keeps the reason and never the SQL or the
// parameters.

export type DatabaseErrorInfo = {
  /** Postgres's message (values in data-error messages withheld). */
  message: string;
  /** SQLSTATE, e.g. 23505 (unique_violation), 57014 (query_canceled). */
  code: string;
  constraint?: string;
  table?: string;
};

type Loose = Record<string, unknown>;

const SQLSTATE = /^[0-9A-Z]{5}$/;
const QUERY_MARK = "Failed query:";
const MAX_LENGTH = 2_000;

function isObject(value: unknown): value is Loose {
  return typeof value === "object" && value !== null;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** A Postgres error as either driver reports it (postgres.js PostgresError, PGlite DatabaseError). */
function isPostgresError(value: unknown): boolean {
  return (
    isObject(value) &&
    typeof value.code === "string" &&
    SQLSTATE.test(value.code) &&
    typeof value.severity === "string" &&
    typeof value.message === "string"
  );
}

/** Drizzle's query wrapper (matched by shape: module copies make instanceof unreliable). */
export function isQueryError(value: unknown): boolean {
  return isObject(value) && typeof value.message === "string" && value.message.startsWith(QUERY_MARK);
}

/**
 * Class 22 (data exception) messages quote the offending value, e.g. `invalid input syntax for type
 * numeric: "12,5"`: a record's value, so it is withheld.
 */
function withoutValues(code: string, message: string): string {
  if (!code.startsWith("22")) return message;
  return message.replace(/: ".*"$/s, ": (value withheld)").replace(/"[^"]*"/g, (quoted) => (quoted.length > 42 ? '"…"' : quoted));
}

/** The Postgres error in `error` or along its causes, without its detail (detail holds key values). */
export function databaseErrorOf(error: unknown): DatabaseErrorInfo | null {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && isObject(current); depth++) {
    const found: Loose = current;
    if (isPostgresError(found)) {
      const code = found.code as string;
      return {
        message: withoutValues(code, (found.message as string).split("\n")[0]!),
        code,
        constraint: text(found.constraint_name) ?? text(found.constraint),
        table: text(found.table_name) ?? text(found.table),
      };
    }
    current = found.cause;
  }
  return null;
}

/** "<message> (SQLSTATE 23505, constraint x, table y)"; names already in the message are not repeated. */
export function describeDatabaseError(info: DatabaseErrorInfo): string {
  const parts = [`SQLSTATE ${info.code}`];
  if (info.constraint && !info.message.includes(`"${info.constraint}"`)) parts.push(`constraint ${info.constraint}`);
  if (info.table && !info.message.includes(`"${info.table}"`)) parts.push(`table ${info.table}`);
  return `${info.message} (${parts.join(", ")})`;
}

/**
 * Text that may carry an interpolated Drizzle message ("Inngest gave up: Failed query: …"): the
 * part before the query is kept, the query and its parameters replaced by `reason`.
 */
export function scrubErrorText(value: string, reason = "a database query failed (details withheld)"): string {
  const at = value.indexOf(QUERY_MARK);
  const safe = at < 0 ? value : `${value.slice(0, at)}${reason}`;
  return safe.length > MAX_LENGTH ? `${safe.slice(0, MAX_LENGTH - 1)}…` : safe;
}

/**
 * Any error as a message safe to store, show and log: a database error's Postgres message, code and
 * constraint, never its SQL or parameters; any other error's own message.
 */
export function safeErrorMessage(error: unknown, fallback = "Unknown error"): string {
  const pg = databaseErrorOf(error);
  const own = isObject(error) && typeof error.message === "string" ? error.message : typeof error === "string" ? error : null;
  if (isPostgresError(error) && pg) return describeDatabaseError(pg);
  if (own === null) return fallback;
  if (!own.includes(QUERY_MARK)) return scrubErrorText(own) || fallback;
  if (pg) return scrubErrorText(own, describeDatabaseError(pg));
  // No Postgres error behind it (a dropped connection, say): the cause's own words.
  const cause = isObject(error) && error.cause !== undefined ? safeErrorMessage(error.cause, "") : "";
  return scrubErrorText(own, cause ? `a database query failed: ${cause}` : undefined);
}

/** The stack's frames without its first line (which repeats the unsafe message). */
function framesOf(error: unknown): string {
  const stack = isObject(error) && typeof error.stack === "string" ? error.stack : "";
  return stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .join("\n");
}

/** A log line's worth: the safe message and where it happened. */
export function errorForLog(error: unknown): string {
  const name = isObject(error) && typeof error.name === "string" && !isQueryError(error) ? `${error.name}: ` : "";
  const frames = framesOf(error);
  return `${name}${safeErrorMessage(error)}${frames ? `\n${frames}` : ""}`;
}

/** A database error rethrown with only its safe message (for errors that leave for other systems, e.g. Inngest). */
export class DatabaseQueryError extends Error {
  readonly code: string | null;
  constructor(message: string, code: string | null, frames: string) {
    super(message);
    this.name = "DatabaseQueryError";
    this.code = code;
    this.stack = `${this.name}: ${message}${frames ? `\n${frames}` : ""}`;
  }
}

/** `error` itself, or when it is Drizzle's query error, a DatabaseQueryError without SQL and parameters. */
export function withoutQuery(error: unknown): unknown {
  if (!isQueryError(error)) return error;
  return new DatabaseQueryError(safeErrorMessage(error), databaseErrorOf(error)?.code ?? null, framesOf(error));
}
