import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";
import { dataDir } from "./data-dir";
import { acquirePgliteLock, releasePgliteLock } from "./pglite-lock";
import { rememberSessionUrl } from "./session";

export type Schema = typeof schema;
/** Either driver's database; application code only ever sees this type. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

type Handle = { db: Db; kind: "postgres" | "pglite"; close: () => Promise<void> };

// One handle per process, shared by every module copy Next may load.
const globalForDb = globalThis as unknown as { __portalDb?: Promise<Handle> };

export type OpenOptions = { databaseUrl?: string; pgliteDir?: string; max?: number };

/** Opens a database handle: postgres.js when a URL is given, otherwise embedded PGlite. */
export async function openDatabase(options: OpenOptions = {}): Promise<Handle> {
  const url = options.databaseUrl;
  if (url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client = postgres(url, { max: options.max ?? 10, onnotice: () => {} });
    const db = drizzle(client, { schema }) as unknown as Db;
    rememberSessionUrl(db, url);
    return {
      db,
      kind: "postgres",
      close: () => client.end({ timeout: 5 }),
    };
  }
  const folder = options.pgliteDir ?? path.join(dataDir(), "pglite");
  acquirePgliteLock(folder);
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const { drizzle } = await import("drizzle-orm/pglite");
    const client = await PGlite.create(folder);
    return {
      db: drizzle(client, { schema }) as unknown as Db,
      kind: "pglite",
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
  globalForDb.__portalDb ??= openDatabase({ databaseUrl: process.env.DATABASE_URL || undefined }).catch(
    (error: unknown) => {
      globalForDb.__portalDb = undefined;
      throw error;
    },
  );
  return globalForDb.__portalDb;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

/** Closes the process's database (CLI commands and tests call this before exiting). */
export async function closeDb(): Promise<void> {
  const pending = globalForDb.__portalDb;
  globalForDb.__portalDb = undefined;
  if (pending) await (await pending).close();
}
