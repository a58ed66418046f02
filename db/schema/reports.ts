import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  smallint,
  text,
  unique,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { users } from "./auth";
import { channels } from "./channels";
import { magentoCustomers } from "./magento";
import { createdUpdated, id, money, quantity, timestamptz } from "./columns";

// Issue 8: pre-aggregated figures for the dashboard and reports, RFM scores and saved segments.
// Rollups are derived data: lib/sync/rules/rollups.ts may delete and rebuild any of their days.

const channelRef = () =>
  bigint("channel_id", { mode: "number" })
    .notNull()
    .references(() => channels.id, { onDelete: "cascade" });

const count = (name: string) => integer(name).notNull().default(0);
const total = (name: string) => money(name).notNull().default("0");
// Sums of base amounts × base_to_global_rate: unrounded numeric, so a range's total equals the sum
// over its orders to the last digit however it is split into days and stores.
const exact = (name: string) => numeric(name).notNull().default("0");

/**
 * One row per channel, store and day (the store's local day of Magento's created_at). store_id /
 * website_id are null for rows whose store is not (yet) synced; the key treats null as one value
 * (NULLS NOT DISTINCT). Order figures count by the order's day, cart figures by the cart's day,
 * refunds by the memo's day. Money is in the GLOBAL currency: Magento's base amounts × each
 * record's base_to_global_rate (revenue = Σ (base_subtotal + base_discount_amount) × rate of
 * non-canceled orders — a customer's lifetime value by the same definition, lib/sync/rules/ltv.ts).
 * base_revenue / base_refunds are the store's own base-currency sums (Sales by Period's rows).
 * Records synced before the base amounts were (no rate yet) are counted in unconverted_* and left
 * out of the money, never added in another currency.
 */
export const reportDailySales = pgTable(
  "report_daily_sales",
  {
    channelId: channelRef(),
    websiteId: bigint("website_id", { mode: "number" }),
    storeId: bigint("store_id", { mode: "number" }),
    day: date("day", { mode: "string" }).notNull(),
    orders: count("orders"),
    ordersCanceled: count("orders_canceled"),
    revenue: exact("revenue"),
    grandTotal: exact("grand_total"),
    discountTotal: exact("discount_total"),
    discountedOrders: count("discounted_orders"),
    // Customers whose first non-canceled order was on this day, and distinct others who ordered.
    newCustomers: count("new_customers"),
    returningCustomers: count("returning_customers"),
    returningOrders: count("returning_orders"),
    refunds: exact("refunds"),
    refundsCount: count("refunds_count"),
    cartsCreated: count("carts_created"),
    cartsPurchased: count("carts_purchased"),
    cartsConverted: count("carts_converted"),
    cartsExpired: count("carts_expired"),
    cartsLost: count("carts_lost"),
    cartsOpen: count("carts_open"),
    cartsAbandoned: count("carts_abandoned"),
    abandonedValue: exact("abandoned_value"),
    // Orders (by order day) placed from carts a follow-up contacted.
    recoveredOrders: count("recovered_orders"),
    recoveredRevenue: exact("recovered_revenue"),
    baseRevenue: exact("base_revenue"),
    baseRefunds: exact("base_refunds"),
    baseCurrency: text("base_currency"),
    globalCurrency: text("global_currency"),
    unconvertedOrders: count("unconverted_orders"),
    unconvertedRefunds: count("unconverted_refunds"),
    unconvertedCarts: count("unconverted_carts"),
  },
  (t) => [
    unique("report_daily_sales_key").on(t.channelId, t.storeId, t.day).nullsNotDistinct(),
    index("report_daily_sales_day_idx").on(t.day, t.channelId),
  ],
);

export const REPORT_MIX_KINDS = ["status", "payment", "shipping"] as const;
export type ReportMixKind = (typeof REPORT_MIX_KINDS)[number];

/** Orders per status / payment method / shipping method and day (all statuses, canceled included). */
export const reportDailyMix = pgTable(
  "report_daily_mix",
  {
    channelId: channelRef(),
    websiteId: bigint("website_id", { mode: "number" }),
    storeId: bigint("store_id", { mode: "number" }),
    day: date("day", { mode: "string" }).notNull(),
    kind: text("kind", { enum: REPORT_MIX_KINDS }).notNull(),
    value: text("value").notNull(),
    orders: count("orders"),
    revenue: exact("revenue"),
  },
  (t) => [
    unique("report_daily_mix_key").on(t.channelId, t.storeId, t.day, t.kind, t.value).nullsNotDistinct(),
    index("report_daily_mix_day_idx").on(t.kind, t.day),
    check("report_daily_mix_kind_check", sql`${t.kind} in ('status', 'payment', 'shipping')`),
  ],
);

