import { sql } from "drizzle-orm";
import type { SearchEntity, SearchRecord } from "@/lib/magento/search-entities";
import { readRecordId } from "@/lib/magento/validate";
import { advanceCursor, alreadySeen, keysetCriteria, recordKey, type RecordKey } from "@/lib/sync/keyset";
import type { ChannelRow, FetchedPage, PageRequest, SyncContext, WriteResult } from "@/lib/sync/types";
import { queryRows } from "@/db/rows";

// Helpers shared by the windowed connectors: the next keyset page of a window, the website and
// store filters of a channel, and WriteResult bookkeeping.

/**
 * The next keyset page of a window from a search route (see lib/sync/keyset.ts): records already
 * written at the cursor's timestamp and records outside the channel (`keep`) are dropped.
 */
export async function fetchWindowPage<E extends SearchEntity>(
  ctx: SyncContext,
  entity: E,
  request: PageRequest,
  pageSize: number,
  keep?: (record: SearchRecord<E>) => boolean,
  /** A `fields=` projection naming every field the connector reads (and `total_count`). */
  fields?: string,
): Promise<FetchedPage<SearchRecord<E>>> {
  const { cursor } = request;
  const criteria = keysetCriteria(request.window, cursor, pageSize);
  const result = await ctx.client.search(entity, fields ? { ...criteria, fields } : criteria);
  // Every received record's key in Magento's order (valid and invalid interleave by index).
  const invalidAt = new Map(result.invalid.map((inv) => [inv.index, inv]));
  const keys: RecordKey[] = [];
  const keyOf = new Map<unknown, RecordKey>();
  const itemAt = new Map<number, SearchRecord<E>>();
  let next = 0;
  for (let index = 0; index < result.items.length + result.invalid.length; index++) {
    const inv = invalidAt.get(index);
    const raw = inv ? (inv.raw as { updated_at?: unknown } | null) : null;
    const item = inv ? null : (result.items[next] as { updated_at?: unknown });
    const key = inv ? recordKey(raw?.updated_at, inv.id) : recordKey(item?.updated_at, readRecordId(item));
    if (!inv) {
      itemAt.set(index, result.items[next]!);
      keyOf.set(result.items[next++], key);
    } else keyOf.set(inv, key);
    keys.push(key);
  }
  const fresh = (value: unknown) => !alreadySeen(cursor, keyOf.get(value)!);
  const advanced = advanceCursor(
    cursor,
    keys,
    pageSize,
    result.totalCount,
    entity.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`),
  );
  const records = result.items.filter((r) => fresh(r) && (!keep || keep(r)));
  const kept = new Set<unknown>(records);
  return {
    page: request.page,
    records,
    invalid: result.invalid.filter(fresh),
    warnings: (result.warnings ?? []).filter((w) => kept.has(itemAt.get(w.index))),
    totalCount: result.totalCount,
    received: keys.length,
    done: advanced.done,
    cursor: advanced.cursor,
  };
}

/** Store-scoped records of a channel: kept when their store is one of the channel's websites' stores. */
export async function storeFilter<R extends { store_id?: number | null }>(ctx: SyncContext): Promise<((record: R) => boolean) | undefined> {
  const stores = await allowedStoreIds(ctx);
  if (!stores) return undefined;
  return (record) => record.store_id !== null && record.store_id !== undefined && stores.has(record.store_id);
}

export function websiteFilter(channel: ChannelRow): Set<number> | null {
  const ids = channel.websiteOriginIds;
  return ids && ids.length > 0 ? new Set(ids) : null;
}

/** Store view origin ids inside the channel's websites (null = every store), from synced stores. */
export async function allowedStoreIds(ctx: SyncContext): Promise<Set<number> | null> {
  const websites = websiteFilter(ctx.channel);
  if (!websites) return null;
  const rows = await queryRows<{ origin_id: unknown; website_origin_id: unknown }>(
    ctx.db,
    sql`SELECT origin_id, website_origin_id FROM magento_stores WHERE channel_id = ${ctx.channel.id}`,
  );
  return new Set(rows.filter((row) => websites.has(Number(row.website_origin_id))).map((row) => Number(row.origin_id)));
}

export function maxDate(dates: readonly (Date | null | undefined)[]): Date | null {
  let max: Date | null = null;
  for (const date of dates) if (date && (!max || date > max)) max = date;
  return max;
}

export type Failure = WriteResult["failed"][number];

export function result(sent: number, created: number, updated: number, failed: Failure[], maxUpdatedAt: Date | null): WriteResult {
  return { created, updated, unchanged: sent - created - updated, failed, maxUpdatedAt };
}

export const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);
