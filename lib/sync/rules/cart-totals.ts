import { sql } from "drizzle-orm";
import { MagentoNotFoundError } from "@/lib/magento/errors";
import type { SyncContext } from "@/lib/sync/types";
import { queryRows } from "@/db/rows";
import { recordset } from "@/lib/sync/write/upsert";

// Magento's cart search has no totals: the carts connector can only estimate a cart's grand total
// from its item rows (no shipping, tax or discounts). After the carts pass, this reads the real
// totals (GET /V1/carts/{id}/totals) of the open carts that pass brought, whose totals are older
// than their last change: one request per cart, so at most MAX_CARTS_PER_RUN, newest first (the
// first sync covers the newest open carts; older ones keep the estimate until they change). A sync
// with nothing changed makes no request.

export const MAX_CARTS_PER_RUN = 1000;
const BATCH = 50;

export type CartTotalsResult = { read: number; gone: number };

/** `changedSince`: only carts Magento changed since then (an incremental pass's window); null = any. */
export async function refreshCartTotals(ctx: SyncContext, changedSince: Date | null, limit = MAX_CARTS_PER_RUN): Promise<CartTotalsResult> {
  const { db, channel, client } = ctx;
  const since = changedSince ? sql`AND remote_updated_at >= ${changedSince.toISOString()}::timestamptz` : sql``;
  const stale = await queryRows<{ origin_id: unknown }>(
    db,
    sql`
    SELECT origin_id FROM magento_carts
    WHERE channel_id = ${channel.id} AND status = 'open' AND removed_at IS NULL
      AND (totals_synced_at IS NULL OR totals_synced_at < remote_updated_at) ${since}
    ORDER BY remote_updated_at DESC NULLS LAST LIMIT ${limit}`,
  );
  let read = 0;
  let gone = 0;
  for (let start = 0; start < stale.length; start += BATCH) {
    const ids = stale.slice(start, start + BATCH).map((row) => Number(row.origin_id));
    // The client spaces and caps the requests; a cart Magento no longer has (404: ordered or
    // deleted since) is left to the next carts pass and reconciliation.
    const answers = await Promise.all(
      ids.map(async (id) => {
        try {
          return { id, totals: await client.getCartTotals(id) };
        } catch (error) {
          if (error instanceof MagentoNotFoundError) {
            gone++;
            return null;
          }
          throw error;
        }
      }),
    );
    const rows = answers.flatMap((answer) =>
      answer && answer.totals.grand_total !== undefined && answer.totals.grand_total !== null
        ? [
            {
              origin_id: answer.id,
              grand_total: answer.totals.grand_total,
              base_grand_total: answer.totals.base_grand_total ?? null,
              base_currency_code: answer.totals.base_currency_code ?? null,
              subtotal_with_discount: answer.totals.subtotal_with_discount ?? null,
            },
          ]
        : [],
    );
    if (rows.length === 0) continue;
    await db.execute(sql`
      UPDATE magento_carts c SET grand_total = t.grand_total, base_grand_total = t.base_grand_total,
        -- The currency base_grand_total is in, from the same answer (the cart search's when left out).
        base_currency_code = coalesce(t.base_currency_code, c.base_currency_code),
        -- Never before the cart's own change time: a store whose clock runs ahead would otherwise
        -- leave the cart looking stale, and it would be read again by every sync.
        subtotal_with_discount = t.subtotal_with_discount, totals_synced_at = greatest(now(), c.remote_updated_at)
      FROM ${recordset(rows, "t", { origin_id: "bigint", grand_total: "numeric", base_grand_total: "numeric", base_currency_code: "text", subtotal_with_discount: "numeric" })}
      WHERE c.channel_id = ${channel.id} AND c.origin_id = t.origin_id`);
    read += rows.length;
  }
  return { read, gone };
}
