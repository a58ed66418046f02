import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { ConnectorName, DbTx } from "@/lib/sync/types";
import { queryRows } from "@/lib/sync/write/rows";

// Bulk load, then index: the first initial sync into empty order tables writes every row into
// every grid index (sort by date, status, total, email and order-number search…), which the sync
// itself never reads. When the tables hold no rows at all (nobody can be using those grids yet),
// those indexes are dropped for the walk and built once at its end, from the definitions the
// database gave when they were dropped. The definitions are kept in the table's own comment, in
// the same transaction as the DROP, so they outlive a crash or a deleted channel: whoever finds
// them (the run that dropped them when its walk ends or the run stops, any later run, the
// migrations) builds the indexes back. Indexes the sync's own statements use are never dropped.

/**
 * Per connector whose initial walk may start on empty tables: the indexes to drop, and the
 * connector whose walk's end builds them back (carts' are kept off until the orders, which mark
 * carts purchased, are in).
 */
const DEFERRABLE: Partial<Record<ConnectorName, { until: ConnectorName; tables: Record<string, readonly string[]> }>> = {
  carts: {
    until: "orders",
    tables: {
      magento_carts: [
        "magento_carts_grand_total_idx",
        "magento_carts_created_idx",
        "magento_carts_email_prefix_idx",
        "magento_carts_updated_idx",
        // The reports' (built back before their refresh runs, at the end of the walk).
        "magento_carts_synced_idx",
      ],
    },
  },
  orders: {
    until: "orders",
    tables: {
      magento_orders: [
        "magento_orders_increment_idx",
        "magento_orders_status_created_idx",
        "magento_orders_created_idx",
        "magento_orders_updated_idx",
        "magento_orders_email_prefix_idx",
        "magento_orders_increment_prefix_idx",
        "magento_orders_grand_total_idx",
        "magento_orders_synced_idx",
        "magento_orders_created_customer_idx",
      ],
      magento_order_items: ["magento_order_items_sku_idx"],
    },
  },
};

/** Serializes deferring and restoring across processes (an arbitrary constant of ours). */
const LOCK_KEY = 7_302_915_001;

/** Every table whose indexes may be deferred (restoreDeferredIndexes looks at all of them). */
const TABLES = [...new Set(Object.values(DEFERRABLE).flatMap((entry) => Object.keys(entry?.tables ?? {})))];

type Deferred = { deferredIndexes: { name: string; definition: string }[]; runId: number; until: ConnectorName; note: string };

function parseComment(comment: string | null): Deferred | null {
  if (!comment) return null;
  try {
    const value = JSON.parse(comment) as Partial<Deferred>;
    return Array.isArray(value.deferredIndexes) ? (value as Deferred) : null;
  } catch {
    return null;
  }
}

async function tableComment(db: Db | DbTx, table: string): Promise<string | null> {
  const [row] = await queryRows<{ comment: string | null }>(db, sql`SELECT obj_description(to_regclass(${table}), 'pg_class') AS comment`);
  return row?.comment ?? null;
}

/**
 * Drops the connector's deferrable indexes when none of its tables holds a row (a first initial
 * sync). Returns the names dropped (none when the tables are in use or the indexes are gone).
 */
export async function deferIndexesForInitialWalk(db: Db, connector: ConnectorName, runId: number): Promise<string[]> {
  const entry = DEFERRABLE[connector];
  if (!entry) return [];
  // An optimization only: if the tables are busy (a killed process's backend still finishing a
  // page, another sync), give up at once rather than wait or deadlock, and index as usual.
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT set_config('lock_timeout', '500ms', true)`);
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_KEY})`);
    const dropped: string[] = [];
    for (const [table, names] of Object.entries(entry.tables)) {
      // An exclusive lock first: no other sync writes a row between "empty" and the DROP.
      await tx.execute(sql.raw(`LOCK TABLE ${table} IN SHARE ROW EXCLUSIVE MODE`));
      const [used] = await queryRows<{ used: boolean }>(tx, sql.raw(`SELECT EXISTS (SELECT 1 FROM ${table}) AS used`));
      if (used?.used) return [];
      if (parseComment(await tableComment(tx, table))) continue;
      const found = await queryRows<{ name: string; definition: string }>(tx, sql`
        SELECT indexname AS name, indexdef AS definition FROM pg_indexes
        WHERE schemaname = current_schema() AND tablename = ${table} AND indexname = ANY(${`{${names.join(",")}}`}::text[])`);
      if (found.length === 0) continue;
      const note: Deferred = {
        deferredIndexes: found,
        runId,
        until: entry.until,
        note: "Indexes dropped for a first initial sync; the sync (or the next migration) builds them again.",
      };
      await tx.execute(sql.raw(`COMMENT ON TABLE ${table} IS '${JSON.stringify(note).replaceAll("'", "''")}'`));
      for (const index of found) await tx.execute(sql.raw(`DROP INDEX IF EXISTS "${index.name}"`));
      dropped.push(...found.map((index) => index.name));
    }
    return dropped;
  }).catch((error: unknown) => {
    console.warn(`[sync] ${connector}: grid indexes kept (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
    return [];
  });
}

/**
 * Builds back the indexes a sync deferred (all of them; only those `onlyRunId` dropped; only those
 * waiting for the end of `walkEnded`'s walk; not those whose run `keep` claims) and clears the note.
 * Without a note it does nothing.
 */
export async function restoreDeferredIndexes(
  db: Db,
  options: { onlyRunId?: number; walkEnded?: ConnectorName; keep?: (runId: number) => boolean | Promise<boolean> } = {},
): Promise<string[]> {
  const restored: string[] = [];
  for (const table of TABLES) {
    if (!parseComment(await tableComment(db, table))) continue; // the common case: nothing deferred
    const built = await db.transaction(async (tx): Promise<string[]> => {
      // One restorer (or deferrer) at a time; the note is read again under the lock. A killed
      // process's backend may still be building an index: its transaction rolls back, and the
      // note it would have cleared is still there for the next one. Busy tables: the note stays
      // for the next caller (the run's end, the next run, the migrations) instead of a deadlock.
      await tx.execute(sql`SELECT set_config('lock_timeout', '5s', true)`);
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_KEY})`);
      const deferred = parseComment(await tableComment(tx, table));
      if (!deferred) return [];
      if (options.onlyRunId !== undefined && deferred.runId !== options.onlyRunId) return [];
      if (options.walkEnded !== undefined && deferred.until !== options.walkEnded) return [];
      if (options.keep && (await options.keep(deferred.runId))) return [];
      for (const index of deferred.deferredIndexes) {
        await tx.execute(sql.raw(index.definition.replace(/^CREATE (UNIQUE )?INDEX /, "CREATE $1INDEX IF NOT EXISTS ")));
      }
      await tx.execute(sql.raw(`COMMENT ON TABLE ${table} IS NULL`));
      return deferred.deferredIndexes.map((index) => index.name);
    }).catch((error: unknown) => {
      console.warn(`[sync] deferred indexes of ${table} not built yet (retried later): ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
      return [];
    });
    restored.push(...built);
  }
  return restored;
}
