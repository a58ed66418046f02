import type { MagentoCustomer } from "@/lib/magento/schemas/customer";
import type { DbTx } from "@/db/client";
import type { Connector, SyncContext, WriteResult } from "@/lib/sync/types";
import { upsertRows } from "@/lib/sync/write/upsert";
import { fetchWindowPage, iso, maxDate, result } from "./common";
import { customerInChannel } from "./customers";

// Newsletter subscribers derived from customers' extension_attributes.is_subscribed (core REST
// has no subscriber route): origin_id = customer id; true → subscribed, false → unsubscribed;
// customers without the flag are left alone (unknown).

// A read-back written after a portal change is newer than a sync page fetched before it: kept.
const STALE = "(t.portal_updated_at IS NOT NULL AND t.remote_updated_at > excluded.remote_updated_at)";
const PENDING =
  "EXISTS (SELECT 1 FROM magento_customers c WHERE c.channel_id = t.channel_id AND c.origin_id = t.origin_id AND 'subscription' = ANY(c.pending_fields))";

export async function writeSubscribers(tx: DbTx, ctx: SyncContext, records: MagentoCustomer[]): Promise<WriteResult> {
  const known = records.filter((c) => c.id !== null && c.id !== undefined && typeof c.extension_attributes?.is_subscribed === "boolean");
  const rows = known.map((c) => ({
    channel_id: ctx.channel.id,
    origin_id: c.id,
    email: c.email ?? "",
    store_origin_id: c.store_id ?? null,
    status: c.extension_attributes?.is_subscribed ? "subscribed" : "unsubscribed",
    changed_at: iso(c.updated_at),
    remote_created_at: iso(c.created_at),
    remote_updated_at: iso(c.updated_at),
  }));
  const upserted = await upsertRows(
    tx,
    {
      table: "magento_newsletter_subscribers",
      input: {
        channel_id: "bigint",
        origin_id: "bigint",
        email: "text",
        store_origin_id: "bigint",
        status: "text",
        changed_at: "timestamptz",
        remote_created_at: "timestamptz",
        remote_updated_at: "timestamptz",
      },
      columns: {
        channel_id: "r.channel_id",
        origin_id: "r.origin_id",
        customer_id: "(SELECT c.id FROM magento_customers c WHERE c.channel_id = r.channel_id AND c.origin_id = r.origin_id)",
        customer_origin_id: "r.origin_id",
        email: "r.email",
        store_id: "(SELECT s.id FROM magento_stores s WHERE s.channel_id = r.channel_id AND s.origin_id = r.store_origin_id)",
        store_origin_id: "r.store_origin_id",
        status: "r.status",
        changed_at: "r.changed_at",
        remote_created_at: "r.remote_created_at",
        remote_updated_at: "r.remote_updated_at",
      },
      // The change time moves only when the status does. A subscription change made in the portal
      // and not yet confirmed by Magento (lib/customers/two-way) keeps its local status; the customer lookup
      // runs only for rows whose status differs.
      updates: {
        status: `CASE WHEN t.status IS NOT DISTINCT FROM excluded.status OR ${STALE} THEN t.status WHEN ${PENDING} THEN t.status ELSE excluded.status END`,
        changed_at: `CASE WHEN t.status IS NOT DISTINCT FROM excluded.status OR ${STALE} OR ${PENDING} THEN t.changed_at ELSE excluded.changed_at END`,
        remote_updated_at: `CASE WHEN ${STALE} THEN t.remote_updated_at ELSE excluded.remote_updated_at END`,
      },
    },
    rows,
  );
  return result(rows.length, upserted.created, upserted.updated, [], maxDate(records.map((c) => c.updated_at)));
}

export const newsletterSubscribersConnector: Connector<MagentoCustomer> = {
  name: "newsletter_subscribers",
  windowed: true,
  fetchPage: (ctx, request, pageSize) => fetchWindowPage(ctx, "customers", request, pageSize, (c) => customerInChannel(ctx, c)),
  writePage: writeSubscribers,
};
