import { sql, type SQL } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  numeric,
  pgTable,
  smallint,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { users } from "./auth";
import { channels } from "./channels";
import { dateMultirange, id, money, originId, quantity, smallCount, syncedTimes, timestamptz } from "./columns";

// Every table here mirrors one Magento entity. Each row carries channel_id + origin_id
// (Magento's id), unique together, so a re-sent record updates its row instead of doubling it.

const channelId = () =>
  bigint("channel_id", { mode: "number" })
    .notNull()
    .references(() => channels.id, { onDelete: "cascade" });

// Child rows (items, addresses) reach the channel through their parent, whose own channel_id
// cascades: a second foreign key here would only cost one check per row at sync speed.
const childChannelId = () => bigint("channel_id", { mode: "number" }).notNull();

const ref = (name: string) => bigint(name, { mode: "number" });

/**
 * What global search (lib/search) matches a customer's name against: "first last", lower-cased.
 * The query spells the same expression, so the trigram index on it is used.
 */
export const searchNameSql = (firstName: AnyPgColumn | SQL, lastName: AnyPgColumn | SQL) =>
  sql`lower(coalesce(${firstName}, '') || ' ' || coalesce(${lastName}, ''))`;
/** A phone number's digits alone, as global search matches it ("+49 (30) 123" → "4930123"). */
export const searchPhoneSql = (telephone: AnyPgColumn | SQL) => sql`regexp_replace(${telephone}, '[^0-9]', '', 'g')`;

// Magento's base_to_global_rate (decimal(12,4) in Magento; wider here so no store's rate is cut).
const rate = (name: string) => numeric(name, { precision: 24, scale: 12 });

// contacted: a follow-up was logged (lib/carts/follow-up-rules.ts); the sync keeps it like lost.
export const CART_STATUSES = ["open", "contacted", "expired", "lost", "converted", "purchased"] as const;
export type CartStatus = (typeof CART_STATUSES)[number];

export const SUBSCRIBER_STATUSES = ["subscribed", "not_active", "unsubscribed", "unconfirmed"] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

export const magentoWebsites = pgTable(
  "magento_websites",
  {
    id: id(),
    channelId: channelId(),
    originId: originId().notNull(),
    code: text("code").notNull(),
    name: text("name").notNull(),
    defaultGroupOriginId: originId("default_group_origin_id"),
    ...syncedTimes(),
  },
  (t) => [uniqueIndex("magento_websites_channel_origin_key").on(t.channelId, t.originId)],
);

/** Magento store views (the unit orders, carts and customers belong to). */
export const magentoStores = pgTable(
  "magento_stores",
  {
    id: id(),
    channelId: channelId(),
    originId: originId().notNull(),
    code: text("code").notNull(),
    name: text("name").notNull(),
    websiteId: ref("website_id").references(() => magentoWebsites.id, { onDelete: "set null" }),
    websiteOriginId: originId("website_origin_id"),
    storeGroupOriginId: originId("store_group_origin_id"),
    isActive: boolean("is_active").notNull().default(true),
    locale: text("locale"),
    timezone: text("timezone"),
    baseCurrencyCode: text("base_currency_code"),
    defaultDisplayCurrencyCode: text("default_display_currency_code"),
    baseUrl: text("base_url"),
    ...syncedTimes(),
  },
  (t) => [
    uniqueIndex("magento_stores_channel_origin_key").on(t.channelId, t.originId),
    index("magento_stores_website_idx").on(t.websiteId),
  ],
);

export const magentoCustomerGroups = pgTable(
  "magento_customer_groups",
  {
    id: id(),
    channelId: channelId(),
    originId: originId().notNull(),
    code: text("code").notNull(),
    taxClassOriginId: originId("tax_class_origin_id"),
    taxClassName: text("tax_class_name"),
    ...syncedTimes(),
  },
  (t) => [uniqueIndex("magento_customer_groups_channel_origin_key").on(t.channelId, t.originId)],
);

/**
 * Registered customers (origin_id = Magento's customer id) and guest customers
 * (is_guest, origin_id NULL, one per channel + guest_key, where guest_key is the lower-cased
 * email, or email + full name for shared addresses).
 */
