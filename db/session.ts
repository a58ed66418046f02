import type { Db } from "./client";

// A database session of its own: one dedicated Postgres connection, outside the pool, for state
// that lives with a session (session-level advisory locks) and must die with it when the process
// does. Not a connection reserved from the pool: postgres.js hands a pool connection that closed
// while reserved back to other queries, so "the session ended" could not be told apart from "the
// session is fine". PGlite has one session per process and no pool: null there.

export type DbSession = {
  /** The Postgres backend process id of this connection (what pg_locks shows). */
  backendPid: number;
  /** Runs a statement on this session; refuses once the connection closed (a new one would be another session). */
  query<T extends Record<string, unknown>>(text: string, params?: (string | number | boolean | null)[]): Promise<T[]>;
  /** True once the connection closed: whatever the session held is gone. */
  readonly closed: boolean;
  close(): Promise<void>;
};

// The URL a Postgres handle was opened with, on the handle itself (a registered symbol: Next may
// load this module twice).
const URL_KEY = Symbol.for("portal.db.sessionUrl");

/** Called by openDatabase: sessions of this handle connect like its pool. */
export function rememberSessionUrl(db: Db, url: string): void {
  Object.defineProperty(db, URL_KEY, { value: url, enumerable: false });
}

/** Which driver a database handle uses. */
export function databaseKind(db: Db): "postgres" | "pglite" {
  const client = (db as unknown as { $client?: { reserve?: unknown } }).$client;
  return typeof client?.reserve === "function" ? "postgres" : "pglite";
}

/** A dedicated session (Postgres), or null (PGlite: the process is the session). */
export async function openSession(db: Db): Promise<DbSession | null> {
  if (databaseKind(db) !== "postgres") return null;
  const url = (db as unknown as Record<symbol, string | undefined>)[URL_KEY];
  if (!url) throw new Error("This database handle was not opened by openDatabase: it cannot open a session of its own.");
  const { default: postgres } = await import("postgres");
  let closed = false;
  // One connection that lives as long as the session is needed: no idle or lifetime recycling.
  const client = postgres(url, { max: 1, idle_timeout: 0, max_lifetime: 0, onnotice: () => {}, onclose: () => (closed = true) });
  const query = async <T extends Record<string, unknown>>(text: string, params: (string | number | boolean | null)[] = []) => {
    if (closed) throw new Error("The database session has ended.");
    return (await client.unsafe(text, params)) as unknown as T[];
  };
  try {
    const [row] = await query<{ pid: number }>("select pg_backend_pid() as pid");
    return {
      backendPid: Number(row!.pid),
      query,
      get closed() {
        return closed;
      },
      close: () => client.end({ timeout: 5 }),
    };
  } catch (error) {
    await client.end({ timeout: 1 }).catch(() => {});
    throw error;
  }
}
