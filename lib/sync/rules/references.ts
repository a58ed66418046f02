import { sql } from "drizzle-orm";
import type { MagentoCart } from "@/lib/magento/schemas/cart";
import type { MagentoCreditMemo } from "@/lib/magento/schemas/creditmemo";
import type { MagentoCustomer } from "@/lib/magento/schemas/customer";
import type { MagentoOrder } from "@/lib/magento/schemas/order";
import type { FieldWarning, InvalidRecord } from "@/lib/magento/validate";
import { storeFilter } from "@/lib/sync/connectors/common";
import { customerInChannel, writeCustomers } from "@/lib/sync/connectors/customers";
import { writeSubscribers } from "@/lib/sync/connectors/newsletter_subscribers";
import { ordersConnector, writeOrders } from "@/lib/sync/connectors/orders";
import { fetchRecordsById } from "@/lib/sync/fetch-by-id";
import type { DbTx } from "@/db/client";
import type { ConnectorName, SyncContext } from "@/lib/sync/types";
import { queryRows } from "@/db/rows";
import { idArray } from "@/lib/sync/write/upsert";

// Referenced records are always there: a page of carts, orders or credit memos may point to a
// registered customer (or a memo to an order) the portal lacks — created before the channel's
// sync start date, or outside the window walked so far. Those are fetched by id, one search per
// page and entity (`entity_id in (…)`), and written in the page's own transaction, so the page's
// links resolve at once. The sync start date limits history, never links.

/** What a page needs written before it: the records it points to that the portal lacks. */
export interface References {
  customers: MagentoCustomer[];
  orders: MagentoOrder[];
  /** Referenced records Magento sent in a shape the portal cannot read (reported like a page's). */
  invalid: { kind: "customers" | "orders"; record: InvalidRecord }[];
  warnings: { kind: "customers" | "orders"; warning: FieldWarning }[];
}

/** Per run: ids known to be in the portal, or known to be missing in Magento (not asked again). */
interface Known {
  customers: Set<number>;
  orders: Set<number>;
}

const knownByRun = new WeakMap<SyncContext, Known>();

function knownOf(ctx: SyncContext): Known {
  let known = knownByRun.get(ctx);
  if (!known) {
    known = { customers: new Set(), orders: new Set() };
    knownByRun.set(ctx, known);
  }
  return known;
}

const TABLES = { customers: "magento_customers", orders: "magento_orders" } as const;

/** The ids among `ids` that the portal does not hold for the channel (and were not asked for in this run). */
async function missing(ctx: SyncContext, kind: keyof Known, ids: readonly number[]): Promise<number[]> {
  const known = knownOf(ctx)[kind];
  const unknown = [...new Set(ids)].filter((id) => !known.has(id));
  if (unknown.length === 0) return [];
  const rows = await queryRows<{ origin_id: unknown }>(
    ctx.db,
    sql`
    SELECT origin_id FROM ${sql.raw(TABLES[kind])} WHERE channel_id = ${ctx.channel.id} AND origin_id = ANY(${idArray(unknown)})`,
  );
  const present = new Set(rows.map((row) => Number(row.origin_id)));
  for (const id of present) known.add(id);
  return unknown.filter((id) => !present.has(id));
}

/** Fetches up to 300 ids per request; ids Magento does not have (or sends unreadable) are not asked again in this run. */
async function fetchByIds<T>(ctx: SyncContext, kind: keyof Known, ids: readonly number[], into: References): Promise<T[]> {
  const known = knownOf(ctx)[kind];
  const found: T[] = [];
  for (let at = 0; at < ids.length; at += 300) {
    const chunk = ids.slice(at, at + 300).map(String);
    const fetched = await fetchRecordsById(ctx.client, kind, chunk);
    for (const id of chunk) {
      known.add(Number(id));
      const record = fetched.records.get(id);
      if (record !== undefined) found.push(record as T);
      const invalid = fetched.invalidById.get(id);
      if (invalid) into.invalid.push({ kind, record: invalid });
    }
    for (const warning of fetched.warnings) into.warnings.push({ kind, warning });
  }
  return found;
}