export const magentoCustomers = pgTable(
  "magento_customers",
  {
    id: id(),
    channelId: channelId(),
    originId: originId(),
    isGuest: boolean("is_guest").notNull().default(false),
    guestKey: text("guest_key"),
    // A guest record attached to the customer who later registered with the same email.
    mergedIntoId: ref("merged_into_id").references((): AnyPgColumn => magentoCustomers.id, { onDelete: "set null" }),
    email: text("email").notNull(),
    prefix: text("prefix"),
    firstName: text("first_name"),
    middleName: text("middle_name"),
    lastName: text("last_name"),
    suffix: text("suffix"),
    dob: date("dob", { mode: "string" }),
    gender: smallint("gender"),
    taxvat: text("taxvat"),
    groupId: ref("group_id").references(() => magentoCustomerGroups.id, { onDelete: "set null" }),
    groupOriginId: originId("group_origin_id"),
    websiteId: ref("website_id").references(() => magentoWebsites.id, { onDelete: "set null" }),
    websiteOriginId: originId("website_origin_id"),
    storeId: ref("store_id").references(() => magentoStores.id, { onDelete: "set null" }),
    storeOriginId: originId("store_origin_id"),
    createdIn: text("created_in"),
    // null = unknown (never read from Magento), as the subscribed filter shows it.
    isSubscribed: boolean("is_subscribed"),
    defaultBillingOriginId: originId("default_billing_origin_id"),
    defaultShippingOriginId: originId("default_shipping_origin_id"),
    billingCountryId: text("billing_country_id"),
    billingRegion: text("billing_region"),
    // In the channel's global currency (lifetime_currency_code): each order's base amounts × its
    // base_to_global_rate (lib/sync/rules/ltv.ts). Orders without them yet are counted in
    // lifetime_unconverted_orders and left out of the value, never added in another currency.
    lifetimeValue: money("lifetime_value").notNull().default("0"),
    ordersCount: smallCount("orders_count"),
    refundsTotal: money("refunds_total").notNull().default("0"),
    // The store-local days the customer placed those orders on, as one multirange: "who ordered in
    // this range" is then one overlap test per customer instead of a distinct count over every order
    // of a long range (the dashboard's returning customers). Refreshed with the rollups
    // (lib/sync/rules/rollups.ts); not indexed, so its updates stay HOT like the totals'.
    orderDays: dateMultirange("order_days")
      .notNull()
      .default(sql`'{}'::datemultirange`),
    lifetimeCurrencyCode: text("lifetime_currency_code"),
    lifetimeUnconvertedOrders: integer("lifetime_unconverted_orders").notNull().default(0),
    currencyCode: text("currency_code"),
    assigneeUserId: ref("assignee_user_id").references(() => users.id, { onDelete: "set null" }),
    // The buyer's account (db/schema/accounts.ts); null only until the sync's assignment reaches the row.
    // No foreign key: its check would run once per customer a sync page inserts. The sync writes it
    // from the accounts its page found or created; deleting an account unsets it (the statement
    // trigger accounts_delete_references, migration 0030), as ON DELETE SET NULL did.
    accountId: ref("account_id"),
    // Local edits waiting for (or pushed to) Magento, for two-way sync conflict rules.
    portalUpdatedAt: timestamptz("portal_updated_at"),
    // Fields with a two-way push not yet confirmed by Magento (lib/customers/two-way): the sync keeps their
    // local values instead of writing Magento's older ones over them. "subscription" = is_subscribed.
    pendingFields: text("pending_fields")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    ...syncedTimes(),
  },
  (t) => [
    uniqueIndex("magento_customers_channel_origin_key").on(t.channelId, t.originId),
    uniqueIndex("magento_customers_channel_guest_key").on(t.channelId, t.guestKey),
    check(
      "magento_customers_guest_check",
      sql`(${t.isGuest} and ${t.originId} is null and ${t.guestKey} is not null) or (not ${t.isGuest} and ${t.originId} is not null)`,
    ),
    index("magento_customers_email_idx").on(t.channelId, t.email),
    // Guests are matched to registered customers by lower(email) (lib/sync/rules/guests.ts).
    index("magento_customers_lower_email_idx").on(t.channelId, sql`lower(${t.email})`),
    // Grid (lib/customers/grid.ts): newest first, id tie-break, as ORDER BY spells it.
    index("magento_customers_created_idx").on(t.remoteCreatedAt.desc().nullsLast(), t.id.desc().nullsFirst()),
    // Grid search: lower(email) LIKE 'prefix%' (text_pattern_ops: a prefix range scan in any collation).
    index("magento_customers_email_prefix_idx").on(sql`lower(${t.email}) text_pattern_ops`),
    index("magento_customers_updated_idx").on(t.remoteUpdatedAt),
    index("magento_customers_name_idx").on(t.lastName, t.firstName),
    index("magento_customers_account_idx").on(t.accountId),
    // Rows the account assignment has not reached yet (lib/sync/rules/accounts.ts): few or none.
    index("magento_customers_unassigned_idx")
      .on(t.channelId, t.id)
      .where(sql`${t.accountId} IS NULL`),
    // Global search (lib/search): contains-matches on the name and the email (pg_trgm, migration 0028).
    index("magento_customers_name_trgm_idx").using("gin", sql`${searchNameSql(t.firstName, t.lastName)} gin_trgm_ops`),
    index("magento_customers_email_trgm_idx").using("gin", sql`lower(${t.email}) gin_trgm_ops`),
    // No index on lifetime_value / orders_count / refunds_total: they change after every orders
    // page, and an unindexed change stays on its heap page (HOT, fillfactor 85 in migration 0014)
    // instead of writing an entry into every index above.
  ],
);

