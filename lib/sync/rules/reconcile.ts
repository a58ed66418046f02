import { sql } from "drizzle-orm";
import type { SyncContext } from "@/lib/sync/types";
import { rowsOf } from "@/lib/sync/write/rows";

// Cart reconciliation, after the carts connector's pass. Incremental syncs only see carts that
// changed; a quote deleted in Magento (or made inactive without a change we saw) would stay
// "open" here forever. This pass fetches the ids of every active Magento quote (ids only,
// `fields=items[id]`) and marks open carts missing from that list expired; then it marks open
// carts idle longer than the channel's cartExpirationDays expired. Portal-set statuses
// (lost/converted/purchased) are never touched; only 'open' carts change.

export const MISSING_MESSAGE = "No longer active in Magento";
export const idleMessage = (days: number) => `Idle for more than ${days} days`;

const PAGE_SIZE = 300;
const MAX_PAGES = 10_000;

export type ReconcileResult = { activeInMagento: number; missing: number; idle: number };

/** Ids of every active quote in Magento; null when the list could not be read whole. */
export async function activeCartIds(ctx: SyncContext): Promise<number[] | null> {
  const ids = new Set<number>();
  let total: number | null = null;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const found = await ctx.client.searchProjected("carts", {
      filterGroups: [[{ field: "is_active", conditionType: "eq", value: 1 }]],
      sortOrders: [{ field: "entity_id", direction: "ASC" }],
      pageSize: PAGE_SIZE,
      currentPage: page,
      fields: "items[id]",
    });
    if (found.invalid.length > 0) return null;
    total = found.totalCount;
    const before = ids.size;
    for (const item of found.items) if (typeof item.id === "number") ids.add(item.id);
    // Past the end (items: [] or, on Magento < 2.4, the last page again) or the whole count read.
    if (found.items.length < PAGE_SIZE || ids.size === before || (total !== null && ids.size >= total)) break;
  }
  if (total !== null && ids.size < total) return null;
  return [...ids];
}

/** Expires open carts gone from Magento's active quotes, then open carts idle too long. */
export async function reconcileCarts(ctx: SyncContext, now = new Date()): Promise<ReconcileResult> {
  const { db, channel } = ctx;
  const active = await activeCartIds(ctx);
  let missing = 0;
  if (active) {
    const rows = await db.execute(sql`
      UPDATE magento_carts SET status = 'expired', status_message = ${MISSING_MESSAGE}, status_changed_at = now()
      WHERE channel_id = ${channel.id} AND status = 'open'
        AND origin_id NOT IN (SELECT (jsonb_array_elements_text(${JSON.stringify(active)}::jsonb))::bigint)
      RETURNING id`);
    missing = rowsOf(rows).length;
  }
  let idle = 0;
  const days = channel.cartExpirationDays;
  if (days !== null && days > 0) {
    const cutoff = new Date(now.getTime() - days * 86_400_000);
    const rows = await db.execute(sql`
      UPDATE magento_carts SET status = 'expired', status_message = ${idleMessage(days)}, status_changed_at = now()
      WHERE channel_id = ${channel.id} AND status = 'open' AND remote_updated_at < ${cutoff.toISOString()}::timestamptz
      RETURNING id`);
    idle = rowsOf(rows).length;
  }
  return { activeInMagento: active?.length ?? 0, missing, idle };
}
