import "server-only";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { channels, magentoCartItems, magentoCarts, magentoCustomerGroups, magentoCustomers, magentoOrders } from "@/db/schema";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { abandonedCartCondition } from "@/lib/sync/rules/abandoned-carts";
import { customerAccount, type CustomerAccount } from "@/lib/customers/linked";
import { customerName } from "@/lib/customers/name";
import { channelInfo, storeInfo, type RecordMeta, type StoreInfo } from "@/lib/records/meta";

// One shopping cart with what its detail page shows: items (removed ones too, flagged), the
// customer or guest, the order it became, and the status history the sync keeps.

export interface CartDetail extends RecordMeta {
  cart: typeof magentoCarts.$inferSelect;
  store: StoreInfo;
  /** Every item ever synced for the cart; `removedAt` set when it left the cart in Magento. */
  items: (typeof magentoCartItems.$inferSelect)[];
  customer: {
    id: number;
    email: string;
    name: string | null;
    group: string | null;
    isGuest: boolean;
    account: CustomerAccount | null;
  } | null;
  order: { id: number; incrementId: string; status: string; grandTotal: string; currency: string | null; createdAt: Date | null } | null;
  /** Abandoned now (lib/sync/rules/abandoned-carts.ts), with the channel's delay it was judged by. */
  abandonment: { abandoned: boolean; delayHours: number };
}

export async function loadCartDetail(db: Db, user: SessionUser | null, id: number): Promise<CartDetail | null> {
  requirePermission(user, "view_sales");
  const [cart] = await db
    .select()
    .from(magentoCarts)
    .where(and(eq(magentoCarts.id, id), isNull(magentoCarts.removedAt)));
  if (!cart) return null;
  const channel = await channelInfo(db, cart.channelId);
  if (!channel) return null;
  const [store, items, customers, orders, abandonment, account] = await Promise.all([
    storeInfo(db, cart.storeId),
    db.select().from(magentoCartItems).where(eq(magentoCartItems.cartId, id)).orderBy(asc(magentoCartItems.originId)),
    cart.customerId === null
      ? []
      : db
          .select({
            id: magentoCustomers.id,
            email: magentoCustomers.email,
            firstName: magentoCustomers.firstName,
            lastName: magentoCustomers.lastName,
            group: magentoCustomerGroups.code,
            isGuest: magentoCustomers.isGuest,
          })
          .from(magentoCustomers)
          .leftJoin(magentoCustomerGroups, eq(magentoCustomerGroups.id, magentoCustomers.groupId))
          .where(and(eq(magentoCustomers.id, cart.customerId), isNull(magentoCustomers.removedAt))),
    // The order points at its cart or the cart at its order, whichever synced first.
    db
      .select({
        id: magentoOrders.id,
        incrementId: magentoOrders.incrementId,
        status: magentoOrders.status,
        grandTotal: magentoOrders.grandTotal,
        currency: magentoOrders.orderCurrencyCode,
        createdAt: magentoOrders.remoteCreatedAt,
      })
      .from(magentoOrders)
      .where(
        and(cart.orderId === null ? eq(magentoOrders.cartId, id) : eq(magentoOrders.id, cart.orderId), isNull(magentoOrders.removedAt)),
      )
      .orderBy(asc(magentoOrders.id))
      .limit(1),
    db
      .select({
        abandoned: sql<boolean>`coalesce(${abandonedCartCondition("magento_carts", { at: sql`now()`, delayHours: sql`${channels.abandonmentDelayHours}` })}, false)`,
        delayHours: channels.abandonmentDelayHours,
      })
      .from(magentoCarts)
      .innerJoin(channels, eq(channels.id, magentoCarts.channelId))
      .where(eq(magentoCarts.id, id)),
    cart.customerId === null ? null : customerAccount(db, cart.customerId),
  ]);
  const customer = customers[0];
  return {
    channel,
    originId: cart.originId,
    syncedAt: cart.syncedAt,
    remoteCreatedAt: cart.remoteCreatedAt,
    remoteUpdatedAt: cart.remoteUpdatedAt,
    cart,
    store,
    items,
    customer: customer
      ? {
          id: customer.id,
          email: customer.email,
          name: customerName({ firstName: customer.firstName, lastName: customer.lastName }),
          group: customer.group,
          isGuest: customer.isGuest,
          account,
        }
      : null,
    order: orders[0] ?? null,
    abandonment: { abandoned: abandonment[0]?.abandoned === true, delayHours: abandonment[0]?.delayHours ?? 0 },
  };
}