export const magentoCustomerAddresses = pgTable(
  "magento_customer_addresses",
  {
    id: id(),
    channelId: childChannelId(),
    originId: originId().notNull(),
    customerId: ref("customer_id").references(() => magentoCustomers.id, { onDelete: "cascade" }),
    customerOriginId: originId("customer_origin_id"),
    firstName: text("first_name"),
    lastName: text("last_name"),
    company: text("company"),
    street: text("street").array(),
    city: text("city"),
    region: text("region"),
    regionCode: text("region_code"),
    regionOriginId: originId("region_origin_id"),
    postcode: text("postcode"),
    countryId: text("country_id"),
    telephone: text("telephone"),
    isDefaultBilling: boolean("is_default_billing").notNull().default(false),
    isDefaultShipping: boolean("is_default_shipping").notNull().default(false),
    ...syncedTimes(),
  },
  (t) => [
    uniqueIndex("magento_customer_addresses_channel_origin_key").on(t.channelId, t.originId),
    index("magento_customer_addresses_customer_idx").on(t.customerId),
    // Global search (lib/search): customers by company or phone (digits only).
    index("magento_customer_addresses_company_trgm_idx").using("gin", sql`lower(${t.company}) gin_trgm_ops`),
    index("magento_customer_addresses_phone_trgm_idx").using("gin", sql`${searchPhoneSql(t.telephone)} gin_trgm_ops`),
  ],
);

