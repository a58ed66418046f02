import { abandonedCartSqlText, lastActivitySql } from "@/lib/sync/rules/abandoned-carts";
import { customerNameSql } from "@/lib/customers/name";
import { assertDefinition } from "@/lib/grid/sql";
import type { ChoiceOption, GridDefinition } from "@/lib/grid/types";

// Reports › Abandoned carts. Aliases: ct cart, ch channel, s store view, w website, u assignee.
// Rows: the carts abandoned now under the one definition (lib/sync/rules/abandoned-carts.ts), each with its
// own channel's abandonment delay. The date range applies to the cart's creation day (the day the
// dashboard counts it on); its age is the whole days since its last change in Magento.

/** Follow-up outcome of an abandoned cart: only these two statuses can be abandoned. */
export const OUTCOME_OPTIONS: readonly ChoiceOption[] = [
  { value: "open", label: "Not contacted" },
  { value: "contacted", label: "Contacted" },
];

// With the default 24 h delay the youngest abandoned cart is one day old; shorter delays (down
// to an hour) land in the first bucket too, so it says "under 3 days" rather than "1–2".
const AGE_DAYS = `floor(extract(epoch FROM now() - ${lastActivitySql("ct")}) / 86400)`;
export const AGE_BUCKETS: readonly ChoiceOption[] = [
  { value: "a_0_2", label: "Under 3 days" },
  { value: "b_3_7", label: "3–7 days" },
  { value: "c_8_30", label: "8–30 days" },
  { value: "d_31_90", label: "31–90 days" },
  { value: "e_90", label: "Over 90 days" },
];
export const AGE_BUCKET_SQL = `CASE WHEN ${AGE_DAYS} <= 2 THEN 'a_0_2' WHEN ${AGE_DAYS} <= 7 THEN 'b_3_7' WHEN ${AGE_DAYS} <= 30 THEN 'c_8_30'
  WHEN ${AGE_DAYS} <= 90 THEN 'd_31_90' ELSE 'e_90' END`;

export const VALUE_BUCKETS: readonly ChoiceOption[] = [
  { value: "a_lt50", label: "Under 50" },
  { value: "b_50_100", label: "50–100" },
  { value: "c_100_250", label: "100–250" },
  { value: "d_250_500", label: "250–500" },
  { value: "e_500", label: "500 and more" },
];
export const VALUE_BUCKET_SQL = `CASE WHEN ct.grand_total < 50 THEN 'a_lt50' WHEN ct.grand_total < 100 THEN 'b_50_100'
  WHEN ct.grand_total < 250 THEN 'c_100_250' WHEN ct.grand_total < 500 THEN 'd_250_500' ELSE 'e_500' END`;

// LEFT JOIN channels: every cart has its channel (foreign key), and an unused LEFT JOIN on a
// primary key is dropped by the planner, so grids that never read ch pay nothing for it.
export const ABANDONED_FROM = `magento_carts ct
    LEFT JOIN channels ch ON ch.id = ct.channel_id
    LEFT JOIN magento_stores s ON s.id = ct.store_id
    LEFT JOIN magento_websites w ON w.id = s.website_id
    LEFT JOIN users u ON u.id = ct.assignee_user_id`;
/** Abandoned now, with the cart's own channel's delay (alias ch of ABANDONED_FROM). */
export const ABANDONED_NOW_SQL = abandonedCartSqlText("ct", "now()", "ch.abandonment_delay_hours");

export const reportAbandonedCartsGrid: GridDefinition = assertDefinition({
  id: "report_abandoned_carts",
  title: "Abandoned carts",
  noun: "abandoned carts",
  from: ABANDONED_FROM,
  where: ABANDONED_NOW_SQL,
  idSql: "ct.id",
  channelSql: "ct.channel_id",
  defaultSort: { column: "grand_total", direction: "desc" },
  detailPath: (id) => `/sales/carts/${id}`,
  report: { dateSql: "ct.remote_created_at", zoneSql: "coalesce(s.timezone, 'UTC')", websiteSql: "s.website_id" },
  columns: [
    { id: "cart_id", label: "Cart #", kind: "number", sql: "ct.origin_id", plain: true },
    {
      id: "customer",
      label: "Customer",
      kind: "text",
      sql: customerNameSql("ct.customer_first_name", "ct.customer_last_name", "ct.customer_email"),
    },
    { id: "email", label: "Email", kind: "text", sql: "ct.customer_email", searchable: true },
    { id: "grand_total", label: "Value", kind: "money", sql: "ct.grand_total", currencySql: "ct.currency_code" },
    { id: "value_bucket", label: "Value band", kind: "choice", sql: VALUE_BUCKET_SQL, options: VALUE_BUCKETS },
    { id: "age_bucket", label: "Age", kind: "choice", sql: AGE_BUCKET_SQL, options: AGE_BUCKETS },
    { id: "outcome", label: "Follow-up", kind: "choice", sql: "ct.status", options: OUTCOME_OPTIONS, badge: true },
    { id: "contacts", label: "Contacts", kind: "number", sql: "ct.contact_count" },
    { id: "last_contact_at", label: "Last contact", kind: "date", sql: "ct.last_contact_at", hiddenByDefault: true },
    { id: "assignee", label: "Assignee", kind: "choice", sql: "u.name", options: "distinct" },
    { id: "items_count", label: "Items", kind: "number", sql: "ct.items_count", hiddenByDefault: true },
    { id: "website", label: "Website", kind: "choice", sql: "w.name", options: "distinct", hiddenByDefault: true },
    { id: "created_at", label: "Created", kind: "date", sql: "ct.remote_created_at" },
    { id: "updated_at", label: "Last activity", kind: "date", sql: lastActivitySql("ct") },
  ],
});
