import { sql } from "drizzle-orm";
import type { MagentoClient } from "@/lib/magento/client";
import type { Filter } from "@/lib/magento/search-criteria";
import { SEARCH_ENTITIES, type SearchEntity } from "@/lib/magento/search-entities";
import { recomputeCustomerTotals } from "@/lib/sync/rules/ltv";
import type { SyncContext } from "@/lib/sync/types";
import { queryRows } from "@/db/rows";
import { idSet } from "@/lib/sync/write/upsert";

// Records deleted in Magento. Incremental syncs only see records that changed, and a deleted
// record never changes again, so this pass lists every id Magento still has and flags local rows
// missing from that list (removed_at = now()); it never erases them. A record that comes back is
// un-flagged by the next upsert (removed_at = null in write/upsert.ts).
//
// The id walk pages by KEYSET on the id (entity_id > last id, page 1 every time), never by page
// number: when a record is deleted mid-walk, every later record moves up one position and page N+1
// would skip one live id, which would then be flagged removed.

export const ID_PAGE_SIZE = 300;
const MAX_PAGES = 100_000;

/** Connectors whose records can be deleted in Magento and are flagged here. */
export type RemovableConnector = "customers" | "orders" | "credit_memos";

export type RemovedResult = { remote: number; flagged: number };

const REMOVABLE: Record<RemovableConnector, { entity: SearchEntity; table: string; customerColumn: string | null }> = {
  customers: { entity: "customers", table: "magento_customers", customerColumn: null },
  orders: { entity: "orders", table: "magento_orders", customerColumn: "customer_id" },
  credit_memos: { entity: "creditMemos", table: "magento_credit_memos", customerColumn: "customer_id" },
};

export function isRemovableConnector(name: string): name is RemovableConnector {
  return Object.hasOwn(REMOVABLE, name);
}

function readId(value: unknown): number | null {
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value === "string" && /^\d+$/.test(value)) return readId(Number(value));
  return null;
}

/**
 * Every id of a search entity in Magento (optionally narrowed by `filters`, e.g. active carts),
 * read by keyset on the entity's sort field with a `fields=items[<id>]` projection.
 * Null when the list could not be read whole (a page with invalid or id-less items, or an answer
 * that does not move past the last id): a partial list must never be taken for the truth.
 * Request errors are thrown.
 */
export async function walkRemoteIds(
  client: MagentoClient,
  entity: SearchEntity,
  options: { filters?: readonly (readonly Filter[])[]; pageSize?: number } = {},
): Promise<number[] | null> {
  const { idField, sortField } = SEARCH_ENTITIES[entity];
  const pageSize = options.pageSize ?? ID_PAGE_SIZE;
  const ids: number[] = [];
  let last: number | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const after: Filter[][] = last === null ? [] : [[{ field: sortField, conditionType: "gt", value: last }]];
    const found = await client.searchProjected(entity, {
      filterGroups: [...(options.filters ?? []), ...after],
      sortOrders: [{ field: sortField, direction: "ASC" }],
      pageSize,
      currentPage: 1,
      fields: `items[${idField}]`,
    });
    if (found.invalid.length > 0) return null;
    let max: number = last ?? 0;
    for (const item of found.items) {
      const id = readId((item as Record<string, unknown>)[idField]);
      // An id at or before the cursor means the filter was not applied: the walk cannot be trusted.
      if (id === null || (last !== null && id <= last)) return null;
      ids.push(id);
      if (id > max) max = id;
    }
    if (found.items.length === 0) return ids;
    last = max;
    // total_count counts what is left after the cursor: a short or exact page is the last one.
    if (found.items.length < pageSize || (found.totalCount !== null && found.items.length >= found.totalCount)) return ids;
  }
  return null;
}

/**
 * Flags the channel's rows of `connector` whose origin id Magento no longer has (one UPDATE), and
 * recomputes the totals of customers whose orders or credit memos were flagged. Null (nothing
 * flagged) when the remote id list could not be read whole.
 */
export async function flagRemovedRecords(
  ctx: SyncContext,
  connector: RemovableConnector,
  options: { pageSize?: number } = {},
): Promise<RemovedResult | null> {
  const spec = REMOVABLE[connector];
  // Rows written after the walk started were seen in Magento after it started: never flag them.
  // (The database's clock, as synced_at is set by it.)
  const [clock] = await queryRows<{ now: string }>(ctx.db, sql`SELECT clock_timestamp()::text AS now`);
  const startedAt = clock!.now;
  const remote = await walkRemoteIds(ctx.client, spec.entity, options);
  if (!remote) return null;
  const returning = spec.customerColumn ? `id, ${spec.customerColumn} AS customer_id` : "id, NULL AS customer_id";
  const flagged = await ctx.db.transaction(async (tx) => {
    const rows = await queryRows<{ id: unknown; customer_id: unknown }>(
      tx,
      sql`
      UPDATE ${sql.raw(spec.table)} SET removed_at = now()
      WHERE channel_id = ${ctx.channel.id} AND removed_at IS NULL AND origin_id IS NOT NULL
        AND synced_at < ${startedAt}::timestamptz
        AND origin_id NOT IN ${idSet(remote)}
      RETURNING ${sql.raw(returning)}`,
    );
    const customers = [...new Set(rows.flatMap((row) => (row.customer_id === null ? [] : [Number(row.customer_id)])))];
    // Customer totals leave out removed orders and credit memos (rules/ltv.ts).
    await recomputeCustomerTotals(tx, ctx.channel.id, customers);
    return rows.length;
  });
  return { remote: remote.length, flagged };
}
