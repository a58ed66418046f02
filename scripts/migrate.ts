// `npm run db:migrate`: applies db/migrations to DATABASE_URL, or to the embedded PGlite in .data/.
import { closeDb, getDbHandle } from "@/db/client";
import { DatabaseLockedError } from "@/db/pglite-lock";
import { migrateDatabase } from "@/db/migrate";

async function main() {
  const handle = await getDbHandle();
  await migrateDatabase(handle.db, handle.kind);
  console.log(`Migrations applied (${handle.kind === "pglite" ? "embedded PGlite in .data/pglite" : "Postgres at DATABASE_URL"}).`);
  await closeDb();
}

main().catch((error: unknown) => {
  if (error instanceof DatabaseLockedError) {
    console.error(error.message);
    process.exit(1);
  }
  console.error("Migration failed:", error instanceof Error ? error.message : error);
  process.exit(1);
});
