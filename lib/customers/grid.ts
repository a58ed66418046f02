import { customerNameSql } from "@/lib/customers/name";
import { RFM_SEGMENTS } from "@/lib/sync/rules/rfm";
import { assertDefinition } from "@/lib/grid/sql";
import type { GridDefinition } from "@/lib/grid/types";

// Customers › Magento Customers. Aliases: c customer, g group, w website, s store view.
// Guest records merged into a registered customer are that customer now, so they are left out.

export const customersGrid: GridDefinition = assertDefinition({
  id: "customers",
  title: "Magento Customers",
  noun: "customers",
  from: `magento_customers c
    LEFT JOIN magento_customer_groups g ON g.id = c.group_id
    LEFT JOIN magento_websites w ON w.id = c.website_id
    LEFT JOIN magento_stores s ON s.id = c.store_id
    LEFT JOIN customer_rfm rfm ON rfm.customer_id = c.id`,
  where: "c.removed_at IS NULL AND c.merged_into_id IS NULL",
  idSql: "c.id",
  channelSql: "c.channel_id",
  defaultSort: { column: "created_at", direction: "desc" },
  detailPath: (id) => `/customers/${id}`,
  segmentEntity: "customers",
  columns: [
    { id: "name", label: "Name", kind: "text", sql: customerNameSql("c.first_name", "c.last_name"), card: "title" },
    { id: "last_name", label: "Last name", kind: "text", sql: "c.last_name", searchable: true, hiddenByDefault: true },
    { id: "email", label: "Email", kind: "text", sql: "c.email", searchable: true, card: "who" },
    { id: "group", label: "Group", kind: "choice", sql: "g.code", options: "distinct", priority: 3 },
    { id: "website", label: "Website", kind: "choice", sql: "w.name", options: "distinct", hiddenByDefault: true },
    { id: "store", label: "Store", kind: "choice", sql: "s.name", options: "distinct", hiddenByDefault: true },
    { id: "billing_country", label: "Country", kind: "choice", sql: "c.billing_country_id", options: "distinct", priority: 3 },
    { id: "billing_region", label: "Region", kind: "text", sql: "c.billing_region", hiddenByDefault: true },
    { id: "is_guest", label: "Guest", kind: "boolean", sql: "c.is_guest" },
    {
      id: "subscribed",
      label: "Subscribed",
      kind: "choice",
      badge: true,
      // null = never read from Magento: "unknown", not "no".
      sql: "CASE WHEN c.is_subscribed THEN 'yes' WHEN NOT c.is_subscribed THEN 'no' ELSE 'unknown' END",
      options: [
        { value: "yes", label: "Yes" },
        { value: "no", label: "No" },
        { value: "unknown", label: "Unknown" },
      ],
      card: "status",
    },
    { id: "orders_count", label: "Orders", kind: "number", sql: "c.orders_count", priority: 3 },
    // In the global currency (lib/sync/rules/ltv.ts); null while no order of the customer has base amounts.
    {
      id: "lifetime_value",
      label: "Lifetime value",
      kind: "money",
      sql: "c.lifetime_value",
      currencySql: "c.lifetime_currency_code",
      card: "amount",
    },
    {
      id: "refunds_total",
      label: "Refunds",
      kind: "money",
      sql: "c.refunds_total",
      currencySql: "c.lifetime_currency_code",
      hiddenByDefault: true,
    },
    // From the RFM scores (lib/sync/rules/rfm.ts): recency was measured on computed_at's UTC day, so it
    // moves on by the days since; null for customers with no non-canceled order.
    {
      id: "days_since_order",
      label: "Days since last order",
      kind: "number",
      hiddenByDefault: true,
      sql: "(rfm.recency_days + ((now() AT TIME ZONE 'UTC')::date - (rfm.computed_at AT TIME ZONE 'UTC')::date))",
    },
    {
      id: "rfm_segment",
      label: "RFM segment",
      kind: "choice",
      sql: "rfm.segment",
      options: RFM_SEGMENTS.map((s) => ({ value: s.id, label: s.label })),
      hiddenByDefault: true,
    },
    { id: "created_at", label: "Created", kind: "date", sql: "c.remote_created_at", priority: 1, card: "date" },
    { id: "updated_at", label: "Updated", kind: "date", sql: "c.remote_updated_at", hiddenByDefault: true },
  ],
});
