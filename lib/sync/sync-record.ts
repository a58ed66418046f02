import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, DbTx } from "@/db/client";
import { channels } from "@/db/schema";
import type { MagentoClient } from "@/lib/magento/client";
import { createChannelClient } from "@/lib/sync/channel-client";
import { fetchRecordsById, invalidMessage, loadConnectors, RECORD_SOURCES } from "@/lib/sync/fetch-by-id";
import { channelBusyMessage, holdChannel, SyncBusyError, type ChannelHold } from "@/lib/sync/lease";
import { recomputeCustomerTotals } from "@/lib/sync/rules/ltv";
import type { Connector, SyncContext } from "@/lib/sync/types";
import { recordWarnings, warningInputs } from "@/lib/sync/runs";
import { queryRows } from "@/db/rows";
import { safeErrorMessage } from "@/db/errors";

// "Sync this record" on a detail page: re-imports one record from Magento at once, written
// exactly as a sync page writes it (connector writePage + afterPage, one transaction). Takes the
// channel's lease for the moment, so it never writes next to a running sync.

export const SYNCABLE_CONNECTORS = ["customers", "carts", "orders", "credit_memos"] as const;
export type SyncableConnector = (typeof SYNCABLE_CONNECTORS)[number];

export const syncRecordInputSchema = z.object({
  channelId: z.number().int().positive(),
  connector: z.enum(SYNCABLE_CONNECTORS),
  originId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});
export type SyncRecordInput = z.input<typeof syncRecordInputSchema>;

export type SyncRecordResult =
  | { status: "synced"; message: string }
  | { status: "removed"; message: string }
  | { status: "busy"; message: string }
  | { status: "invalid"; message: string }
  | { status: "outside_channel"; message: string }
  | { status: "failed"; message: string };

const TABLES: Record<SyncableConnector, string> = {
  customers: "magento_customers",
  carts: "magento_carts",
  orders: "magento_orders",
  credit_memos: "magento_credit_memos",
};

export interface SyncRecordOptions {
  /** Default: the channel's client. */
  client?: MagentoClient;
  /** Default: the real connectors. */
  connectors?: readonly Connector[];
}

export async function syncRecord(db: Db, input: SyncRecordInput, options: SyncRecordOptions = {}): Promise<SyncRecordResult> {
  const { channelId, connector: name, originId } = syncRecordInputSchema.parse(input);
  const [channel] = await db.select().from(channels).where(eq(channels.id, channelId));
  if (!channel || channel.deletingAt) return { status: "failed", message: "This record's channel no longer exists." };
  let hold: ChannelHold;
  try {
    hold = await holdChannel(db, channelId, `record:${randomBytes(6).toString("hex")}`);
  } catch (error) {
    if (error instanceof SyncBusyError) return { status: "busy", message: channelBusyMessage(channel.name, error.holder) };
    throw error;
  }
  try {
    const client = options.client ?? createChannelClient(channel);
    const ctx: SyncContext = { db, channel, client, runId: 0 };
    const source = RECORD_SOURCES[name]!;
    const id = String(originId);
    let fetched;
    try {
      fetched = await fetchRecordsById(client, source.entity, [id]);
    } catch (error) {
      return { status: "failed", message: `Magento did not answer: ${safeErrorMessage(error)}` };
    }
    const invalid = fetched.invalidById.get(id);
    if (invalid || (fetched.anonymousInvalid && !fetched.records.has(id))) {
      const detail = invalid ? invalidMessage(invalid).message : "a record without a readable id";
      return { status: "invalid", message: `Magento sent this record in a shape the portal cannot read (${detail}); nothing was changed.` };
    }
    const record = fetched.records.get(id);
    if (record === undefined) {
      await db.transaction((tx) => flagRemoved(tx, channelId, name, originId));
      return { status: "removed", message: "Magento no longer has this record; it is now marked as removed." };
    }
    const keep = await source.keep(ctx);
    if (keep && !keep(record)) {
      return {
        status: "outside_channel",
        message: "This record now belongs to a website or store outside this channel; nothing was changed.",
      };
    }
    // A customer record also carries the newsletter subscription, as in a sync.
    const names =
      name === "customers" && channel.entities.includes("newsletter_subscribers") ? ["customers", "newsletter_subscribers"] : [name];
    const all = await loadConnectors(options.connectors);
    const writers = names.map((n) => all.find((c) => c.name === n)).filter((c): c is Connector => c !== undefined);
    const warnings = fetched.warnings.filter((w) => String(w.id) === id);
    let mapFailure: string | null = null;
    const failure = await db
      .transaction(async (tx) => {
        for (const writer of writers) {
          const outcome = await writer.writePage(tx, ctx, [record]);
          // A mapping failure rolls the whole record back: half a record is worse than the old one.
          if (outcome.failed.length > 0) {
            const first = outcome.failed[0]!;
            mapFailure = first.field ? `${first.field}: ${first.message}` : first.message;
            tx.rollback();
          }
          await writer.afterPage?.(tx, ctx, [record]);
        }
        await recordWarnings(tx, { id: null, channelId }, warningInputs(name, warnings));
        return null;
      })
      .catch((error: unknown) => error);
    if (failure) {
      return {
        status: "failed",
        message: `The record could not be written; nothing was changed (${mapFailure ?? safeErrorMessage(failure, "unknown error")}).`,
      };
    }
    if (warnings.length > 0) {
      const fields = [...new Set(warnings.map((w) => w.field))].join(", ");
      return {
        status: "synced",
        message: `Synced just now. Magento sent ${warnings.length === 1 ? "a field" : "fields"} the portal could not read, kept empty: ${fields}.`,
      };
    }
    return { status: "synced", message: "Synced just now." };
  } catch (error) {
    return { status: "failed", message: safeErrorMessage(error, "The record could not be synced.") };
  } finally {
    await hold.end();
  }
}

