import { sql } from "drizzle-orm";
import { RFM_SEGMENTS } from "@/lib/sync/rules/rfm";
import { accountInChannel } from "./scope";
import { assertDefinition } from "@/lib/grid/sql";
import type { GridDefinition } from "@/lib/grid/types";

// Customers › Accounts. Aliases: a account, u owner (portal user). The figures are the ones the
// sync keeps on the account (lib/sync/rules/account-figures.ts), in the global currency, so the
// grid sorts and filters them like any column. Accounts merged away by staff are their target now,
// so they are never listed.

export const ACCOUNT_TYPE_OPTIONS = [
  { value: "person", label: "Person" },
  { value: "company", label: "Company" },
] as const;

// An account whose customers are in channels of different global currencies has no single currency
// for its sums: the currency cell stays empty rather than name one of them.
export const ACCOUNT_CURRENCY_SQL = "CASE WHEN a.mixed_currencies THEN NULL ELSE a.currency_code END";

/** The channels of the account's customers, by name (a scalar subquery: read for a page's rows only). */
export const ACCOUNT_CHANNELS_SQL = `(SELECT string_agg(DISTINCT ch.name, ', ' ORDER BY ch.name) FROM magento_customers cc JOIN channels ch ON ch.id = cc.channel_id
        WHERE cc.account_id = a.id AND cc.removed_at IS NULL)`;

export const accountsGrid: GridDefinition = assertDefinition({
  id: "accounts",
  title: "Accounts",
  noun: "accounts",
  from: `accounts a
    LEFT JOIN users u ON u.id = a.owner_user_id`,
  where: "a.merged_into_id IS NULL",
  idSql: "a.id",
  // An account spans channels (a person who bought in two stores): the channel filter keeps the
  // accounts with a customer there, below. This column is a company account's own channel.
  channelSql: "a.channel_id",
  channelCondition: (channelId) => accountInChannel(channelId),
  // Any email of the account's customers, by prefix (magento_customers_email_prefix_idx; customers of
  // an account merged into this one are this one's now). As an array of ids (= ANY(ARRAY(…))),
  // not IN (subquery): ORed with the name's match, Postgres then ORs two index scans (a few ms at
  // 200k accounts) instead of filtering every account (50 ms).
  searchAlso: {
    label: "Email",
    condition: (pattern) =>
      sql`a.id = ANY(ARRAY(SELECT c.account_id FROM magento_customers c
        WHERE lower(c.email) LIKE lower(${pattern}) AND c.account_id IS NOT NULL))`,
  },
  defaultSort: { column: "last_order_at", direction: "desc" },
  detailPath: (id) => `/customers/accounts/${id}`,
  segmentEntity: "accounts",
  columns: [
    { id: "name", label: "Name", kind: "text", sql: "a.name", searchable: true, card: "title" },
    {
      id: "type",
      label: "Type",
      kind: "choice",
      sql: "a.type",
      options: ACCOUNT_TYPE_OPTIONS,
      optionLabel: (value) => ACCOUNT_TYPE_OPTIONS.find((o) => o.value === value)?.label ?? value,
      card: "status",
    },
    { id: "customers_count", label: "Customers", kind: "number", sql: "a.customers_count", priority: 3 },
    {
      id: "lifetime_value",
      label: "Lifetime value",
      kind: "money",
      sql: "a.lifetime_value",
      currencySql: ACCOUNT_CURRENCY_SQL,
      priority: 1,
      card: "amount",
    },
    { id: "orders_count", label: "Orders", kind: "number", sql: "a.orders_count" },
    { id: "refunds_total", label: "Refunds", kind: "money", sql: "a.refunds_total", currencySql: ACCOUNT_CURRENCY_SQL, priority: 3 },
    { id: "last_order_at", label: "Last order", kind: "date", sql: "a.last_order_at", priority: 1, card: "date" },
    { id: "first_order_at", label: "First order", kind: "date", sql: "a.first_order_at", hiddenByDefault: true },
    {
      id: "rfm_segment",
      label: "RFM segment",
      kind: "choice",
      sql: "a.rfm_segment",
      options: RFM_SEGMENTS.map((s) => ({ value: s.id, label: s.label })),
    },
    { id: "owner", label: "Owner", kind: "choice", sql: "u.name", options: "distinct", priority: 3, card: "who" },
    {
      id: "channels",
      label: "Channels",
      kind: "text",
      sql: ACCOUNT_CHANNELS_SQL,
      sortable: false,
      filter: null,
      priority: 3,
    },
  ],
});
