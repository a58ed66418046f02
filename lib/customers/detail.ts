import "server-only";
import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  magentoCustomerAddresses,
  magentoCustomerGroups,
  magentoCustomers,
  magentoNewsletterSubscribers,
  magentoOrderItems,
  magentoOrders,
} from "@/db/schema";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { queryRows } from "@/db/rows";
import { formatMoney } from "@/lib/format/money";
import { channelInfo, storeInfo, type RecordMeta, type StoreInfo } from "@/lib/records/meta";
import { type LifetimeFigures, readLifetimeFigures } from "./lifetime-figures";
import { customerAccount, type CustomerAccount } from "./linked";

// One customer (registered or guest) with profile, addresses, subscription and lifetime figures,
// plus the rows of one tab (orders, carts, credit memos, recent purchases).

export const CUSTOMER_TABS = ["orders", "carts", "credit_memos", "purchases", "activity"] as const;
export type CustomerTab = (typeof CUSTOMER_TABS)[number];

export function parseCustomerTab(raw: string | string[] | undefined): CustomerTab {
  const value = Array.isArray(raw) ? raw[0] : raw;
  return (CUSTOMER_TABS as readonly string[]).includes(value ?? "") ? (value as CustomerTab) : "orders";
}

export interface CustomerDetail extends RecordMeta {
  customer: typeof magentoCustomers.$inferSelect;
  group: string | null;
  store: StoreInfo;
  websiteName: string | null;
  addresses: (typeof magentoCustomerAddresses.$inferSelect)[];
  subscription: { status: string; changedAt: Date | null } | null;
  figures: LifetimeFigures;
  /** The registered customer this guest record was merged into. */
  mergedInto: { id: number; email: string } | null;
  /** The account the customer belongs to (issue 22). */
  account: CustomerAccount | null;
}

export async function loadCustomerDetail(db: Db, user: SessionUser | null, id: number): Promise<CustomerDetail | null> {
  requirePermission(user, "view_sales");
  const [row] = await db
    .select({ customer: magentoCustomers, group: magentoCustomerGroups.code })
    .from(magentoCustomers)
    .leftJoin(magentoCustomerGroups, eq(magentoCustomerGroups.id, magentoCustomers.groupId))
    .where(and(eq(magentoCustomers.id, id), isNull(magentoCustomers.removedAt)));
  if (!row) return null;
  const { customer } = row;
  const channel = await channelInfo(db, customer.channelId);
  if (!channel) return null;
  const [store, websites, addresses, subscriptions, figures, merged, account] = await Promise.all([
    storeInfo(db, customer.storeId),
    customer.websiteId === null
      ? []
      : queryRows<{ name: string }>(db, sql`SELECT name FROM magento_websites WHERE id = ${customer.websiteId}`),
    db
      .select()
      .from(magentoCustomerAddresses)
      .where(and(eq(magentoCustomerAddresses.customerId, id), isNull(magentoCustomerAddresses.removedAt)))
      .orderBy(
        desc(magentoCustomerAddresses.isDefaultBilling),
        desc(magentoCustomerAddresses.isDefaultShipping),
        asc(magentoCustomerAddresses.originId),
      ),
    db
      .select({ status: magentoNewsletterSubscribers.status, changedAt: magentoNewsletterSubscribers.changedAt })
      .from(magentoNewsletterSubscribers)
      .where(and(eq(magentoNewsletterSubscribers.customerId, id), isNull(magentoNewsletterSubscribers.removedAt)))
      .orderBy(desc(magentoNewsletterSubscribers.changedAt))
      .limit(1),
    readLifetimeFigures(db, { customerId: id }),
    customer.mergedIntoId === null
      ? []
      : db
          .select({ id: magentoCustomers.id, email: magentoCustomers.email })
          .from(magentoCustomers)
          .where(and(eq(magentoCustomers.id, customer.mergedIntoId), isNull(magentoCustomers.removedAt))),
    customerAccount(db, id),
  ]);
  return {
    channel,
    originId: customer.originId,
    syncedAt: customer.syncedAt,
    remoteCreatedAt: customer.remoteCreatedAt,
    remoteUpdatedAt: customer.remoteUpdatedAt,
    customer,
    group: row.group,
    store,
    websiteName: websites[0]?.name ?? store?.websiteName ?? null,
    addresses,
    subscription: subscriptions[0] ?? null,
    figures: { ...figures, currency: figures.currency ?? customer.lifetimeCurrencyCode },
    mergedInto: merged[0] ?? null,
    account,
  };
}

export const TAB_LIMIT = 100;

export type PurchaseRow = {
  id: number;
  orderId: number;
  incrementId: string;
  sku: string;
  name: string | null;
  qty: string;
  price: string;
  rowTotal: string;
  currency: string | null;
  createdAt: Date | null;
};

/**
 * The newest TAB_LIMIT order lines across the customer's orders (order items have no grid of their
 * own). A configurable product is one line: its parent item (the chosen child's SKU, the money),
 * not the child Magento sends beside it.
 */