/** Flags a record Magento no longer has (never erased), as the removed-records pass does. */
async function flagRemoved(tx: DbTx, channelId: number, connector: SyncableConnector, originId: number): Promise<void> {
  const table = sql.raw(TABLES[connector]);
  if (connector === "carts") {
    // A cart gone from Magento can no longer be bought from: it is expired as well.
    await tx.execute(sql`UPDATE ${table} SET removed_at = coalesce(removed_at, now()),
        status = CASE WHEN status = 'open' THEN 'expired' ELSE status END,
        status_message = CASE WHEN status = 'open' THEN 'No longer in Magento' ELSE status_message END,
        status_changed_at = CASE WHEN status = 'open' THEN now() ELSE status_changed_at END,
        is_active = false
      WHERE channel_id = ${channelId} AND origin_id = ${originId}`);
    return;
  }
  const returning = connector === "customers" ? sql`NULL::bigint AS customer_id` : sql`customer_id`;
  const rows = await queryRows<{ customer_id: unknown }>(
    tx,
    sql`
    UPDATE ${table} SET removed_at = now()
    WHERE channel_id = ${channelId} AND origin_id = ${originId} AND removed_at IS NULL
    RETURNING ${returning}`,
  );
  const customers = rows.flatMap((r) => (r.customer_id === null ? [] : [Number(r.customer_id)]));
  // Customer totals leave removed orders and credit memos out (rules/ltv.ts).
  await recomputeCustomerTotals(tx, channelId, customers);
}

/**
 * The channel and Magento id of a portal record, read on the server (the browser only names the
 * portal id): null when it is unknown or removed; `originId` null for guest customers.
 */
export async function recordTarget(
  db: Db,
  connector: SyncableConnector,
  id: number,
): Promise<{ channelId: number; originId: number | null } | null> {
  const [row] = await queryRows<{ channel_id: unknown; origin_id: unknown }>(
    db,
    sql`
    SELECT channel_id, origin_id FROM ${sql.raw(TABLES[connector])} WHERE id = ${id} AND removed_at IS NULL`,
  );
  if (!row) return null;
  return { channelId: Number(row.channel_id), originId: row.origin_id === null ? null : Number(row.origin_id) };
}