/** Shopping carts (Magento quotes). */
export const magentoCarts = pgTable(
  "magento_carts",
  {
    id: id(),
    channelId: channelId(),
    originId: originId().notNull(),
    status: text("status", { enum: CART_STATUSES }).notNull().default("open"),
    statusMessage: text("status_message"),
    statusChangedAt: timestamptz("status_changed_at"),
    isActive: boolean("is_active").notNull().default(true),
    customerId: ref("customer_id").references(() => magentoCustomers.id, { onDelete: "set null" }),
    customerOriginId: originId("customer_origin_id"),
    isGuest: boolean("is_guest").notNull().default(false),
    customerEmail: text("customer_email"),
    customerFirstName: text("customer_first_name"),
    customerLastName: text("customer_last_name"),
    storeId: ref("store_id").references(() => magentoStores.id, { onDelete: "set null" }),
    storeOriginId: originId("store_origin_id"),
    itemsCount: smallCount("items_count"),
    itemsQty: quantity("items_qty").notNull().default("0"),
    subtotal: money("subtotal").notNull().default("0"),
    subtotalWithDiscount: money("subtotal_with_discount"),
    grandTotal: money("grand_total").notNull().default("0"),
    baseGrandTotal: money("base_grand_total"),
    currencyCode: text("currency_code"),
    baseCurrencyCode: text("base_currency_code"),
    globalCurrencyCode: text("global_currency_code"),
    baseToGlobalRate: rate("base_to_global_rate"),
    couponCode: text("coupon_code"),
    billingCountryId: text("billing_country_id"),
    billingRegion: text("billing_region"),
    reservedOrderId: text("reserved_order_id"),
    convertedAt: timestamptz("converted_at"),
    // The order this cart became (set from either side, whichever syncs first).
    // Set null by the trigger magento_orders_delete_children (migration 0009), not a foreign key:
    // every order page marks its carts purchased, and a per-row key check there cost ~7 ms a page.
    orderId: ref("order_id"),
    // Abandoned-cart follow-up (issue F).
    assigneeUserId: ref("assignee_user_id").references(() => users.id, { onDelete: "set null" }),
    followUpState: text("follow_up_state"),
    lastContactAt: timestamptz("last_contact_at"),
    contactCount: smallCount("contact_count"),
    // When grand_total & co. were last read from /V1/carts/{id}/totals (the cart search has no totals).
    totalsSyncedAt: timestamptz("totals_synced_at"),
    ...syncedTimes(),
  },
  (t) => [
    uniqueIndex("magento_carts_channel_origin_key").on(t.channelId, t.originId),
    check("magento_carts_status_check", sql`${t.status} in ('open', 'contacted', 'expired', 'lost', 'converted', 'purchased')`),
    index("magento_carts_status_updated_idx").on(t.channelId, t.status, t.remoteUpdatedAt),
    // Carts grid default order (newest updated first, id tie-break). The trailing columns let a deep
    // page and the capped count run as index-only scans (removed_at filter, joined store and user).
    index("magento_carts_updated_idx").on(
      t.remoteUpdatedAt.desc().nullsLast(),
      t.id.desc().nullsFirst(),
      t.removedAt,
      t.storeId,
      t.assigneeUserId,
    ),
    index("magento_carts_created_idx").on(t.remoteCreatedAt),
    // The Abandoned Carts report over a year reads only carts that can be abandoned (lib/carts/
    // abandoned.ts) or were settled by a follow-up, by creation, from these indexes alone: what its
    // conditions, groups and sort read follows the date (scattered heap reads of tens of thousands
    // of carts were most of its time). assignee_user_id is there for the report's join to users:
    // although the planner drops that join, a column it names still rules out an index-only scan.
    index("magento_carts_followed_created_idx")
      .on(
        t.remoteCreatedAt,
        t.channelId,
        t.storeId,
        t.status,
        t.remoteUpdatedAt,
        t.removedAt,
        t.customerEmail,
        t.baseGrandTotal,
        t.baseToGlobalRate,
        t.globalCurrencyCode,
        t.grandTotal,
        t.id,
        t.assigneeUserId,
      )
      .where(sql`${t.status} IN ('open', 'contacted') AND ${t.isActive} AND ${t.itemsCount} > 0`),
    index("magento_carts_settled_created_idx")
      .on(
        t.remoteCreatedAt,
        t.channelId,
        t.storeId,
        t.status,
        t.removedAt,
        t.baseGrandTotal,
        t.baseToGlobalRate,
        t.globalCurrencyCode,
        t.assigneeUserId,
      )
      .where(sql`${t.status} IN ('converted', 'lost') AND ${t.itemsCount} > 0`),
    index("magento_carts_email_prefix_idx").on(sql`lower(${t.customerEmail}) text_pattern_ops`),
    index("magento_carts_grand_total_idx").on(t.grandTotal.desc().nullsLast(), t.id.desc().nullsFirst()),
    index("magento_carts_customer_idx").on(t.customerId),
    // Carts waiting for their customer to sync (lib/sync/rules/customer-links.ts).
    index("magento_carts_unlinked_customer_idx")
      .on(t.channelId, t.customerOriginId)
      .where(sql`${t.customerId} IS NULL`),
    index("magento_carts_order_idx").on(t.orderId),
    // Rollup refresh (lib/sync/rules/rollups.ts): the carts a sync wrote since the last refresh.
    index("magento_carts_synced_idx").on(t.channelId, t.syncedAt),
    // Global search (lib/search): a cart by its number (Magento's id) in any channel, or by email.
    index("magento_carts_origin_idx").on(t.originId),
    index("magento_carts_email_trgm_idx").using("gin", sql`lower(${t.customerEmail}) gin_trgm_ops`),
  ],
);