function customerIdsOf(connector: ConnectorName, records: readonly unknown[]): number[] {
  const ids: number[] = [];
  for (const record of records) {
    let id: number | null | undefined;
    if (connector === "carts") {
      const cart = record as MagentoCart;
      id = cart.customer_is_guest === true ? null : cart.customer?.id;
    } else if (connector === "orders") {
      const order = record as MagentoOrder;
      id = order.customer_is_guest === 1 ? null : order.customer_id;
    }
    if (typeof id === "number") ids.push(id);
  }
  return ids;
}

/**
 * An unreadable referenced record is reported once: its own connector's walk usually met it first
 * (connectors run customers → carts → orders → credit memos), and that unresolved error stands.
 */
async function notYetReported(ctx: SyncContext, invalid: References["invalid"]): Promise<References["invalid"]> {
  const withId = invalid.filter((entry) => entry.record.id !== null);
  if (withId.length === 0) return [];
  const rows = await queryRows<{ connector: string; origin_id: string }>(
    ctx.db,
    sql`
    SELECT DISTINCT connector, origin_id FROM sync_errors
    WHERE channel_id = ${ctx.channel.id} AND resolved_at IS NULL AND connector IN ('customers', 'orders')
      AND origin_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(withId.map((entry) => String(entry.record.id)))}::jsonb))`,
  );
  const reported = new Set(rows.map((row) => `${row.connector}:${row.origin_id}`));
  return withId.filter((entry) => !reported.has(`${entry.kind}:${String(entry.record.id)}`));
}

/** Whether a connector's pages can point to records the portal lacks. */
export function hasReferences(connector: ConnectorName): boolean {
  return connector === "carts" || connector === "orders" || connector === "credit_memos";
}

/**
 * The customers (and, for credit memos, orders and their customers) a page points to that the
 * portal lacks, fetched from Magento. Null when there is nothing to write.
 */
export async function fetchReferences(ctx: SyncContext, connector: ConnectorName, records: readonly unknown[]): Promise<References | null> {
  if (!hasReferences(connector) || records.length === 0) return null;
  const refs: References = { customers: [], orders: [], invalid: [], warnings: [] };
  const customerIds = customerIdsOf(connector, records);
  if (connector === "credit_memos") {
    const orderIds = await missing(
      ctx,
      "orders",
      (records as MagentoCreditMemo[]).map((m) => m.order_id),
    );
    if (orderIds.length > 0) {
      const keep = await storeFilter<MagentoOrder>(ctx);
      refs.orders = (await fetchByIds<MagentoOrder>(ctx, "orders", orderIds, refs)).filter((o) => !keep || keep(o));
      customerIds.push(...customerIdsOf("orders", refs.orders));
    }
  }
  const customerMissing = await missing(ctx, "customers", customerIds);
  if (customerMissing.length > 0) {
    refs.customers = (await fetchByIds<MagentoCustomer>(ctx, "customers", customerMissing, refs)).filter((c) => customerInChannel(ctx, c));
  }
  refs.invalid = await notYetReported(ctx, refs.invalid);
  const empty = refs.customers.length === 0 && refs.orders.length === 0 && refs.invalid.length === 0 && refs.warnings.length === 0;
  return empty ? null : refs;
}

/**
 * Writes a page's references inside its transaction, before the page: customers (with their
 * newsletter subscription when the channel syncs subscribers), then orders. Returns how many
 * records were written.
 */
export async function writeReferences(tx: DbTx, ctx: SyncContext, refs: References): Promise<number> {
  if (refs.customers.length > 0) {
    await writeCustomers(tx, ctx, refs.customers);
    if (ctx.channel.entities.includes("newsletter_subscribers")) await writeSubscribers(tx, ctx, refs.customers);
  }
  if (refs.orders.length > 0) {
    await writeOrders(tx, ctx, refs.orders);
    await ordersConnector.afterPage?.(tx, ctx, refs.orders);
  }
  return refs.customers.length + refs.orders.length;
}
