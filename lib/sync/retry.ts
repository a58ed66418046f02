import { randomBytes } from "node:crypto";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { channels, syncErrors } from "@/db/schema";
import type { MagentoClient } from "@/lib/magento/client";
import { MAX_PAGE_SIZE } from "@/lib/magento/search-criteria";
import { createChannelClient } from "@/lib/sync/channel-client";
import { fetchRecordsById, invalidMessage, loadConnectors, RECORD_SOURCES } from "@/lib/sync/fetch-by-id";
import { type ChannelHold, holdChannel } from "@/lib/sync/lease";
import { recordKind, recordWarnings, type SyncErrorRow, warningInputs } from "@/lib/sync/runs";
import { CONNECTOR_ORDER, type ChannelRow, type Connector, type ConnectorName, type SyncContext } from "@/lib/sync/types";

// Retries the records a sync could not keep (unresolved sync_errors rows): fetches them again
// from Magento by id and writes the ones that are valid now through their connector, exactly as a
// sync page would (writePage + afterPage in one transaction, with the sync_errors update).
// Holds the channel's lease meanwhile, so it never writes next to a running sync.

export const NO_LONGER_IN_MAGENTO = "Resolved: no longer in Magento";
export const OUTSIDE_CHANNEL = "Resolved: outside the channel's websites/stores";
export const NO_ORIGIN_ID = "Cannot be retried: the record has no id";
export const NOT_RETRYABLE = "Cannot be retried: this connector fetches everything each sync";

export const retryInputSchema = z.object({
  channelId: z.number().int().positive(),
  runId: z.number().int().positive().optional(),
  errorIds: z.array(z.number().int().positive()).optional(),
});
export type RetryInput = z.input<typeof retryInputSchema>;

export interface RetryOptions {
  /** Default: the channel's client (lib/sync/channel-client.ts). */
  client?: MagentoClient;
  /** Default: the real connectors (lib/sync/registry.ts). */
  connectors?: readonly Connector[];
}

