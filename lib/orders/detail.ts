import "server-only";
import { and, asc, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { magentoCarts, magentoCreditMemos, magentoOrderAddresses, magentoOrderItems, magentoOrders } from "@/db/schema";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { linkedCustomer, type LinkedCustomer } from "@/lib/customers/linked";
import { channelInfo, storeInfo, type RecordMeta, type StoreInfo } from "@/lib/records/meta";

// One order with what its detail page shows. Money as decimal strings, as stored.

export type OrderAddress = typeof magentoOrderAddresses.$inferSelect;

/**
 * One line of the order as a person reads it. Magento sends a configurable product as two items:
 * the parent (the chosen child's SKU, all the money) and the child (price 0); the line is the
 * parent, with the child's SKU and name (its size / colour) as `chosen`.
 */
export type OrderLine = typeof magentoOrderItems.$inferSelect & { chosen: { sku: string; name: string | null } | null };

export interface OrderDetail extends RecordMeta {
  order: typeof magentoOrders.$inferSelect;
  store: StoreInfo;
  items: OrderLine[];
  billingAddress: OrderAddress | null;
  shippingAddress: OrderAddress | null;
  cart: { id: number; originId: number; status: string } | null;
  customer: LinkedCustomer | null;
  creditMemos: {
    id: number;
    incrementId: string | null;
    state: number | null;
    grandTotal: string;
    currency: string | null;
    createdAt: Date | null;
  }[];
}

/** Top-level items with their child folded in; a child whose parent is missing stays a line of its own. */
export function orderLines(items: (typeof magentoOrderItems.$inferSelect)[]): OrderLine[] {
  const parents = new Set(items.map((i) => i.originId));
  const childOf = new Map<number, typeof magentoOrderItems.$inferSelect>();
  for (const item of items) {
    if (item.parentItemOriginId !== null && parents.has(item.parentItemOriginId)) childOf.set(item.parentItemOriginId, item);
  }
  return items
    .filter((item) => item.parentItemOriginId === null || !parents.has(item.parentItemOriginId))
    .map((item) => {
      const child = childOf.get(item.originId);
      return { ...item, chosen: child ? { sku: child.sku, name: child.name } : null };
    });
}

export async function loadOrderDetail(db: Db, user: SessionUser | null, id: number): Promise<OrderDetail | null> {
  requirePermission(user, "view_sales");
  const [order] = await db
    .select()
    .from(magentoOrders)
    .where(and(eq(magentoOrders.id, id), isNull(magentoOrders.removedAt)));
  if (!order) return null;
  const channel = await channelInfo(db, order.channelId);
  if (!channel) return null;
  const [store, items, addresses, carts, customer, creditMemos] = await Promise.all([
    storeInfo(db, order.storeId),
    db
      .select()
      .from(magentoOrderItems)
      .where(and(eq(magentoOrderItems.orderId, id), isNull(magentoOrderItems.removedAt)))
      .orderBy(asc(magentoOrderItems.originId)),
    db
      .select()
      .from(magentoOrderAddresses)
      .where(and(eq(magentoOrderAddresses.orderId, id), isNull(magentoOrderAddresses.removedAt))),
    order.cartId === null
      ? []
      : db
          .select({ id: magentoCarts.id, originId: magentoCarts.originId, status: magentoCarts.status })
          .from(magentoCarts)
          .where(and(eq(magentoCarts.id, order.cartId), isNull(magentoCarts.removedAt))),
    linkedCustomer(db, order.customerId),
    db
      .select({
        id: magentoCreditMemos.id,
        incrementId: magentoCreditMemos.incrementId,
        state: magentoCreditMemos.state,
        grandTotal: magentoCreditMemos.grandTotal,
        currency: magentoCreditMemos.orderCurrencyCode,
        createdAt: magentoCreditMemos.remoteCreatedAt,
      })
      .from(magentoCreditMemos)
      .where(and(eq(magentoCreditMemos.orderId, id), isNull(magentoCreditMemos.removedAt)))
      .orderBy(asc(magentoCreditMemos.originId)),
  ]);
  return {
    channel,
    originId: order.originId,
    syncedAt: order.syncedAt,
    remoteCreatedAt: order.remoteCreatedAt,
    remoteUpdatedAt: order.remoteUpdatedAt,
    order,
    store,
    items: orderLines(items),
    billingAddress: addresses.find((a) => a.addressType === "billing") ?? null,
    shippingAddress: addresses.find((a) => a.addressType === "shipping") ?? null,
    cart: carts[0] ?? null,
    customer,
    creditMemos,
  };
}