/** The columns the daily and monthly products rollups share (fresh builders for each table). */
function productFigures() {
  return {
    channelId: channelRef(),
    websiteId: bigint("website_id", { mode: "number" }),
    storeId: bigint("store_id", { mode: "number" }),
    sku: text("sku").notNull(),
    name: text("name"),
    currency: text("currency"),
    qty: quantity("qty").notNull().default("0"),
    // Global currency (`currency` names it).
    revenue: exact("revenue"),
    orders: count("orders"),
    qtyRefunded: quantity("qty_refunded").notNull().default("0"),
  };
}

/**
 * Best sellers per channel, store, UTC day (of the order) and SKU: the top-level order lines of
 * non-canceled orders (a configurable product's child line repeats its parent's). qty = Σ (ordered −
 * canceled), revenue = Σ (row_total − item discount; Magento's item discount is positive), orders =
 * distinct orders with the SKU (an order has one day and store, so these add up over days),
 * name / currency = the greatest seen (as the report shows one per SKU). Refreshed with the other
 * rollups, by the same days.
 */
export const reportDailyProducts = pgTable(
  "report_daily_products",
  {
    day: date("day", { mode: "string" }).notNull(),
    ...productFigures(),
  },
  // Day first: every read is a day range, with or without a channel.
  (t) => [unique("report_daily_products_key").on(t.day, t.channelId, t.storeId, t.sku).nullsNotDistinct()],
);

/**
 * report_daily_products summed per calendar month (month = its first day): a year of a store
 * with thousands of SKUs is ~12 × SKUs rows here instead of ~365 × SKUs. A report range reads its
 * whole months here and only its partial months' days from the daily table. Recomputed from the
 * daily rows for every month whose days a refresh touched.
 */
export const reportMonthlyProducts = pgTable(
  "report_monthly_products",
  {
    month: date("month", { mode: "string" }).notNull(),
    ...productFigures(),
  },
  (t) => [
    unique("report_monthly_products_key").on(t.month, t.channelId, t.storeId, t.sku).nullsNotDistinct(),
    check("report_monthly_products_month_check", sql`extract(day from ${t.month}) = 1`),
  ],
);

/** "As of" times: when a channel's rollups (kind 'daily_sales') or RFM scores (kind 'rfm') were refreshed. */
export const reportRefresh = pgTable(
  "report_refresh",
  {
    channelId: channelRef(),
    kind: text("kind").notNull(),
    refreshedAt: timestamptz("refreshed_at").notNull(),
  },
  (t) => [uniqueIndex("report_refresh_key").on(t.channelId, t.kind)],
);

/** RFM scores per customer (lib/sync/rules/rfm.ts), 1–5 within the customer's channel. */
export const customerRfm = pgTable(
  "customer_rfm",
  {
    customerId: bigint("customer_id", { mode: "number" })
      .primaryKey()
      .references(() => magentoCustomers.id, { onDelete: "cascade" }),
    channelId: channelRef(),
    recencyDays: integer("recency_days"),
    frequency: count("frequency"),
    // Global currency, as the lifetime value (and, as it is, to four decimals).
    monetary: total("monetary"),
    r: smallint("r").notNull(),
    f: smallint("f").notNull(),
    m: smallint("m").notNull(),
    segment: text("segment").notNull(),
    computedAt: timestamptz("computed_at").notNull().defaultNow(),
  },
  (t) => [
    index("customer_rfm_channel_segment_idx").on(t.channelId, t.segment),
    // The dashboard's top customers by lifetime value (monetary is the lifetime value's own rule): a
    // walk down this index, where magento_customers keeps lifetime_value unindexed (HOT updates).
    index("customer_rfm_monetary_idx").on(t.monetary.desc(), t.customerId),
  ],
);

export const SEGMENT_ENTITIES = ["customers", "subscribers", "carts", "accounts"] as const;
export type SegmentEntity = (typeof SEGMENT_ENTITIES)[number];

/** Saved marketing segments: a grid's own URL filter state under a name. */
export const segments = pgTable(
  "segments",
  {
    id: id(),
    name: text("name").notNull(),
    entity: text("entity", { enum: SEGMENT_ENTITIES }).notNull(),
    filters: jsonb("filters").$type<Record<string, unknown>>().notNull().default({}),
    shared: boolean("shared").notNull().default(false),
    ownerUserId: bigint("owner_user_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    ...createdUpdated(),
  },
  (t) => [
    uniqueIndex("segments_owner_name_key").on(t.ownerUserId, t.name),
    check("segments_entity_check", sql`${t.entity} in ('customers', 'subscribers', 'carts', 'accounts')`),
  ],
);
