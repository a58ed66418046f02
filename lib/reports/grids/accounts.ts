import { ACCOUNT_CHANNELS_SQL, ACCOUNT_CURRENCY_SQL, ACCOUNT_TYPE_OPTIONS } from "@/lib/accounts/grid";
import { accountInChannel, accountInWebsite } from "@/lib/accounts/scope";
import { RFM_SEGMENTS } from "@/lib/sync/rules/rfm";
import { assertDefinition } from "@/lib/grid/sql";
import type { GridDefinition } from "@/lib/grid/types";

// Reports › Customers by lifetime value, by account (?by=account). Aliases: a account, u owner.
// Accounts with at least one non-canceled order, by the figures the sync keeps on them (the sums of
// their customers' own, lib/sync/rules/account-figures.ts): all time, in the global currency. The
// channel and website filters keep the accounts with a customer there; the figures stay the
// account's whole. RFM is scored among all accounts (an account spans channels).

export const reportAccountsGrid: GridDefinition = assertDefinition({
  id: "report_accounts",
  title: "Accounts by lifetime value",
  noun: "accounts",
  from: `accounts a
    LEFT JOIN users u ON u.id = a.owner_user_id`,
  where: "a.merged_into_id IS NULL AND a.orders_count > 0",
  idSql: "a.id",
  channelSql: "a.channel_id",
  channelCondition: (channelId) => accountInChannel(channelId),
  defaultSort: { column: "lifetime_value", direction: "desc" },
  detailPath: (id) => `/customers/accounts/${id}`,
  report: { websiteCondition: (websiteId) => accountInWebsite(websiteId) },
  columns: [
    { id: "name", label: "Account", kind: "text", sql: "a.name", searchable: true },
    {
      id: "type",
      label: "Type",
      kind: "choice",
      sql: "a.type",
      options: ACCOUNT_TYPE_OPTIONS,
      optionLabel: (value) => ACCOUNT_TYPE_OPTIONS.find((o) => o.value === value)?.label ?? value,
    },
    { id: "customers_count", label: "Customers", kind: "number", sql: "a.customers_count" },
    { id: "orders_count", label: "Orders", kind: "number", sql: "a.orders_count" },
    { id: "lifetime_value", label: "Lifetime value", kind: "money", sql: "a.lifetime_value", currencySql: ACCOUNT_CURRENCY_SQL },
    {
      id: "refunds_total",
      label: "Refunds",
      kind: "money",
      sql: "a.refunds_total",
      currencySql: ACCOUNT_CURRENCY_SQL,
      hiddenByDefault: true,
    },
    { id: "last_order_at", label: "Last order", kind: "date", sql: "a.last_order_at" },
    { id: "r", label: "R", kind: "number", sql: "a.rfm_r", plain: true },
    { id: "f", label: "F", kind: "number", sql: "a.rfm_f", plain: true },
    { id: "m", label: "M", kind: "number", sql: "a.rfm_m", plain: true },
    {
      id: "segment",
      label: "Segment",
      kind: "choice",
      sql: "a.rfm_segment",
      badge: false,
      options: RFM_SEGMENTS.map((s) => ({ value: s.id, label: s.label })),
    },
    { id: "owner", label: "Owner", kind: "choice", sql: "u.name", options: "distinct", hiddenByDefault: true },
    { id: "channels", label: "Channels", kind: "text", sql: ACCOUNT_CHANNELS_SQL, sortable: false, filter: null, hiddenByDefault: true },
  ],
});
