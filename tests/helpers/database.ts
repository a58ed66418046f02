import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDatabase, type Db } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export type TestDatabase = { db: Db; url: string; name: string; drop: () => Promise<void> };

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/**
 * A fresh, migrated Postgres database for one test file, so files run isolated and in parallel.
 * Fails loudly when Postgres is not reachable: integration tests never skip.
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `portal_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } catch (error) {
    throw new Error(
      `Integration tests need Postgres at TEST_DATABASE_URL (${TEST_DATABASE_URL}); it answered: ${
        error instanceof Error ? error.message : String(error)
      }. Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`,
    );
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = withDatabase(TEST_DATABASE_URL, name);
  const handle = await openDatabase({ databaseUrl: url, max: 4 });
  if (options.migrate !== false) await migrateDatabase(handle.db, "postgres");
  return {
    db: handle.db,
    url,
    name,
    drop: async () => {
      await handle.close();
      const cleanup = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await cleanup.end({ timeout: 5 });
      }
    },
  };
}
