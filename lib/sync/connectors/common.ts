import { sql } from "drizzle-orm";
import type { Filter, SearchCriteria } from "@/lib/magento/search-criteria";
import type { SearchEntity, SearchRecord } from "@/lib/magento/search-entities";
import type { ChannelRow, FetchedPage, SyncContext, UpdatedWindow, WriteResult } from "@/lib/sync/types";
import { queryRows } from "@/lib/sync/write/rows";

// Helpers shared by the windowed connectors: the searchCriteria of a window page, the website
// filter of a channel, and WriteResult bookkeeping.

/** Magento's "YYYY-MM-DD HH:MM:SS" in UTC. */
export function magentoTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}

/** updated_at in [from, to), sorted by updated_at then id, one page. */
export function windowCriteria(window: UpdatedWindow, page: number, pageSize: number, idField = "entity_id"): SearchCriteria {
  const groups: Filter[][] = [];
  if (window.from) groups.push([{ field: "updated_at", conditionType: "gteq", value: magentoTime(window.from) }]);
  if (window.to) groups.push([{ field: "updated_at", conditionType: "lt", value: magentoTime(window.to) }]);
  return {
    filterGroups: groups,
    sortOrders: [
      { field: "updated_at", direction: "ASC" },
      { field: idField, direction: "ASC" },
    ],
    pageSize,
    currentPage: page,
  };
}

export function isLastPage(page: number, pageSize: number, received: number, totalCount: number | null): boolean {
  return received < pageSize || (totalCount !== null && page * pageSize >= totalCount);
}

/** One window page of a search route, with the records the channel does not cover dropped. */
export async function fetchWindowPage<E extends SearchEntity>(
  ctx: SyncContext,
  entity: E,
  window: UpdatedWindow,
  page: number,
  pageSize: number,
  keep?: (record: SearchRecord<E>) => boolean,
): Promise<FetchedPage<SearchRecord<E>>> {
  const result = await ctx.client.search(entity, windowCriteria(window, page, pageSize));
  const received = result.items.length + result.invalid.length;
  return {
    page,
    records: keep ? result.items.filter(keep) : result.items,
    invalid: result.invalid,
    totalCount: result.totalCount,
    done: isLastPage(page, pageSize, received, result.totalCount),
  };
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
