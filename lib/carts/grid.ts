import { CART_STATUSES } from "@/db/schema/magento";
import { abandonedCartSqlText } from "@/lib/sync/rules/abandoned-carts";
import { customerNameSql } from "@/lib/customers/name";
import { assertDefinition } from "@/lib/grid/sql";
import type { GridDefinition } from "@/lib/grid/types";

// Sales › Shopping Carts. Aliases: ct cart, ch channel, s store view, w website, u assignee (portal user).
// "Abandoned" is the stage of lib/sync/rules/abandoned-carts.ts with the cart's channel's delay, the same
// condition as the Abandoned Carts report, so the list filtered on it shows the report's carts.

const customerName = customerNameSql("ct.customer_first_name", "ct.customer_last_name");
const CART_STATUS_LABELS: Record<(typeof CART_STATUSES)[number], string> = {
  open: "Open",
  contacted: "Contacted",
  expired: "Expired",
  lost: "Lost",
  converted: "Converted",
  purchased: "Purchased",
};

export const cartsGrid: GridDefinition = assertDefinition({
  id: "carts",
  title: "Shopping Carts",
  noun: "carts",
  // The channels join is dropped by the planner unless the Abandoned column is read (primary key).
  from: `magento_carts ct
    LEFT JOIN channels ch ON ch.id = ct.channel_id
    LEFT JOIN magento_stores s ON s.id = ct.store_id
    LEFT JOIN magento_websites w ON w.id = s.website_id
    LEFT JOIN users u ON u.id = ct.assignee_user_id`,
  where: "ct.removed_at IS NULL",
  idSql: "ct.id",
  channelSql: "ct.channel_id",
  // Carts are worked by recency of activity, so newest updated first.
  defaultSort: { column: "updated_at", direction: "desc" },
  detailPath: (id) => `/sales/carts/${id}`,
  segmentEntity: "carts",
  columns: [
    { id: "cart_id", label: "Cart #", kind: "number", sql: "ct.origin_id", plain: true, card: "title" },
    {
      id: "customer",
      label: "Customer",
      kind: "text",
      sql: `coalesce(${customerName}, ct.customer_email)`,
      card: "who",
      hrefSql: "CASE WHEN ct.customer_id IS NULL THEN NULL ELSE '/customers/' || ct.customer_id END",
    },
    { id: "email", label: "Email", kind: "text", sql: "ct.customer_email", searchable: true },
    { id: "items_count", label: "Items", kind: "number", sql: "ct.items_count" },
    { id: "items_qty", label: "Qty", kind: "number", sql: "ct.items_qty", hiddenByDefault: true },
    { id: "subtotal", label: "Subtotal", kind: "money", sql: "ct.subtotal", currencySql: "ct.currency_code", hiddenByDefault: true },
    {
      id: "grand_total",
      label: "Grand total",
      kind: "money",
      sql: "ct.grand_total",
      currencySql: "ct.currency_code",
      priority: 1,
      card: "amount",
    },
    { id: "currency", label: "Currency", kind: "choice", sql: "ct.currency_code", options: "distinct", hiddenByDefault: true },
    {
      id: "status",
      label: "Status",
      kind: "choice",
      sql: "ct.status",
      options: CART_STATUSES.map((value) => ({ value, label: CART_STATUS_LABELS[value] })),
      priority: 1,
      card: "status",
    },
    {
      id: "abandoned",
      label: "Abandoned",
      kind: "boolean",
      sql: `coalesce(${abandonedCartSqlText("ct", "now()", "ch.abandonment_delay_hours")}, false)`,
    },
    { id: "website", label: "Website", kind: "choice", sql: "w.name", options: "distinct", hiddenByDefault: true },
    { id: "store", label: "Store", kind: "choice", sql: "s.name", options: "distinct", hiddenByDefault: true, priority: 3 },
    { id: "billing_country", label: "Country", kind: "choice", sql: "ct.billing_country_id", options: "distinct", hiddenByDefault: true },
    { id: "billing_region", label: "Region", kind: "text", sql: "ct.billing_region", hiddenByDefault: true },
    { id: "created_at", label: "Created", kind: "date", sql: "ct.remote_created_at", hiddenByDefault: true },
    { id: "updated_at", label: "Updated", kind: "date", sql: "ct.remote_updated_at", priority: 1, card: "date" },
    { id: "assignee", label: "Assignee", kind: "choice", sql: "u.name", options: "distinct", priority: 3 },
    { id: "last_contact_at", label: "Last contact", kind: "date", sql: "ct.last_contact_at", priority: 3 },
  ],
});
