import { customerNameSql } from "@/lib/customers/name";
import { RFM_SEGMENTS } from "@/lib/sync/rules/rfm";
import { assertDefinition } from "@/lib/grid/sql";
import type { GridDefinition } from "@/lib/grid/types";

// Reports › Customers by lifetime value. Aliases: c customer, rfm its RFM scores, w website.
// Customers with at least one non-canceled order (orders_count counts only those); lifetime value is
// all-time, so the report's date range does not narrow it (the page says so), the website does.

export const reportCustomersGrid: GridDefinition = assertDefinition({
  id: "report_customers",
  title: "Customers by lifetime value",
  noun: "customers",
  from: `magento_customers c
    LEFT JOIN customer_rfm rfm ON rfm.customer_id = c.id
    LEFT JOIN magento_websites w ON w.id = c.website_id`,
  where: "c.removed_at IS NULL AND c.merged_into_id IS NULL AND c.orders_count > 0",
  idSql: "c.id",
  channelSql: "c.channel_id",
  defaultSort: { column: "lifetime_value", direction: "desc" },
  detailPath: (id) => `/customers/${id}`,
  report: { websiteSql: "c.website_id" },
  columns: [
    { id: "name", label: "Customer", kind: "text", sql: customerNameSql("c.first_name", "c.last_name", "c.email") },
    { id: "email", label: "Email", kind: "text", sql: "c.email", searchable: true },
    { id: "website", label: "Website", kind: "choice", sql: "w.name", options: "distinct", hiddenByDefault: true },
    { id: "is_guest", label: "Guest", kind: "boolean", sql: "c.is_guest", hiddenByDefault: true },
    { id: "orders_count", label: "Orders", kind: "number", sql: "c.orders_count" },
    { id: "lifetime_value", label: "Lifetime value", kind: "money", sql: "c.lifetime_value", currencySql: "c.lifetime_currency_code" },
    {
      id: "refunds_total",
      label: "Refunds",
      kind: "money",
      sql: "c.refunds_total",
      currencySql: "c.lifetime_currency_code",
      hiddenByDefault: true,
    },
    {
      id: "days_since_order",
      label: "Days since last order",
      kind: "number",
      sql: "(rfm.recency_days + ((now() AT TIME ZONE 'UTC')::date - (rfm.computed_at AT TIME ZONE 'UTC')::date))",
    },
    { id: "r", label: "R", kind: "number", sql: "rfm.r", plain: true },
    { id: "f", label: "F", kind: "number", sql: "rfm.f", plain: true },
    { id: "m", label: "M", kind: "number", sql: "rfm.m", plain: true },
    {
      id: "segment",
      label: "Segment",
      kind: "choice",
      sql: "rfm.segment",
      badge: false,
      options: RFM_SEGMENTS.map((s) => ({ value: s.id, label: s.label })),
    },
    {
      id: "subscribed",
      label: "Subscribed",
      kind: "choice",
      badge: true,
      hiddenByDefault: true,
      sql: "CASE WHEN c.is_subscribed THEN 'yes' WHEN NOT c.is_subscribed THEN 'no' ELSE 'unknown' END",
      options: [
        { value: "yes", label: "Yes" },
        { value: "no", label: "No" },
        { value: "unknown", label: "Unknown" },
      ],
    },
  ],
});
