import { and, count, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Db } from "@/db/client";
import {
  accounts,
  channels,
  magentoCartItems,
  magentoCarts,
  magentoCreditMemoItems,
  magentoCreditMemos,
  magentoCustomerAddresses,
  magentoCustomerGroups,
  magentoCustomers,
  magentoNewsletterSubscribers,
  magentoOrderAddresses,
  magentoOrderItems,
  magentoOrders,
  magentoStores,
  magentoWebsites,
  outbox,
  syncCheckpoints,
  syncErrors,
  syncRuns,
} from "@/db/schema";
import { writeAudit, type Actor } from "@/lib/audit/log";
import { dropEmptiedAccounts } from "@/lib/sync/rules/accounts";
import { refreshAccountFigures } from "@/lib/sync/rules/account-figures";
import { sendJobEvent } from "@/lib/jobs/dispatch";
import { CHANNEL_DELETE_REQUESTED } from "@/lib/jobs/events";
import { inngestConfigured } from "@/lib/jobs/settings";
import { safeErrorMessage } from "@/db/errors";
import { logger } from "@/lib/log";

// Deleting a channel: the admin's request only marks it (channels.deleting_at), which hides it
// everywhere and stops its syncs; the rows go in the background, a few thousand per statement,
// children first, so no statement holds locks for long and the portal stays usable. Under Inngest
// the function channel-delete does it in steps (startChannelDeletion); in-process a restart
// resumes it (resumePendingDeletions).

type ChannelScoped = PgTable & { id: PgColumn; channelId: PgColumn };

/** Children before parents (foreign keys), synced data before the sync bookkeeping. */
const TABLES: readonly ChannelScoped[] = [
  magentoCreditMemoItems,
  magentoCreditMemos,
  magentoOrderItems,
  magentoOrderAddresses,
  magentoCartItems,
  magentoNewsletterSubscribers,
  magentoOrders,
  magentoCarts,
  magentoCustomerAddresses,
  magentoCustomers,
  magentoCustomerGroups,
  magentoStores,
  magentoWebsites,
  syncErrors,
  outbox,
  syncCheckpoints,
  syncRuns,
] as unknown as readonly ChannelScoped[];

/** The synced records an admin will lose (what the grids show), per kind and in total. */
export async function countChannelRecords(db: Db, channelId: number) {
  const kinds = {
    customers: magentoCustomers,
    carts: magentoCarts,
    orders: magentoOrders,
    credit_memos: magentoCreditMemos,
    newsletter_subscribers: magentoNewsletterSubscribers,
  } as const;
  const byKind = {} as Record<keyof typeof kinds, number>;
  let total = 0;
  for (const [kind, table] of Object.entries(kinds) as [keyof typeof kinds, ChannelScoped][]) {
    const [row] = await db.select({ n: count() }).from(table).where(eq(table.channelId, channelId));
    byKind[kind] = row?.n ?? 0;
    total += byKind[kind];
  }
  return { byKind, total };
}

/** The channel's name, or null when it is gone or already being deleted. */
export async function liveChannelName(db: Db, channelId: number): Promise<string | null> {
  const [row] = await db
    .select({ name: channels.name })
    .from(channels)
    .where(and(eq(channels.id, channelId), isNull(channels.deletingAt)));
  return row?.name ?? null;
}

/** Marks the channel for deletion (hides it, stops its syncs) and records who asked. */
export async function markChannelDeleting(db: Db, channelId: number, actor: Actor): Promise<{ name: string; records: number } | null> {
  const records = await countChannelRecords(db, channelId);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(channels)
      .set({ deletingAt: new Date(), active: false, updatedAt: new Date() })
      .where(and(eq(channels.id, channelId), isNull(channels.deletingAt)))
      .returning({ id: channels.id, name: channels.name, baseUrl: channels.baseUrl });
    if (!row) return null;
    // A sync still running stops after its current page.
    await tx
      .update(syncRuns)
      .set({ cancelRequestedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(syncRuns.channelId, channelId), inArray(syncRuns.status, ["queued", "running"])));
    await writeAudit(tx, {
      userId: actor.userId,
      actor: actor.actor,
      action: "channel.deleted",
      entityType: "channel",
      entityId: channelId,
      channelId,
      ip: actor.ip ?? null,
      details: { name: row.name, baseUrl: row.baseUrl, recordsToRemove: records.total, byKind: records.byKind },
    });
    return { name: row.name, records: records.total };
  });
}

/** What one bounded pass of a channel's deletion did. */
export interface DeletionPass {
  /** Rows removed in this pass (the channel's own row included when it went). */
  removed: number;
  /** True once the channel row itself is gone (or was never there): nothing left to do. */
  done: boolean;
}

/**
 * Removes up to `maxStatements` chunks of `batchSize` rows of a channel, children first, and the
 * channel itself once nothing else is left. Each pass starts again from the first table that still
 * has rows, so a pass interrupted at any point (a crash, a retried Inngest step) is simply run again.
 */