export const magentoCartItems = pgTable(
  "magento_cart_items",
  {
    id: id(),
    channelId: childChannelId(),
    originId: originId().notNull(),
    cartId: ref("cart_id")
      .notNull()
      .references(() => magentoCarts.id, { onDelete: "cascade" }),
    cartOriginId: originId("cart_origin_id").notNull(),
    parentItemOriginId: originId("parent_item_origin_id"),
    sku: text("sku").notNull(),
    name: text("name"),
    productType: text("product_type"),
    productOriginId: originId("product_origin_id"),
    qty: quantity("qty").notNull(),
    price: money("price").notNull().default("0"),
    rowTotal: money("row_total"),
    taxAmount: money("tax_amount"),
    discountAmount: money("discount_amount"),
    ...syncedTimes(),
  },
  (t) => [
    uniqueIndex("magento_cart_items_channel_origin_key").on(t.channelId, t.originId),
    index("magento_cart_items_cart_idx").on(t.cartId),
    index("magento_cart_items_sku_idx").on(t.sku),
  ],
);

export const magentoOrders = pgTable(
  "magento_orders",
  {
    id: id(),
    channelId: channelId(),
    originId: originId().notNull(),
    incrementId: text("increment_id").notNull(),
    // The cart (quote) this order was placed from.
    quoteOriginId: originId("quote_origin_id"),
    // cart_id, customer_id and store_id are written only from lookups of existing rows in the
    // order's own upsert; per-row foreign key checks on them were a fifth of an order page's
    // database time, so statement-level triggers (migration 0009) set them null when the cart,
    // customer or store is deleted, as ON DELETE SET NULL did.
    cartId: ref("cart_id"),
    state: text("state").notNull(),
    status: text("status").notNull(),
    customerId: ref("customer_id"),
    customerOriginId: originId("customer_origin_id"),
    isGuest: boolean("is_guest").notNull().default(false),
    customerEmail: text("customer_email"),
    customerFirstName: text("customer_first_name"),
    customerLastName: text("customer_last_name"),
    customerGroupOriginId: originId("customer_group_origin_id"),
    storeId: ref("store_id"),
    storeOriginId: originId("store_origin_id"),
    grandTotal: money("grand_total").notNull(),
    baseGrandTotal: money("base_grand_total"),
    subtotal: money("subtotal").notNull().default("0"),
    taxAmount: money("tax_amount").notNull().default("0"),
    shippingAmount: money("shipping_amount").notNull().default("0"),
    discountAmount: money("discount_amount").notNull().default("0"),
    totalPaid: money("total_paid").notNull().default("0"),
    totalRefunded: money("total_refunded").notNull().default("0"),
    totalCanceled: money("total_canceled").notNull().default("0"),
    totalDue: money("total_due"),
    // Base amounts (the website's base currency) as Magento sent them; null until a sync read them.
    baseSubtotal: money("base_subtotal"),
    baseDiscountAmount: money("base_discount_amount"),
    baseShippingAmount: money("base_shipping_amount"),
    baseTaxAmount: money("base_tax_amount"),
    baseTotalRefunded: money("base_total_refunded"),
    baseTotalCanceled: money("base_total_canceled"),
    baseToGlobalRate: rate("base_to_global_rate"),
    orderCurrencyCode: text("order_currency_code"),
    baseCurrencyCode: text("base_currency_code"),
    globalCurrencyCode: text("global_currency_code"),
    couponCode: text("coupon_code"),
    paymentMethod: text("payment_method"),
    shippingMethod: text("shipping_method"),
    shippingDescription: text("shipping_description"),
    totalItemCount: smallCount("total_item_count"),
    totalQtyOrdered: quantity("total_qty_ordered"),
    billingCountryId: text("billing_country_id"),
    billingRegion: text("billing_region"),
    remoteIp: text("remote_ip"),
    ...syncedTimes(),
  },
  (t) => [
    uniqueIndex("magento_orders_channel_origin_key").on(t.channelId, t.originId),
    index("magento_orders_increment_idx").on(t.channelId, t.incrementId),
    index("magento_orders_quote_idx").on(t.channelId, t.quoteOriginId),
    // Grid: status filter + date range, newest first; trailing columns make page and count index-only.
    index("magento_orders_status_created_idx").on(
      t.status,
      t.remoteCreatedAt.desc().nullsLast(),
      t.id.desc().nullsFirst(),
      t.removedAt,
      t.storeId,
      t.cartId,
    ),
    // Orders grid default order (newest first, id tie-break, exactly as ORDER BY spells it). The
    // trailing columns (removed_at filter, joined store and cart) let deep pages skip by index only.
    index("magento_orders_created_idx").on(
      t.remoteCreatedAt.desc().nullsLast(),
      t.id.desc().nullsFirst(),
      t.removedAt,
      t.storeId,
      t.cartId,
    ),
    index("magento_orders_updated_idx").on(t.remoteUpdatedAt.desc().nullsLast(), t.id.desc().nullsFirst()),
    // Grid search: lower(col) LIKE 'prefix%' (text_pattern_ops: a prefix range scan in any collation).
    index("magento_orders_email_prefix_idx").on(sql`lower(${t.customerEmail}) text_pattern_ops`),
    index("magento_orders_increment_prefix_idx").on(sql`lower(${t.incrementId}) text_pattern_ops`),
    // Global search (lib/search): contains-matches on the order number and the email.
    index("magento_orders_increment_trgm_idx").using("gin", sql`lower(${t.incrementId}) gin_trgm_ops`),
    index("magento_orders_email_trgm_idx").using("gin", sql`lower(${t.customerEmail}) gin_trgm_ops`),
    index("magento_orders_grand_total_idx").on(t.grandTotal.desc().nullsLast(), t.id.desc().nullsFirst()),
    // A customer's orders, newest first (customer page tab and lifetime figures; FK set-null too).
    index("magento_orders_customer_idx").on(t.customerId, t.remoteCreatedAt.desc().nullsLast(), t.id.desc().nullsFirst()),
    index("magento_orders_unlinked_customer_idx")
      .on(t.channelId, t.customerOriginId)
      .where(sql`${t.customerId} IS NULL`),
    // Rollup refresh (lib/sync/rules/rollups.ts): the rows a sync wrote since the last refresh.
    index("magento_orders_synced_idx").on(t.channelId, t.syncedAt),
    // Dashboard: returning customers are a distinct count over a date range, read from orders; this
    // index answers it by an index-only scan (any channel / website), without visiting the table.
    index("magento_orders_created_customer_idx")
      .on(t.remoteCreatedAt, t.channelId, t.customerId, t.state, t.storeId)
      .where(sql`${t.removedAt} IS NULL`),
  ],
);

