import type { MagentoClient } from "@/lib/magento/client";
import { MAX_PAGE_SIZE } from "@/lib/magento/search-criteria";
import { searchRecordId, type SearchEntity } from "@/lib/magento/search-entities";
import type { FieldWarning, InvalidRecord } from "@/lib/magento/validate";
import { customerInChannel } from "@/lib/sync/connectors/customers";
import { storeFilter } from "@/lib/sync/connectors/common";
import type { Connector, ConnectorName, SyncContext } from "@/lib/sync/types";

// Fetching records again by Magento id, outside a sync walk: shared by retry.ts (failed records)
// and sync-record.ts (one record on demand), so both read and judge a record exactly alike.

export type Keep = (record: unknown) => boolean;

/** The search route a connector's records come from, and its channel filter. */
export const RECORD_SOURCES: Partial<
  Record<ConnectorName, { entity: SearchEntity; keep: (ctx: SyncContext) => Promise<Keep | undefined> }>
> = {
  customers: { entity: "customers", keep: async (ctx) => (c) => customerInChannel(ctx, c as never) },
  newsletter_subscribers: { entity: "customers", keep: async (ctx) => (c) => customerInChannel(ctx, c as never) },
  carts: { entity: "carts", keep: (ctx) => storeFilter(ctx) as Promise<Keep | undefined> },
  orders: { entity: "orders", keep: (ctx) => storeFilter(ctx) as Promise<Keep | undefined> },
  credit_memos: { entity: "creditMemos", keep: (ctx) => storeFilter(ctx) as Promise<Keep | undefined> },
};

export interface FetchedById {
  /** Valid records by their Magento id (as a string). */
  records: Map<string, unknown>;
  /** Records Magento sent in a shape the schema rejects, by id. */
  invalidById: Map<string, InvalidRecord>;
  /** An invalid record without a readable id: any missing id may be that one. */
  anonymousInvalid: boolean;
  /** Fields of the valid records that could not be read (stored as null). */
  warnings: FieldWarning[];
}

/** One search request for up to MAX_PAGE_SIZE ids (`entity_id in (…)`). */
export async function fetchRecordsById(client: MagentoClient, entity: SearchEntity, ids: readonly string[]): Promise<FetchedById> {
  const found = await client.search(entity, {
    filterGroups: [[{ field: "entity_id", conditionType: "in", value: [...ids] }]],
    sortOrders: [{ field: "entity_id", direction: "ASC" }],
    pageSize: MAX_PAGE_SIZE,
    currentPage: 1,
  });
  const invalidById = new Map(found.invalid.flatMap((inv) => (inv.id === null ? [] : [[String(inv.id), inv] as const])));
  const records = new Map<string, unknown>();
  for (const record of found.items) {
    const id = searchRecordId(entity, record);
    if (id !== null) records.set(String(id), record);
  }
  return { records, invalidById, anonymousInvalid: found.invalid.some((inv) => inv.id === null), warnings: found.warnings ?? [] };
}

/** "grand_total" from "items[7].grand_total" (as the runner names a record's field). */
function recordField(path: string): string {
  return path.replace(/^items\[\d+\]\.?/, "") || "(record)";
}

export function invalidMessage(inv: InvalidRecord): { field: string | null; message: string } {
  return {
    field: inv.issues[0] ? recordField(inv.issues[0].path) : null,
    message: inv.issues.map((i) => `${recordField(i.path)}: ${i.message}`).join("; ") || "Invalid record",
  };
}

/** The given connectors, or the real ones (loaded lazily so tests can pass fakes). */
export async function loadConnectors(connectors?: readonly Connector[]): Promise<readonly Connector[]> {
  if (connectors) return connectors;
  const { CONNECTORS } = await import("@/lib/sync/registry");
  return CONNECTORS;
}