export async function deleteChannelDataPass(
  db: Db,
  channelId: number,
  options: { batchSize?: number; maxStatements?: number } = {},
): Promise<DeletionPass> {
  const batchSize = options.batchSize ?? 5000;
  let statements = options.maxStatements ?? Number.POSITIVE_INFINITY;
  let removed = 0;
  // Only a channel an admin marked (markChannelDeleting) loses its rows, whoever sends the event.
  const [live] = await db
    .select({ id: channels.id })
    .from(channels)
    .where(and(eq(channels.id, channelId), isNull(channels.deletingAt)));
  if (live) return { removed: 0, done: true };
  for (const table of TABLES) {
    for (;;) {
      if (statements <= 0) return { removed, done: false };
      statements--;
      const ids = db.select({ id: table.id }).from(table).where(eq(table.channelId, channelId)).limit(batchSize);
      const rows: { id: unknown; accountId?: number | null }[] =
        table === (magentoCustomers as unknown as ChannelScoped)
          ? await db
              .delete(magentoCustomers)
              .where(inArray(magentoCustomers.id, ids))
              .returning({ id: magentoCustomers.id, accountId: magentoCustomers.accountId })
          : await db.delete(table).where(inArray(table.id, ids)).returning({ id: table.id });
      removed += rows.length;
      // Accounts of the customers just removed: empty ones go, the others' figures lose this channel.
      const accountIds = rows.flatMap((row) => (row.accountId ? [row.accountId] : []));
      if (accountIds.length > 0) await refreshAccountFigures(db, await dropEmptiedAccounts(db, accountIds));
      if (rows.length < batchSize) break;
    }
  }
  // This channel's company accounts left empty (a crash between a customers batch and its accounts).
  const companies = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.channelId, channelId));
  await dropEmptiedAccounts(
    db,
    companies.map((row) => row.id),
  );
  const gone = await db
    .delete(channels)
    .where(and(eq(channels.id, channelId), isNotNull(channels.deletingAt)))
    .returning({ id: channels.id });
  return { removed: removed + gone.length, done: true };
}

/**
 * Removes a channel's rows in chunks of `batchSize` per statement, children first, then the
 * channel itself. Safe to call again after an interruption. Returns the rows removed.
 */
export async function deleteChannelData(db: Db, channelId: number, options: { batchSize?: number } = {}): Promise<number> {
  const pass = await deleteChannelDataPass(db, channelId, options);
  return pass.removed;
}

/** The channels marked for deletion whose rows are not all gone yet. */
export async function pendingDeletions(db: Db): Promise<number[]> {
  const rows = await db.select({ id: channels.id }).from(channels).where(isNotNull(channels.deletingAt));
  return rows.map((row) => row.id);
}

const inFlight = new Map<number, Promise<number>>();

/** Runs deleteChannelData once per channel at a time in this process; errors are logged. */
export function deleteChannelInBackground(
  db: Db,
  channelId: number,
  log: (line: string) => void = (line) => logger().error({ component: "channels", channelId }, line),
): Promise<number> {
  const running = inFlight.get(channelId);
  if (running) return running;
  const task = deleteChannelData(db, channelId)
    .catch((error: unknown) => {
      log(`[channels] deleting channel #${channelId} stopped: ${safeErrorMessage(error)}; it resumes on the next start.`);
      return 0;
    })
    .finally(() => inFlight.delete(channelId));
  inFlight.set(channelId, task);
  return task;
}

/**
 * Finishes deletions an earlier process did not (channels with deleting_at set still present).
 * Call it from the scheduler tick or at server start (instrumentation.ts, through lib/jobs/startup.ts).
 */
export async function resumePendingDeletions(db: Db): Promise<number[]> {
  const pending = await pendingDeletions(db);
  for (const id of pending) await deleteChannelInBackground(db, id);
  return pending;
}

/**
 * After markChannelDeleting: the rows go through Inngest's channel-delete function when Inngest
 * runs background work (durable: its steps resume after a crash, and an hourly sweep sends the
 * event again for deletions left pending), else in this process. If Inngest cannot be reached the
 * deletion runs here rather than wait for the sweep.
 */
export async function startChannelDeletion(
  db: Db,
  channelId: number,
  log: (line: string) => void = console.error,
): Promise<"inngest" | "in_process"> {
  if (inngestConfigured()) {
    try {
      await sendJobEvent({ name: CHANNEL_DELETE_REQUESTED, data: { channelId } });
      return "inngest";
    } catch (error) {
      log(`[channels] could not hand deleting channel #${channelId} to Inngest (${safeErrorMessage(error)}); deleting it here.`);
    }
  }
  await deleteChannelInBackground(db, channelId, log);
  return "in_process";
}
