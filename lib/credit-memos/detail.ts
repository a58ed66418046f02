import "server-only";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { magentoCreditMemoItems, magentoCreditMemos, magentoOrders } from "@/db/schema";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { linkedCustomer, type LinkedCustomer } from "@/lib/customers/linked";
import { channelInfo, storeInfo, type RecordMeta, type StoreInfo } from "@/lib/records/meta";

// One credit memo with its items, totals and adjustment, and the order and customer it refunds.

export interface CreditMemoDetail extends RecordMeta {
  memo: typeof magentoCreditMemos.$inferSelect;
  store: StoreInfo;
  items: (typeof magentoCreditMemoItems.$inferSelect)[];
  order: { id: number; incrementId: string; status: string; grandTotal: string; currency: string | null } | null;
  customer: LinkedCustomer | null;
}

export async function loadCreditMemoDetail(db: Db, user: SessionUser | null, id: number): Promise<CreditMemoDetail | null> {
  requirePermission(user, "view_sales");
  const [memo] = await db
    .select()
    .from(magentoCreditMemos)
    .where(and(eq(magentoCreditMemos.id, id), isNull(magentoCreditMemos.removedAt)));
  if (!memo) return null;
  const channel = await channelInfo(db, memo.channelId);
  if (!channel) return null;
  const [store, items, orders, customer] = await Promise.all([
    storeInfo(db, memo.storeId),
    db
      .select()
      .from(magentoCreditMemoItems)
      .where(
        and(
          eq(magentoCreditMemoItems.creditMemoId, id),
          isNull(magentoCreditMemoItems.removedAt),
          // Magento refunds a configurable product with a memo item for its child too (no amounts):
          // the product is one line, its parent's.
          sql`NOT EXISTS (SELECT 1 FROM magento_order_items oi WHERE oi.channel_id = ${magentoCreditMemoItems.channelId}
          AND oi.origin_id = ${magentoCreditMemoItems.orderItemOriginId} AND oi.parent_item_origin_id IS NOT NULL)`,
        ),
      )
      .orderBy(asc(magentoCreditMemoItems.originId)),
    memo.orderId === null
      ? []
      : db
          .select({
            id: magentoOrders.id,
            incrementId: magentoOrders.incrementId,
            status: magentoOrders.status,
            grandTotal: magentoOrders.grandTotal,
            currency: magentoOrders.orderCurrencyCode,
          })
          .from(magentoOrders)
          .where(and(eq(magentoOrders.id, memo.orderId), isNull(magentoOrders.removedAt))),
    linkedCustomer(db, memo.customerId),
  ]);
  return {
    channel,
    originId: memo.originId,
    syncedAt: memo.syncedAt,
    remoteCreatedAt: memo.remoteCreatedAt,
    remoteUpdatedAt: memo.remoteUpdatedAt,
    memo,
    store,
    items,
    order: orders[0] ?? null,
    customer,
  };
}
