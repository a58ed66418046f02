import type { Db, DbTx } from "@/db/client";
import type { channels } from "@/db/schema";
import type { MagentoClient } from "@/lib/magento/client";
import type { FieldWarning, InvalidRecord } from "@/lib/magento/validate";
import type { KeysetCursor } from "@/lib/sync/keyset";

// The contract between connectors (lib/sync/connectors/*: fetch a page from Magento, map it,
// write it set-based) and the runner (lib/sync/runner.ts: windows, checkpoints, runs, errors).

export const CONNECTOR_ORDER = ["stores", "customers", "carts", "orders", "credit_memos", "newsletter_subscribers"] as const;
export type ConnectorName = (typeof CONNECTOR_ORDER)[number];

/** How people read a connector's name (progress panels, banners). */
export const CONNECTOR_LABELS: Record<ConnectorName, string> = {
  stores: "Stores",
  customers: "Customers",
  carts: "Carts",
  orders: "Orders",
  credit_memos: "Credit memos",
  newsletter_subscribers: "Newsletter subscribers",
};

export function connectorLabel(name: string): string {
  return (CONNECTOR_LABELS as Record<string, string>)[name] ?? name;
}

export type ChannelRow = typeof channels.$inferSelect;

export interface SyncContext {
  db: Db;
  channel: ChannelRow;
  client: MagentoClient;
  runId: number;
}

/** Records changed in Magento between `from` (inclusive) and `to` (exclusive) by updated_at; null = open end. */
export interface UpdatedWindow {
  from: Date | null;
  to: Date | null;
}

/** What to fetch next: a window of updated_at, and where in it (see lib/sync/keyset.ts). */
export interface PageRequest {
  window: UpdatedWindow;
  /** 1-based count of pages in this window (progress; `windowed: false` connectors page by it). */
  page: number;
  /** Keyset position inside the window; null = from the window's start. */
  cursor: KeysetCursor | null;
}

export interface FetchedPage<T> {
  page: number;
  records: T[];
  /** Records that failed the Magento schema: written to sync_errors, the rest of the page is kept. */
  invalid: InvalidRecord[];
  /** Fields of kept records that could not be read and were stored as null (sync_warnings). */
  warnings?: FieldWarning[];
  totalCount: number | null;
  /** Records Magento sent for this request, dropped ones included (default: records + invalid). */
  received?: number;
  /** The last page of this window was reached. */
  done: boolean;
  /** Where the next page of the window starts (keyset connectors; absent = page numbers). */
  cursor?: KeysetCursor | null;
}

export interface WriteResult {
  created: number;
  updated: number;
  unchanged: number;
  /** Records that failed mapping (reported like invalid records). */
  failed: { originId: string | null; field: string | null; message: string; payload: unknown }[];
  /** Newest remote updated_at among the page's records (for the incremental checkpoint). */
  maxUpdatedAt: Date | null;
}

export interface Connector<T = unknown, P = unknown> {
  name: ConnectorName;
  /** Whether it pages by updated_at windows (false: small reference data fetched whole). */
  windowed: boolean;
  /** One page of records changed inside the window, sorted by updated_at then id, 300 at most. */
  fetchPage(ctx: SyncContext, request: PageRequest, pageSize: number): Promise<FetchedPage<T>>;
  /**
   * The database-free part of writing a page (mapping and serializing rows), run by the runner as
   * soon as the page arrives, so it overlaps the write of the page before instead of adding to it.
   */
  prepare?(ctx: SyncContext, records: T[]): P;
  /**
   * Maps and upserts one page set-based inside `tx` (one transaction per page, with its checkpoint),
   * from `prepare`'s result when the caller has it (computed here otherwise).
   */
  writePage(tx: DbTx, ctx: SyncContext, records: T[], prepared?: P): Promise<WriteResult>;
  /** Runs after a page of this connector is written, in the same transaction (e.g. customer LTV). */
  afterPage?(tx: DbTx, ctx: SyncContext, records: T[]): Promise<void>;
}
