import { and, asc, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { magentoCarts, magentoCreditMemos, magentoCustomers, magentoOrderAddresses, magentoOrderItems, magentoOrders } from "@/db/schema";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { channelInfo, storeInfo, type RecordMeta, type StoreInfo } from "./record";

// One order with what its detail page shows. Money as decimal strings, as stored.

export type OrderAddress = typeof magentoOrderAddresses.$inferSelect;

export interface OrderDetail extends RecordMeta {
  order: typeof magentoOrders.$inferSelect;
  store: StoreInfo;
  items: (typeof magentoOrderItems.$inferSelect)[];
  billingAddress: OrderAddress | null;
  shippingAddress: OrderAddress | null;
  cart: { id: number; originId: number; status: string } | null;
  customer: { id: number; email: string; name: string | null; isGuest: boolean } | null;
  creditMemos: { id: number; incrementId: string | null; state: number | null; grandTotal: string; currency: string | null; createdAt: Date | null }[];
}

export async function loadOrderDetail(db: Db, user: SessionUser | null, id: number): Promise<OrderDetail | null> {
  requirePermission(user, "view_sales");
  const [order] = await db.select().from(magentoOrders).where(and(eq(magentoOrders.id, id), isNull(magentoOrders.removedAt)));
  if (!order) return null;
  const channel = await channelInfo(db, order.channelId);
  if (!channel) return null;
  const [store, items, addresses, carts, customers, creditMemos] = await Promise.all([
    storeInfo(db, order.storeId),
    db.select().from(magentoOrderItems)
      .where(and(eq(magentoOrderItems.orderId, id), isNull(magentoOrderItems.removedAt)))
      .orderBy(asc(magentoOrderItems.originId)),
    db.select().from(magentoOrderAddresses).where(and(eq(magentoOrderAddresses.orderId, id), isNull(magentoOrderAddresses.removedAt))),
    order.cartId === null ? [] : db
      .select({ id: magentoCarts.id, originId: magentoCarts.originId, status: magentoCarts.status })
      .from(magentoCarts)
      .where(and(eq(magentoCarts.id, order.cartId), isNull(magentoCarts.removedAt))),
    order.customerId === null ? [] : db
      .select({ id: magentoCustomers.id, email: magentoCustomers.email, firstName: magentoCustomers.firstName, lastName: magentoCustomers.lastName, isGuest: magentoCustomers.isGuest })
      .from(magentoCustomers)
      .where(and(eq(magentoCustomers.id, order.customerId), isNull(magentoCustomers.removedAt))),
    db.select({
      id: magentoCreditMemos.id, incrementId: magentoCreditMemos.incrementId, state: magentoCreditMemos.state,
      grandTotal: magentoCreditMemos.grandTotal, currency: magentoCreditMemos.orderCurrencyCode, createdAt: magentoCreditMemos.remoteCreatedAt,
    })
      .from(magentoCreditMemos)
      .where(and(eq(magentoCreditMemos.orderId, id), isNull(magentoCreditMemos.removedAt)))
      .orderBy(asc(magentoCreditMemos.originId)),
  ]);
  const customer = customers[0];
  return {
    channel,
    originId: order.originId,
    syncedAt: order.syncedAt,
    remoteCreatedAt: order.remoteCreatedAt,
    remoteUpdatedAt: order.remoteUpdatedAt,
    order,
    store,
    items,
    billingAddress: addresses.find((a) => a.addressType === "billing") ?? null,
    shippingAddress: addresses.find((a) => a.addressType === "shipping") ?? null,
    cart: carts[0] ?? null,
    customer: customer
      ? { id: customer.id, email: customer.email, name: [customer.firstName, customer.lastName].filter(Boolean).join(" ") || null, isGuest: customer.isGuest }
      : null,
    creditMemos,
  };
}
