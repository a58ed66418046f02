import { assertDefinition } from "../query";
import type { ChoiceOption, GridDefinition } from "../types";

// Reports › Abandoned carts. Aliases: ct cart, s store view, w website, u assignee.
// Abandoned = a cart with items that did not become an order by itself: expired in Magento (never
// contacted), or taken up by the follow-up workflow (contacted, converted after it, lost). Purchased
// and still-open carts are not abandoned. The date range applies to the cart's creation day (the
// day the dashboard counts it on); its age is the days since its last activity in Magento.

export const ABANDONED_STATUSES = ["expired", "contacted", "converted", "lost"] as const;

export const OUTCOME_OPTIONS: readonly ChoiceOption[] = [
  { value: "expired", label: "Not contacted" },
  { value: "contacted", label: "Contacted, no answer yet" },
  { value: "converted", label: "Converted after follow-up" },
  { value: "lost", label: "Lost" },
];

// Days since the last activity (UTC days), bucketed; the values sort in age order.
const AGE_DAYS = "((now() AT TIME ZONE 'UTC')::date - (coalesce(ct.remote_updated_at, ct.remote_created_at) AT TIME ZONE 'UTC')::date)";
export const AGE_BUCKETS: readonly ChoiceOption[] = [
  { value: "a_0_1", label: "0–1 days" },
  { value: "b_2_7", label: "2–7 days" },
  { value: "c_8_30", label: "8–30 days" },
  { value: "d_31_90", label: "31–90 days" },
  { value: "e_90", label: "Over 90 days" },
];
export const AGE_BUCKET_SQL = `CASE WHEN ${AGE_DAYS} <= 1 THEN 'a_0_1' WHEN ${AGE_DAYS} <= 7 THEN 'b_2_7' WHEN ${AGE_DAYS} <= 30 THEN 'c_8_30'
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

export const ABANDONED_FROM = `magento_carts ct
    LEFT JOIN magento_stores s ON s.id = ct.store_id
    LEFT JOIN magento_websites w ON w.id = s.website_id
    LEFT JOIN users u ON u.id = ct.assignee_user_id`;
export const ABANDONED_WHERE = `ct.removed_at IS NULL AND ct.items_count > 0 AND ct.status IN (${ABANDONED_STATUSES.map((s) => `'${s}'`).join(", ")})`;

const LOST_REASONS: Record<string, string> = {
  price: "Price", shipping_cost: "Shipping cost", out_of_stock: "Out of stock", just_browsing: "Just browsing", other: "Other",
};

export const reportAbandonedCartsGrid: GridDefinition = assertDefinition({
  id: "report_abandoned_carts",
  title: "Abandoned carts",
  noun: "abandoned carts",
  from: ABANDONED_FROM,
  where: ABANDONED_WHERE,
  idSql: "ct.id",
  channelSql: "ct.channel_id",
  defaultSort: { column: "grand_total", direction: "desc" },
  detailPath: (id) => `/sales/carts/${id}`,
  report: { dateSql: "ct.remote_created_at", zoneSql: "coalesce(s.timezone, 'UTC')", websiteSql: "s.website_id" },
  columns: [
    { id: "cart_id", label: "Cart #", kind: "number", sql: "ct.origin_id", plain: true },
    { id: "customer", label: "Customer", kind: "text", sql: "coalesce(nullif(trim(concat_ws(' ', ct.customer_first_name, ct.customer_last_name)), ''), ct.customer_email)" },
    { id: "email", label: "Email", kind: "text", sql: "ct.customer_email", searchable: true },
    { id: "grand_total", label: "Value", kind: "money", sql: "ct.grand_total", currencySql: "ct.currency_code" },
    { id: "value_bucket", label: "Value band", kind: "choice", sql: VALUE_BUCKET_SQL, options: VALUE_BUCKETS },
    { id: "age_bucket", label: "Age", kind: "choice", sql: AGE_BUCKET_SQL, options: AGE_BUCKETS },
    { id: "outcome", label: "Follow-up outcome", kind: "choice", sql: "ct.status", options: OUTCOME_OPTIONS, badge: true },
    { id: "contacts", label: "Contacts", kind: "number", sql: "ct.contact_count" },
    { id: "last_contact_at", label: "Last contact", kind: "date", sql: "ct.last_contact_at", hiddenByDefault: true },
    {
      id: "lost_reason", label: "Lost reason", kind: "choice", hiddenByDefault: true, sortable: false,
      // The reason given when the follow-up marked the cart lost (its latest such event).
      sql: "(SELECT e.lost_reason FROM cart_events e WHERE e.cart_id = ct.id AND e.lost_reason IS NOT NULL ORDER BY e.at DESC, e.id DESC LIMIT 1)",
      options: Object.entries(LOST_REASONS).map(([value, label]) => ({ value, label })),
    },
    { id: "assignee", label: "Assignee", kind: "choice", sql: "u.name", options: "distinct", hiddenByDefault: true },
    { id: "items_count", label: "Items", kind: "number", sql: "ct.items_count", hiddenByDefault: true },
    { id: "website", label: "Website", kind: "choice", sql: "w.name", options: "distinct", hiddenByDefault: true },
    { id: "created_at", label: "Created", kind: "date", sql: "ct.remote_created_at" },
    { id: "updated_at", label: "Last activity", kind: "date", sql: "ct.remote_updated_at", hiddenByDefault: true },
  ],
});
