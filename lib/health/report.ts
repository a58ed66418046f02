import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rowsOf } from "@/db/rows";
import journal from "@/db/migrations/meta/_journal.json";
import { inngestConfigured } from "@/lib/jobs/settings";

// What /api/health answers: enough for a load balancer or an operator to tell "up and current"
// from "down or behind", and nothing more. It is public (no session), so it names no channel, URL
// or error text: channels appear by id with the age of their last finished sync only.

/** How long the database may take to answer before the check calls it unreachable. */
export const HEALTH_DB_TIMEOUT_MS = 5_000;

export type HealthReport = {
  status: "ok" | "unavailable";
  database: "reachable" | "unreachable";
  /** Applied migrations against the ones this build ships (db/migrations/meta/_journal.json); null when the database did not answer. */
  migrations: { applied: number; expected: number; current: boolean } | null;
  /** Who runs the background syncs: this process's scheduler, or an Inngest server. */
  mode: "in-process" | "inngest";
  /** Active channels by id: seconds since their last sync finished (succeeded or partial), null when none has. */
  channels: { id: number; lastSyncAgeSeconds: number | null }[];
};

type JournalEntry = { when: number; tag: string };
const SHIPPED = (journal as { entries: JournalEntry[] }).entries;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** Drizzle's own record of what it applied; a database never migrated has no such table (0 applied). */
async function appliedMigrations(db: Db): Promise<{ count: number; last: number }> {
  try {
    const [row] = rowsOf<{ count: number | string; last: number | string | null }>(
      await db.execute(sql`select count(*)::int as count, max(created_at) as last from drizzle.__drizzle_migrations`),
    );
    return { count: Number(row?.count ?? 0), last: Number(row?.last ?? 0) };
  } catch {
    return { count: 0, last: 0 };
  }
}

async function channelAges(db: Db, now: Date): Promise<HealthReport["channels"]> {
  const rows = rowsOf<{ id: number | string; last: Date | string | null }>(
    await db.execute(sql`
      select c.id, (select max(r.finished_at) from sync_runs r
                    where r.channel_id = c.id and r.status in ('succeeded', 'partial')) as last
      from channels c
      where c.active and c.deleting_at is null
      order by c.id`),
  );
  return rows.map((row) => ({
    id: Number(row.id),
    lastSyncAgeSeconds: row.last === null ? null : Math.max(0, Math.round((now.getTime() - new Date(row.last).getTime()) / 1000)),
  }));
}

/**
 * Checks the database behind `open` (a failure to open counts as unreachable). Healthy means the
 * database answers and every migration this build ships is applied; the channels' ages are
 * information for monitoring, never a reason for 503 (a store being slow is not the portal down).
 */
export async function healthReport(open: () => Promise<Db>, now = new Date()): Promise<HealthReport> {
  const mode = inngestConfigured() ? "inngest" : "in-process";
  const expected = SHIPPED.length;
  const lastShipped = SHIPPED.at(-1)?.when ?? 0;
  const down: HealthReport = { status: "unavailable", database: "unreachable", migrations: null, mode, channels: [] };
  let db: Db;
  try {
    db = await withTimeout(open(), HEALTH_DB_TIMEOUT_MS);
    await withTimeout(db.execute(sql`select 1`), HEALTH_DB_TIMEOUT_MS);
  } catch {
    return down;
  }
  try {
    const applied = await withTimeout(appliedMigrations(db), HEALTH_DB_TIMEOUT_MS);
    // Drizzle applies a migration when its journal time is newer than the last one applied: the
    // same comparison says whether this build's newest one is in.
    const current = applied.count >= expected && applied.last >= lastShipped;
    const migrations = { applied: applied.count, expected, current };
    // Before the migrations the tables may be missing: no channels to report then.
    const channels = current ? await withTimeout(channelAges(db, now), HEALTH_DB_TIMEOUT_MS) : [];
    return { status: current ? "ok" : "unavailable", database: "reachable", migrations, mode, channels };
  } catch {
    return down;
  }
}
