import { sql } from "drizzle-orm";
import { type AnyPgColumn, bigint, boolean, check, index, integer, pgTable, smallint, text, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { channels } from "./channels";
import { createdUpdated, id, money, timestamptz } from "./columns";

// Accounts gather one buyer wherever they bought: every magento_customers row (registered or guest)
// belongs to exactly one. The sync assigns them (lib/sync/rules/accounts.ts); staff merge and move
// (lib/accounts/manage.ts), and the sync never changes an assignment it finds.

export const ACCOUNT_TYPES = ["person", "company"] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export const accounts = pgTable(
  "accounts",
  {
    id: id(),
    name: text("name").notNull(),
    type: text("type", { enum: ACCOUNT_TYPES }).notNull(),
    ownerUserId: bigint("owner_user_id", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
    // What the sync created the account for, so two pages running at once find the same one:
    // "email:<lower email>" (a person) or "company:<channel id>:<lower company name>" /
    // "company:<channel id>:b2b:<Magento company id>". Null for accounts staff made.
    syncKey: text("sync_key"),
    // A company account belongs to the channel whose company it is (company names are per store).
    channelId: bigint("channel_id", { mode: "number" }).references(() => channels.id, { onDelete: "set null" }),
    // Merged away by staff: the account stays (so the merge can be undone) but is shown as its target.
    mergedIntoId: bigint("merged_into_id", { mode: "number" }).references((): AnyPgColumn => accounts.id, { onDelete: "set null" }),
    mergedAt: timestamptz("merged_at"),
    // Figures over the account's customers, in the global currency (lib/sync/rules/account-figures.ts), refreshed
    // after each sync and after every merge or move. The account page computes its own live.
    customersCount: integer("customers_count").notNull().default(0),
    lifetimeValue: money("lifetime_value").notNull().default("0"),
    ordersCount: integer("orders_count").notNull().default(0),
    refundsTotal: money("refunds_total").notNull().default("0"),
    // The global currency of the figures; mixed_currencies when the account's customers are in
    // channels of different global currencies (their sums are then left out, never added up).
    currencyCode: text("currency_code"),
    mixedCurrencies: boolean("mixed_currencies").notNull().default(false),
    firstOrderAt: timestamptz("first_order_at"),
    lastOrderAt: timestamptz("last_order_at"),
    // RFM over all accounts with orders (the customers' rule in lib/sync/rules/rfm.ts, one level up).
    rfmR: smallint("rfm_r"),
    rfmF: smallint("rfm_f"),
    rfmM: smallint("rfm_m"),
    rfmSegment: text("rfm_segment"),
    ...createdUpdated(),
  },
  (t) => [
    uniqueIndex("accounts_sync_key").on(t.syncKey),
    // Global search (lib/search): contains-matches on the name (pg_trgm, as the customers' names).
    index("accounts_name_trgm_idx").using("gin", sql`lower(${t.name}) gin_trgm_ops`),
    // Partial: most accounts have no owner and are not merged away, and the sync inserts accounts
    // at its pages' speed, so an entry per account would only cost.
    index("accounts_owner_idx")
      .on(t.ownerUserId)
      .where(sql`${t.ownerUserId} IS NOT NULL`),
    index("accounts_merged_into_idx")
      .on(t.mergedIntoId)
      .where(sql`${t.mergedIntoId} IS NOT NULL`),
    // Customers › Accounts (lib/accounts/grid.ts) orders by `<column> DESC NULLS LAST, id DESC` over
    // the accounts not merged away: its default order (latest buyers first) and by lifetime value.
    index("accounts_grid_last_order_idx")
      .on(t.lastOrderAt.desc().nullsLast(), t.id.desc().nullsFirst())
      .where(sql`${t.mergedIntoId} IS NULL`),
    index("accounts_grid_lifetime_value_idx")
      .on(t.lifetimeValue.desc().nullsLast(), t.id.desc().nullsFirst())
      .where(sql`${t.mergedIntoId} IS NULL`),
    check("accounts_type_check", sql`${t.type} in ('person', 'company')`),
  ],
);

/**
 * Which account an email belongs to: the first customer with an email decides, and every later
 * customer with it (any channel, any website, guest or registered) joins the same account.
 */
export const accountEmails = pgTable(
  "account_emails",
  {
    email: text("email").primaryKey(),
    // No foreign key (one check per email a sync page claims): the claims of a deleted account go
    // with it by the statement trigger accounts_delete_references (migration 0030).
    accountId: bigint("account_id", { mode: "number" }).notNull(),
  },
  (t) => [
    index("account_emails_account_idx").on(t.accountId),
    // No trigram index here: search finds an account by its customers' emails, whose index exists.
  ],
);