export const magentoOrderItems = pgTable(
  "magento_order_items",
  {
    id: id(),
    channelId: childChannelId(),
    originId: originId().notNull(),
    // No foreign key: a per-row key check on every item of an initial sync cost ~12 ms a page;
    // rows are only written joined to their order, and the statement-level trigger
    // magento_orders_delete_children (migrations 0008, 0009) removes them with their order.
    orderId: ref("order_id").notNull(),
    orderOriginId: originId("order_origin_id").notNull(),
    parentItemOriginId: originId("parent_item_origin_id"),
    sku: text("sku").notNull(),
    name: text("name"),
    productType: text("product_type"),
    productOriginId: originId("product_origin_id"),
    qtyOrdered: quantity("qty_ordered").notNull().default("0"),
    qtyInvoiced: quantity("qty_invoiced").notNull().default("0"),
    qtyShipped: quantity("qty_shipped").notNull().default("0"),
    qtyRefunded: quantity("qty_refunded").notNull().default("0"),
    qtyCanceled: quantity("qty_canceled").notNull().default("0"),
    price: money("price").notNull().default("0"),
    basePrice: money("base_price"),
    originalPrice: money("original_price"),
    rowTotal: money("row_total").notNull().default("0"),
    taxAmount: money("tax_amount").notNull().default("0"),
    discountAmount: money("discount_amount").notNull().default("0"),
    baseRowTotal: money("base_row_total"),
    baseDiscountAmount: money("base_discount_amount"),
    baseTaxAmount: money("base_tax_amount"),
    ...syncedTimes(),
  },
  (t) => [
    uniqueIndex("magento_order_items_channel_origin_key").on(t.channelId, t.originId),
    index("magento_order_items_order_idx").on(t.orderId),
    index("magento_order_items_sku_idx").on(t.sku),
  ],
);

