import path from "node:path";
import type { Db } from "./client";

export const MIGRATIONS_FOLDER = path.join(/*turbopackIgnore: true*/ process.cwd(), "db", "migrations");

/** Applies every pending migration in db/migrations (same files for Postgres and PGlite). */
export async function migrateDatabase(db: Db, kind: "postgres" | "pglite", migrationsFolder = MIGRATIONS_FOLDER) {
  if (kind === "postgres") {
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    await migrate(db as never, { migrationsFolder });
  } else {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(db as never, { migrationsFolder });
  }
}
