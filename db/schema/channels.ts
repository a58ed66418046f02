import { sql } from "drizzle-orm";
import { boolean, check, date, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdUpdated, id, timestamptz } from "./columns";

export const CHANNEL_ENTITIES = ["customers", "carts", "orders", "credit_memos", "newsletter_subscribers"] as const;
export type ChannelEntity = (typeof CHANNEL_ENTITIES)[number];

/** One Magento connection. Credentials are an AES-256-GCM blob (lib/secrets), never plain text. */
export const channels = pgTable(
  "channels",
  {
    id: id(),
    name: text("name").notNull(),
    baseUrl: text("base_url").notNull(),
    storeCode: text("store_code").notNull().default("default"),
    adminUrl: text("admin_url"),
    authType: text("auth_type", { enum: ["bearer", "oauth1"] })
      .notNull()
      .default("bearer"),
    credentialsEncrypted: text("credentials_encrypted"),
    active: boolean("active").notNull().default(true),
    twoWaySync: boolean("two_way_sync").notNull().default(false),
    syncPriority: text("sync_priority", { enum: ["magento", "portal"] })
      .notNull()
      .default("magento"),
    // null = every website of the store; otherwise Magento website ids.
    websiteOriginIds: jsonb("website_origin_ids").$type<number[] | null>(),
    guestMode: text("guest_mode", { enum: ["per_email", "per_email_and_name"] })
      .notNull()
      .default("per_email"),
    sharedGuestEmails: jsonb("shared_guest_emails").$type<string[]>().notNull().default([]),
    syncStartDate: date("sync_start_date", { mode: "string" }),
    syncIntervalMinutes: integer("sync_interval_minutes").notNull().default(5),
    // The sync's throttle towards this Magento (requests per second, all connectors together).
    maxRequestsPerSecond: integer("max_requests_per_second").notNull().default(16),
    // The most requests the sync may have waiting on this Magento at once; the client's adaptive
    // budget starts here and eases off when Magento refuses or slows down (lib/magento/limits.ts).
    maxRequestsInFlight: integer("max_requests_in_flight").notNull().default(6),
    cartExpirationDays: integer("cart_expiration_days"),
    // Hours without a change in Magento after which an open or contacted cart counts as abandoned
    // (lib/sync/rules/abandoned-carts.ts).
    abandonmentDelayHours: integer("abandonment_delay_hours").notNull().default(24),
    // Customers with a company (Magento B2B company, or the company of the default billing address)
    // join that company's account in this channel (lib/sync/rules/accounts.ts); off: one account per person.
    groupByCompany: boolean("group_by_company").notNull().default(true),
    entities: jsonb("entities")
      .$type<string[]>()
      .notNull()
      .default([...CHANNEL_ENTITIES]),
    baseCurrencyCode: text("base_currency_code"),
    // Set when an admin deletes the channel; its rows are removed in the background.
    deletingAt: timestamptz("deleting_at"),
    // Set with active = false when the sync stopped the channel by itself (e.g. the Magento behind
    // it was reset or replaced); cleared when the channel is switched on again.
    stoppedReason: text("stopped_reason"),
    stoppedAt: timestamptz("stopped_at"),
    ...createdUpdated(),
  },
  (t) => [
    uniqueIndex("channels_name_key").on(t.name),
    check("channels_sync_interval_check", sql`${t.syncIntervalMinutes} > 0`),
    check("channels_max_requests_per_second_check", sql`${t.maxRequestsPerSecond} between 1 and 100`),
    check("channels_max_requests_in_flight_check", sql`${t.maxRequestsInFlight} between 1 and 32`),
    check("channels_abandonment_delay_hours_check", sql`${t.abandonmentDelayHours} between 1 and 720`),
  ],
);