export const magentoOrderAddresses = pgTable(
  "magento_order_addresses",
  {
    id: id(),
    channelId: childChannelId(),
    originId: originId().notNull(),
    // No foreign key: a per-row key check on every item of an initial sync cost ~12 ms a page;
    // rows are only written joined to their order, and the statement-level trigger
    // magento_orders_delete_children (migrations 0008, 0009) removes them with their order.
    orderId: ref("order_id").notNull(),
    orderOriginId: originId("order_origin_id").notNull(),
    addressType: text("address_type", { enum: ["billing", "shipping"] }).notNull(),
    firstName: text("first_name"),
    lastName: text("last_name"),
    company: text("company"),
    street: text("street").array(),
    city: text("city"),
    region: text("region"),
    regionCode: text("region_code"),
    postcode: text("postcode"),
    countryId: text("country_id"),
    telephone: text("telephone"),
    email: text("email"),
    ...syncedTimes(),
  },
  (t) => [
    uniqueIndex("magento_order_addresses_channel_origin_key").on(t.channelId, t.originId),
    index("magento_order_addresses_order_idx").on(t.orderId),
  ],
);

export const magentoCreditMemos = pgTable(
  "magento_credit_memos",
  {
    id: id(),
    channelId: channelId(),
    originId: originId().notNull(),
    incrementId: text("increment_id"),
    orderId: ref("order_id").references(() => magentoOrders.id, { onDelete: "set null" }),
    orderOriginId: originId("order_origin_id").notNull(),
    customerId: ref("customer_id").references(() => magentoCustomers.id, { onDelete: "set null" }),
    storeId: ref("store_id").references(() => magentoStores.id, { onDelete: "set null" }),
    storeOriginId: originId("store_origin_id"),
    // Magento's creditmemo state: 1 open, 2 refunded, 3 canceled.
    state: smallint("state"),
    grandTotal: money("grand_total").notNull().default("0"),
    baseGrandTotal: money("base_grand_total"),
    subtotal: money("subtotal").notNull().default("0"),
    taxAmount: money("tax_amount").notNull().default("0"),
    shippingAmount: money("shipping_amount").notNull().default("0"),
    discountAmount: money("discount_amount").notNull().default("0"),
    adjustment: money("adjustment").notNull().default("0"),
    adjustmentPositive: money("adjustment_positive").notNull().default("0"),
    adjustmentNegative: money("adjustment_negative").notNull().default("0"),
    baseSubtotal: money("base_subtotal"),
    baseTaxAmount: money("base_tax_amount"),
    baseShippingAmount: money("base_shipping_amount"),
    baseDiscountAmount: money("base_discount_amount"),
    baseAdjustment: money("base_adjustment"),
    baseToGlobalRate: rate("base_to_global_rate"),
    orderCurrencyCode: text("order_currency_code"),
    baseCurrencyCode: text("base_currency_code"),
    globalCurrencyCode: text("global_currency_code"),
    ...syncedTimes(),
  },
  (t) => [
    uniqueIndex("magento_credit_memos_channel_origin_key").on(t.channelId, t.originId),
    index("magento_credit_memos_order_idx").on(t.orderId),
    // Every orders page links the credit memos that arrived before their order (by Magento order id).
    index("magento_credit_memos_order_origin_idx").on(t.channelId, t.orderOriginId),
    index("magento_credit_memos_customer_idx").on(t.customerId),
    index("magento_credit_memos_created_idx").on(t.remoteCreatedAt.desc().nullsLast(), t.id.desc().nullsFirst()),
    index("magento_credit_memos_grand_total_idx").on(t.grandTotal),
    index("magento_credit_memos_state_idx").on(t.channelId, t.state),
    // Rollup refresh (lib/sync/rules/rollups.ts): the memos a sync wrote since the last refresh.
    index("magento_credit_memos_synced_idx").on(t.channelId, t.syncedAt),
    // Global search (lib/search): a memo by its number, exactly or in part.
    index("magento_credit_memos_increment_idx").on(sql`lower(${t.incrementId}) text_pattern_ops`),
    index("magento_credit_memos_increment_trgm_idx").using("gin", sql`lower(${t.incrementId}) gin_trgm_ops`),
  ],
);

