import { customerNameSql } from "@/lib/customers/name";
import { assertDefinition } from "@/lib/grid/sql";
import type { GridDefinition } from "@/lib/grid/types";

// Sales › Orders. Aliases: o order, s store view, w website, c customer, ct cart.

const customerName = customerNameSql("o.customer_first_name", "o.customer_last_name");

export const ordersGrid: GridDefinition = assertDefinition({
  id: "orders",
  title: "Orders",
  noun: "orders",
  from: `magento_orders o
    LEFT JOIN magento_stores s ON s.id = o.store_id
    LEFT JOIN magento_websites w ON w.id = s.website_id
    LEFT JOIN magento_carts ct ON ct.id = o.cart_id`,
  where: "o.removed_at IS NULL",
  idSql: "o.id",
  channelSql: "o.channel_id",
  defaultSort: { column: "created_at", direction: "desc" },
  detailPath: (id) => `/sales/orders/${id}`,
  columns: [
    { id: "increment_id", label: "Order #", kind: "text", sql: "o.increment_id", searchable: true, card: "title" },
    {
      id: "customer",
      label: "Customer",
      kind: "text",
      sql: `coalesce(${customerName}, o.customer_email)`,
      card: "who",
      hrefSql: "CASE WHEN o.customer_id IS NULL THEN NULL ELSE '/customers/' || o.customer_id END",
    },
    { id: "email", label: "Email", kind: "text", sql: "o.customer_email", searchable: true },
    { id: "status", label: "Status", kind: "choice", sql: "o.status", options: "distinct", priority: 1, card: "status" },
    { id: "state", label: "State", kind: "choice", sql: "o.state", options: "distinct", hiddenByDefault: true },
    {
      id: "grand_total",
      label: "Grand total",
      kind: "money",
      sql: "o.grand_total",
      currencySql: "o.order_currency_code",
      priority: 1,
      card: "amount",
    },
    { id: "subtotal", label: "Subtotal", kind: "money", sql: "o.subtotal", currencySql: "o.order_currency_code", hiddenByDefault: true },
    { id: "total_paid", label: "Paid", kind: "money", sql: "o.total_paid", currencySql: "o.order_currency_code", hiddenByDefault: true },
    {
      id: "total_refunded",
      label: "Refunded",
      kind: "money",
      sql: "o.total_refunded",
      currencySql: "o.order_currency_code",
      hiddenByDefault: true,
    },
    {
      id: "discount_amount",
      label: "Discount",
      kind: "money",
      sql: "o.discount_amount",
      currencySql: "o.order_currency_code",
      hiddenByDefault: true,
    },
    { id: "coupon_code", label: "Coupon", kind: "text", sql: "o.coupon_code", hiddenByDefault: true },
    { id: "items_count", label: "Items", kind: "number", sql: "o.total_item_count", priority: 3 },
    { id: "payment_method", label: "Payment", kind: "choice", sql: "o.payment_method", options: "distinct", hiddenByDefault: true },
    { id: "shipping_method", label: "Shipping", kind: "choice", sql: "o.shipping_method", options: "distinct", hiddenByDefault: true },
    { id: "website", label: "Website", kind: "choice", sql: "w.name", options: "distinct", hiddenByDefault: true },
    { id: "store", label: "Store", kind: "choice", sql: "s.name", options: "distinct", priority: 3 },
    { id: "billing_country", label: "Country", kind: "choice", sql: "o.billing_country_id", options: "distinct", hiddenByDefault: true },
    { id: "billing_region", label: "Region", kind: "text", sql: "o.billing_region", hiddenByDefault: true },
    { id: "is_guest", label: "Guest", kind: "boolean", sql: "o.is_guest", priority: 3 },
    { id: "created_at", label: "Created", kind: "date", sql: "o.remote_created_at", priority: 1, card: "date" },
    { id: "updated_at", label: "Updated", kind: "date", sql: "o.remote_updated_at", hiddenByDefault: true },
    {
      id: "cart",
      label: "Cart",
      kind: "text",
      sql: "ct.origin_id::text",
      hrefSql: "CASE WHEN o.cart_id IS NULL THEN NULL ELSE '/sales/carts/' || o.cart_id END",
      hiddenByDefault: true,
      sortable: false,
    },
  ],
});