export interface RetryResult {
  /** Error rows asked for again in Magento. */
  retried: number;
  /** Error rows now resolved (written, gone from Magento, or outside the channel). */
  resolved: number;
  /** Error rows still unresolved (still invalid, failing to map, or without an origin id). */
  stillFailing: { errorId: number; originId: string | null; message: string }[];
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * Retries the channel's unresolved sync errors (of one run, or the given error ids).
 * Throws SyncBusyError when a sync (or another retry) holds the channel.
 */
export async function retryFailedRecords(db: Db, input: RetryInput, options: RetryOptions = {}): Promise<RetryResult> {
  const { channelId, runId, errorIds } = retryInputSchema.parse(input);
  const [channel] = await db.select().from(channels).where(eq(channels.id, channelId));
  if (!channel) throw new Error(`Channel ${channelId} does not exist.`);
  const hold = await holdChannel(db, channelId, `retry:${randomBytes(6).toString("hex")}`);
  try {
    return await retryWithLease(db, channel, { runId, errorIds }, options, hold);
  } finally {
    await hold.end();
  }
}

async function retryWithLease(
  db: Db,
  channel: ChannelRow,
  filter: { runId?: number; errorIds?: number[] },
  options: RetryOptions,
  hold: ChannelHold,
): Promise<RetryResult> {
  const conditions = [eq(syncErrors.channelId, channel.id), isNull(syncErrors.resolvedAt)];
  if (filter.runId !== undefined) conditions.push(eq(syncErrors.runId, filter.runId));
  if (filter.errorIds !== undefined) {
    if (filter.errorIds.length === 0) return { retried: 0, resolved: 0, stillFailing: [] };
    conditions.push(inArray(syncErrors.id, filter.errorIds));
  }
  const errors = await db
    .select()
    .from(syncErrors)
    .where(and(...conditions))
    .orderBy(syncErrors.id);
  const result: RetryResult = { retried: 0, resolved: 0, stillFailing: [] };
  const connectors = await loadConnectors(options.connectors);
  const byConnector = new Map<ConnectorName, SyncErrorRow[]>();
  for (const error of errors) {
    const connector = connectors.find((c) => c.name === error.connector);
    const source = connector ? RECORD_SOURCES[connector.name] : undefined;
    if (error.originId === null || !/^\d+$/.test(error.originId) || !connector || !source) {
      result.stillFailing.push({
        errorId: error.id,
        originId: error.originId,
        message:
          error.originId === null
            ? `${NO_ORIGIN_ID}. ${error.message}`
            : !connector || !source
              ? `${NOT_RETRYABLE}. ${error.message}`
              : error.message,
      });
      continue;
    }
    byConnector.set(connector.name, [...(byConnector.get(connector.name) ?? []), error]);
  }
  if (byConnector.size === 0) return result;

  const client = options.client ?? createChannelClient(channel);
  const ctx: SyncContext = { db, channel, client, runId: filter.runId ?? 0 };
  // Customers before the orders that point at them, as in a sync.
  for (const name of CONNECTOR_ORDER) {
    const rows = byConnector.get(name);
    if (!rows) continue;
    const connector = connectors.find((c) => c.name === name)!;
    const source = RECORD_SOURCES[name]!;
    const keep = await source.keep(ctx);
    const rowsById = new Map<string, SyncErrorRow[]>();
    for (const row of rows) rowsById.set(String(Number(row.originId)), [...(rowsById.get(String(Number(row.originId))) ?? []), row]);
    for (const ids of chunks([...rowsById.keys()], MAX_PAGE_SIZE)) {
      // Checked per batch, like the runner per page: a retry whose channel was taken over stops.
      await hold.renew(db);
      const { records, invalidById, anonymousInvalid, warnings } = await fetchRecordsById(client, source.entity, ids);
      result.retried += ids.reduce((sum, id) => sum + rowsById.get(id)!.length, 0);
      const toWrite = [...records].filter(([, record]) => !keep || keep(record));

      await db.transaction(async (tx) => {
        const written = toWrite.map(([, record]) => record);
        const outcome = written.length > 0 ? await connector.writePage(tx, ctx, written) : null;
        if (written.length > 0) await connector.afterPage?.(tx, ctx, written);
        // A record kept now with a field it could not read: a warning of the retried run.
        const kept = new Set(toWrite.map(([id]) => id));
        await recordWarnings(
          tx,
          { id: filter.runId ?? null, channelId: channel.id },
          warningInputs(
            recordKind(name),
            warnings.filter((w) => kept.has(String(w.id))),
          ),
        );
        const mapFailed = new Map((outcome?.failed ?? []).flatMap((f) => (f.originId === null ? [] : [[String(f.originId), f] as const])));
        const unattributed = (outcome?.failed ?? []).filter((f) => f.originId === null);
        const resolve = async (list: SyncErrorRow[], message?: string) => {
          await tx
            .update(syncErrors)
            .set({ resolvedAt: sql`now()`, ...(message ? { message } : {}) })
            .where(
              inArray(
                syncErrors.id,
                list.map((r) => r.id),
              ),
            );
          result.resolved += list.length;
        };
        const keepFailing = async (list: SyncErrorRow[], field: string | null, message: string) => {
          await tx
            .update(syncErrors)
            .set({ field, message: message.slice(0, 2000) })
            .where(
              inArray(
                syncErrors.id,
                list.map((r) => r.id),
              ),
            );
          for (const row of list) result.stillFailing.push({ errorId: row.id, originId: row.originId, message });
        };
        for (const id of ids) {
          const list = rowsById.get(id)!;
          const invalid = invalidById.get(id);
          const failed = mapFailed.get(id);
          if (invalid) {
            const { field, message } = invalidMessage(invalid);
            await keepFailing(list, field, message);
          } else if (failed) {
            await keepFailing(list, failed.field, failed.message);
          } else if (!records.has(id) && anonymousInvalid) {
            // A broken record without a readable id may be this one: not "gone".
            await keepFailing(list, list[0]!.field, list[0]!.message);
          } else if (!records.has(id)) {
            await resolve(list, NO_LONGER_IN_MAGENTO);
          } else if (keep && !keep(records.get(id))) {
            await resolve(list, OUTSIDE_CHANNEL);
          } else if (unattributed.length > 0) {
            // The connector could not say which record failed: do not claim any of them resolved.
            await keepFailing(list, unattributed[0]!.field, unattributed[0]!.message);
          } else {
            await resolve(list);
          }
        }
      });
    }
  }
  return result;
}