export async function loadCustomerPurchases(db: Db, user: SessionUser | null, customerId: number): Promise<PurchaseRow[]> {
  requirePermission(user, "view_sales");
  return db
    .select({
      id: magentoOrderItems.id,
      orderId: magentoOrders.id,
      incrementId: magentoOrders.incrementId,
      sku: magentoOrderItems.sku,
      name: magentoOrderItems.name,
      qty: magentoOrderItems.qtyOrdered,
      price: magentoOrderItems.price,
      rowTotal: magentoOrderItems.rowTotal,
      currency: magentoOrders.orderCurrencyCode,
      createdAt: magentoOrders.remoteCreatedAt,
    })
    .from(magentoOrderItems)
    .innerJoin(magentoOrders, eq(magentoOrders.id, magentoOrderItems.orderId))
    .where(
      and(
        eq(magentoOrders.customerId, customerId),
        isNull(magentoOrders.removedAt),
        isNull(magentoOrderItems.removedAt),
        isNull(magentoOrderItems.parentItemOriginId),
      ),
    )
    .orderBy(desc(magentoOrders.remoteCreatedAt), desc(magentoOrders.id), asc(magentoOrderItems.originId))
    .limit(TAB_LIMIT);
}

export type ActivityEvent = { key: string; at: Date | null; title: string; detail: string | null; href: string | null };

/**
 * What happened with a customer, newest first (at most TAB_LIMIT): orders placed, carts started
 * and their last status change, refunds, the newsletter status. Follow-up calls and emails join
 * this list with the cart follow-up issue.
 */
export async function loadCustomerActivity(db: Db, user: SessionUser | null, customerId: number): Promise<ActivityEvent[]> {
  requirePermission(user, "view_sales");
  const rows = await queryRows<{
    kind: string;
    id: unknown;
    at: unknown;
    label: unknown;
    status: unknown;
    amount: unknown;
    currency: unknown;
  }>(
    db,
    sql`
    (SELECT 'order' AS kind, o.id, o.remote_created_at AS at, o.increment_id AS label, o.status, o.grand_total::text AS amount, o.order_currency_code AS currency
       FROM magento_orders o WHERE o.customer_id = ${customerId} AND o.removed_at IS NULL ORDER BY o.remote_created_at DESC NULLS LAST LIMIT ${TAB_LIMIT})
    UNION ALL
    (SELECT 'cart', c.id, c.remote_created_at, c.origin_id::text, c.status, c.grand_total::text, c.currency_code
       FROM magento_carts c WHERE c.customer_id = ${customerId} AND c.removed_at IS NULL ORDER BY c.remote_created_at DESC NULLS LAST LIMIT ${TAB_LIMIT})
    UNION ALL
    (SELECT 'cart_status', c.id, c.status_changed_at, c.origin_id::text, c.status, coalesce(c.status_message, ''), NULL
       FROM magento_carts c WHERE c.customer_id = ${customerId} AND c.removed_at IS NULL AND c.status_changed_at IS NOT NULL AND c.status <> 'open'
       ORDER BY c.status_changed_at DESC LIMIT ${TAB_LIMIT})
    UNION ALL
    (SELECT 'refund', m.id, m.remote_created_at, coalesce(m.increment_id, m.origin_id::text), NULL, m.grand_total::text,
            coalesce(m.order_currency_code, (SELECT o.order_currency_code FROM magento_orders o WHERE o.id = m.order_id))
       FROM magento_credit_memos m WHERE m.customer_id = ${customerId} AND m.removed_at IS NULL ORDER BY m.remote_created_at DESC NULLS LAST LIMIT ${TAB_LIMIT})
    UNION ALL
    (SELECT 'newsletter', s.id, s.changed_at, s.email, s.status, NULL, NULL
       FROM magento_newsletter_subscribers s WHERE s.customer_id = ${customerId} AND s.removed_at IS NULL)
    ORDER BY at DESC NULLS LAST LIMIT ${TAB_LIMIT}`,
  );
  const money = (amount: unknown, currency: unknown) =>
    amount === null || amount === undefined
      ? null
      : formatMoney(String(amount), currency === null || currency === undefined ? null : String(currency));
  return rows.map((row) => {
    const at = row.at === null || row.at === undefined ? null : row.at instanceof Date ? row.at : new Date(String(row.at));
    const id = Number(row.id);
    const label = String(row.label ?? "");
    const status = row.status === null || row.status === undefined ? "" : String(row.status);
    switch (row.kind) {
      case "order":
        return {
          key: `order-${id}`,
          at,
          title: `Order #${label} placed`,
          detail: [money(row.amount, row.currency), status.replace(/_/g, " ")].filter(Boolean).join(" · "),
          href: `/sales/orders/${id}`,
        };
      case "cart":
        return {
          key: `cart-${id}`,
          at,
          title: `Cart ${label} started`,
          detail: money(row.amount, row.currency),
          href: `/sales/carts/${id}`,
        };
      case "cart_status":
        return {
          key: `cart-status-${id}`,
          at,
          title: `Cart ${label} ${status}`,
          detail: row.amount ? String(row.amount) : null,
          href: `/sales/carts/${id}`,
        };
      case "refund":
        return {
          key: `refund-${id}`,
          at,
          title: `Credit memo ${label}`,
          detail: money(row.amount, row.currency),
          href: `/sales/credit-memos/${id}`,
        };
      default:
        return { key: `newsletter-${id}`, at, title: `Newsletter: ${status.replace(/_/g, " ")}`, detail: label, href: null };
    }
  });
}
