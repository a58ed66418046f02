import { databaseErrorOf } from "@/db/errors";

// A grid or report read that Postgres cancelled for taking too long (statement_timeout, on the
// reads pool: db/client.ts) becomes a QueryTimeoutError with a message for the user, shown where
// the grid or charts would be (components/ui/query-timed-out.tsx) instead of an error page.

/** SQLSTATE query_canceled: statement_timeout (or an explicit cancel). */
const QUERY_CANCELED = "57014";

export const QUERY_TIMEOUT_MESSAGE =
  "This view took too long to load, so it was stopped. Narrow the filters (a shorter date range, one channel or website, a search) and try again.";

export class QueryTimeoutError extends Error {
  constructor(message = QUERY_TIMEOUT_MESSAGE) {
    super(message);
    this.name = "QueryTimeoutError";
  }
}

export function isQueryTimeout(error: unknown): boolean {
  return error instanceof QueryTimeoutError || databaseErrorOf(error)?.code === QUERY_CANCELED;
}

/** Runs a read; a statement timeout becomes a QueryTimeoutError, any other error passes through. */
export async function timedRead<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (isQueryTimeout(error) && !(error instanceof QueryTimeoutError)) throw new QueryTimeoutError();
    throw error;
  }
}

/** For server components: the read's value, or the timeout's message to show in its place. */
export async function unlessTimedOut<T>(read: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
  try {
    return { ok: true, value: await timedRead(read) };
  } catch (error) {
    if (error instanceof QueryTimeoutError) return { ok: false, message: error.message };
    throw error;
  }
}
