import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { channels, magentoCartItems, magentoCarts, magentoCustomerAddresses, magentoCustomers, magentoOrders } from "@/db/schema";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import type { MagentoClient } from "@/lib/magento/client";
import { createChannelClient } from "@/lib/sync/channel-client";
import type { ChannelRow } from "@/lib/sync/types";

/** Cart statuses a user may convert to an order. */
export const CONVERTIBLE_STATUSES: ReadonlySet<string> = new Set(["open", "contacted"]);

// The cart a conversion works on, read on the server from the portal id alone, and why it may
// not be converted. Every entry point of lib/carts/conversion starts here (and so checks the permission).

export type ConvertibleCart = {
  id: number;
  originId: number;
  channel: ChannelRow;
  email: string;
  isGuest: boolean;
  customerId: number | null;
  customerOriginId: number | null;
  currency: string | null;
  firstName: string | null;
  lastName: string | null;
};

export type CartLoad =
  | { ok: true; cart: ConvertibleCart }
  | {
      ok: false;
      reason: "missing" | "not_open" | "empty" | "no_email" | "ordered";
      message: string;
      order?: { id: number; incrementId: string };
      /** For "ordered": the cart, so an attempt that placed the order can still be completed. */
      cart?: ConvertibleCart;
    };

export async function loadConvertibleCart(db: Db, user: SessionUser | null, cartId: number): Promise<CartLoad> {
  requirePermission(user, "convert_carts");
  const [row] = await db
    .select()
    .from(magentoCarts)
    .where(and(eq(magentoCarts.id, cartId), isNull(magentoCarts.removedAt)));
  if (!row) return { ok: false, reason: "missing", message: "This cart is no longer in the portal." };
  const [channel] = await db.select().from(channels).where(eq(channels.id, row.channelId));
  if (!channel || channel.deletingAt) return { ok: false, reason: "missing", message: "This cart's channel no longer exists." };
  const cartWith = (email: string): ConvertibleCart => ({
    id: row.id,
    originId: row.originId,
    channel: channel as ChannelRow,
    email,
    isGuest: row.isGuest,
    customerId: row.customerId,
    customerOriginId: row.customerOriginId,
    currency: row.currencyCode,
    firstName: row.customerFirstName,
    lastName: row.customerLastName,
  });
  const order = await linkedOrder(db, user, row.id, row.orderId);
  if (order) {
    return {
      ok: false,
      reason: "ordered",
      message: `Already ordered: #${order.incrementId}.`,
      order,
      cart: cartWith(row.customerEmail ?? ""),
    };
  }
  // A contacted cart is still open in Magento: ordering it is the follow-up's success (the sync then marks it converted).
  if (!CONVERTIBLE_STATUSES.has(row.status) || !row.isActive) {
    return { ok: false, reason: "not_open", message: `Only open carts can be converted; this one is ${row.status}.` };
  }
  const items = await db
    .select({ id: magentoCartItems.id })
    .from(magentoCartItems)
    .where(and(eq(magentoCartItems.cartId, row.id), isNull(magentoCartItems.removedAt)))
    .limit(1);
  if (items.length === 0) return { ok: false, reason: "empty", message: "This cart has no items to order." };
  let email = row.customerEmail;
  if (row.customerId !== null) {
    const [customer] = await db
      .select({ email: magentoCustomers.email })
      .from(magentoCustomers)
      .where(eq(magentoCustomers.id, row.customerId));
    email = customer?.email ?? email;
  }
  if (!email)
    return { ok: false, reason: "no_email", message: "This guest cart has no email address; Magento cannot place an order without one." };
  return { ok: true, cart: cartWith(email) };
}

/** The order this cart became, whichever side linked first (the convert page links to it). */
export async function linkedOrder(
  db: Db,
  user: SessionUser | null,
  cartId: number,
  orderId: number | null,
): Promise<{ id: number; incrementId: string } | null> {
  requirePermission(user, "convert_carts");
  const [order] = await db
    .select({ id: magentoOrders.id, incrementId: magentoOrders.incrementId })
    .from(magentoOrders)
    .where(and(orderId === null ? eq(magentoOrders.cartId, cartId) : eq(magentoOrders.id, orderId), isNull(magentoOrders.removedAt)))
    .limit(1);
  return order ?? null;
}

/** The registered customer's saved addresses (synced), for the address choice. */
export async function customerAddresses(db: Db, customerId: number | null) {
  if (customerId === null) return [];
  return db
    .select()
    .from(magentoCustomerAddresses)
    .where(and(eq(magentoCustomerAddresses.customerId, customerId), isNull(magentoCustomerAddresses.removedAt)));
}

/** The channel's Magento client; tests pass their own (short timeouts). */
export type ClientFactory = (channel: ChannelRow) => MagentoClient;
export const channelClient: ClientFactory = (channel) => createChannelClient(channel);