export const magentoCreditMemoItems = pgTable(
  "magento_credit_memo_items",
  {
    id: id(),
    channelId: childChannelId(),
    originId: originId().notNull(),
    creditMemoId: ref("credit_memo_id")
      .notNull()
      .references(() => magentoCreditMemos.id, { onDelete: "cascade" }),
    orderItemOriginId: originId("order_item_origin_id"),
    sku: text("sku"),
    name: text("name"),
    qty: quantity("qty").notNull().default("0"),
    price: money("price").notNull().default("0"),
    rowTotal: money("row_total").notNull().default("0"),
    taxAmount: money("tax_amount").notNull().default("0"),
    discountAmount: money("discount_amount").notNull().default("0"),
    ...syncedTimes(),
  },
  (t) => [
    uniqueIndex("magento_credit_memo_items_channel_origin_key").on(t.channelId, t.originId),
    index("magento_credit_memo_items_memo_idx").on(t.creditMemoId),
  ],
);

/**
 * Newsletter subscribers. Core Magento REST has no subscriber route; subscription state comes
 * from customer.extension_attributes.is_subscribed, so origin_id is the subscriber id when an
 * extension exposes one and the customer id otherwise (see lib/sync connectors).
 */
export const magentoNewsletterSubscribers = pgTable(
  "magento_newsletter_subscribers",
  {
    id: id(),
    channelId: channelId(),
    originId: originId().notNull(),
    customerId: ref("customer_id").references(() => magentoCustomers.id, { onDelete: "set null" }),
    customerOriginId: originId("customer_origin_id"),
    email: text("email").notNull(),
    storeId: ref("store_id").references(() => magentoStores.id, { onDelete: "set null" }),
    storeOriginId: originId("store_origin_id"),
    status: text("status", { enum: SUBSCRIBER_STATUSES }).notNull(),
    changedAt: timestamptz("changed_at"),
    portalUpdatedAt: timestamptz("portal_updated_at"),
    ...syncedTimes(),
  },
  (t) => [
    uniqueIndex("magento_newsletter_subscribers_channel_origin_key").on(t.channelId, t.originId),
    check("magento_newsletter_subscribers_status_check", sql`${t.status} in ('subscribed', 'not_active', 'unsubscribed', 'unconfirmed')`),
    index("magento_newsletter_subscribers_status_idx").on(t.channelId, t.status),
    index("magento_newsletter_subscribers_email_idx").on(t.email),
    index("magento_newsletter_subscribers_changed_idx").on(t.changedAt.desc().nullsLast(), t.id.desc().nullsFirst()),
    index("magento_newsletter_subscribers_customer_idx").on(t.customerId),
    // Global search (lib/search): subscribers by a part of the email.
    index("magento_newsletter_subscribers_email_trgm_idx").using("gin", sql`lower(${t.email}) gin_trgm_ops`),
  ],
);
