import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
// lib/env.ts is the one module of ours db/ imports (the environment is below every layer).
import { readEnv } from "@/lib/env";
import * as schema from "./schema";
import { dataDir } from "./data-dir";
import { databaseLimits, DEFAULT_LIMITS, type DatabaseLimits } from "./limits";
import { acquirePgliteLock, releasePgliteLock } from "./pglite-lock";
import { rememberSessionUrl } from "./session";

export type Schema = typeof schema;
/** Either driver's database; application code only ever sees this type. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction of either driver (or the database itself where a function takes both): writes that belong together go through one. */
export type DbTx = Parameters<Parameters<Db["transaction"]>[0]>[0];

type Handle = {
  /** Everything else: actions, sync, sign-in, pages' own reads. */
  db: Db;
  /** Grid and report reads: each statement is cancelled after limits.queryTimeoutMs. */
  reads: Db;
  /** CSV exports: at most limits.exportConnections connections, each statement cut at limits.exportTimeoutMs. */
  exports: Db;
  kind: "postgres" | "pglite";
  limits: DatabaseLimits;
  close: () => Promise<void>;
};

// One handle per process, shared by every module copy Next may load.
const globalForDb = globalThis as unknown as { __portalDb?: Promise<Handle> };

export type OpenOptions = { databaseUrl?: string; pgliteDir?: string; max?: number; limits?: Partial<DatabaseLimits> };

/** Opens a database handle: postgres.js when a URL is given, otherwise embedded PGlite. */
export async function openDatabase(options: OpenOptions = {}): Promise<Handle> {
  const url = options.databaseUrl;
  const limits: DatabaseLimits = { ...DEFAULT_LIMITS, ...options.limits };
  if (url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const max = options.max ?? 10;
    const client = postgres(url, { max, onnotice: () => {} });
    // Separate pools, so slow grids and stalled downloads never take the connections that sign-in,
    // actions and the sync need. statement_timeout is a connection setting of each pool (no SET per
    // query); idle connections of these pools close after a minute. Connections open on first use.
    // Grids and reports run the same statement with other filters each time (a status, a date range):
    // a generic plan chosen after five runs cannot see them, so each run is planned for its values.
    const readSettings = { plan_cache_mode: "force_custom_plan" };
    const reads = postgres(url, {
      max,
      idle_timeout: 60,
      onnotice: () => {},
      connection: { ...readSettings, statement_timeout: limits.queryTimeoutMs },
    });
    const exports = postgres(url, {
      max: limits.exportConnections,
      idle_timeout: 60,
      onnotice: () => {},
      connection: { ...readSettings, statement_timeout: limits.exportTimeoutMs },
    });
    const db = drizzle(client, { schema }) as unknown as Db;
    rememberSessionUrl(db, url);
    return {
      db,
      reads: drizzle(reads, { schema }) as unknown as Db,
      exports: drizzle(exports, { schema }) as unknown as Db,
      kind: "postgres",
      limits,
      close: async () => {
        await Promise.all([client.end({ timeout: 5 }), reads.end({ timeout: 5 }), exports.end({ timeout: 5 })]);
      },
    };
  }
  const folder = options.pgliteDir ?? path.join(dataDir(), "pglite");
  acquirePgliteLock(folder);
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const { drizzle } = await import("drizzle-orm/pglite");
    // pg_trgm backs global search's indexes (migration 0028); its files ship with PGlite.
    const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
    const client = await PGlite.create(folder, { extensions: { pg_trgm } });
    // One connection, and PGlite cannot interrupt a running statement: no pools, and the
    // statement timeouts do nothing here (exports are still bounded in time between batches).
    const db = drizzle(client, { schema }) as unknown as Db;
    return {
      db,
      reads: db,
      exports: db,
      kind: "pglite",
      limits,
      close: async () => {
        await client.close();
        releasePgliteLock(folder);
      },
    };
  } catch (error) {
    releasePgliteLock(folder);
    throw error;
  }
}

/** The process's database, opened on first use (never at import or build time). */
export function getDbHandle(): Promise<Handle> {
  globalForDb.__portalDb ??= Promise.resolve()
    .then(() => openDatabase({ databaseUrl: readEnv("DATABASE_URL"), limits: databaseLimits() }))
    .catch((error: unknown) => {
      globalForDb.__portalDb = undefined;
      throw error;
    });
  return globalForDb.__portalDb;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

/** The pool for grid and report reads, whose statements time out (QUERY_TIMEOUT_SECONDS). */
export async function getReadDb(): Promise<Db> {
  return (await getDbHandle()).reads;
}

/** Closes the process's database (CLI commands and tests call this before exiting). */
export async function closeDb(): Promise<void> {
  const pending = globalForDb.__portalDb;
  globalForDb.__portalDb = undefined;
  if (pending) await (await pending).close();
}
