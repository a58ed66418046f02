import { assertDefinition } from "@/lib/grid/sql";
import type { ChoiceOption, GridDefinition } from "@/lib/grid/types";

// Reports › Refunds. Aliases: m credit memo, o its order, s store view.
// Magento keeps no reason code on a credit memo; what it refunds says why in practice, so the
// "reason" is what the memo gave back: items (with or without shipping), shipping alone, or only a
// manual adjustment (a goodwill refund). The adjustment columns show Magento's two adjustments.

export const REFUND_REASONS: readonly ChoiceOption[] = [
  { value: "items_shipping", label: "Items and shipping" },
  { value: "items", label: "Items" },
  { value: "shipping", label: "Shipping only" },
  { value: "adjustment", label: "Adjustment only" },
  { value: "other", label: "Other" },
];

export const REFUND_REASON_SQL = `CASE WHEN m.subtotal > 0 AND m.shipping_amount > 0 THEN 'items_shipping'
  WHEN m.subtotal > 0 THEN 'items' WHEN m.shipping_amount > 0 THEN 'shipping'
  WHEN m.adjustment_positive > 0 THEN 'adjustment' ELSE 'other' END`;

export const REFUNDS_FROM = `magento_credit_memos m
    LEFT JOIN magento_orders o ON o.id = m.order_id
    LEFT JOIN magento_stores s ON s.id = m.store_id`;

export const reportRefundsGrid: GridDefinition = assertDefinition({
  id: "report_refunds",
  title: "Refunds",
  noun: "credit memos",
  from: REFUNDS_FROM,
  where: "m.removed_at IS NULL",
  idSql: "m.id",
  channelSql: "m.channel_id",
  defaultSort: { column: "created_at", direction: "desc" },
  detailPath: (id) => `/sales/credit-memos/${id}`,
  report: { dateSql: "m.remote_created_at", zoneSql: "coalesce(s.timezone, 'UTC')", websiteSql: "s.website_id" },
  columns: [
    { id: "increment_id", label: "Memo #", kind: "text", sql: "m.increment_id", searchable: true },
    {
      id: "order",
      label: "Order #",
      kind: "text",
      sql: "o.increment_id",
      searchable: true,
      hrefSql: "CASE WHEN m.order_id IS NULL THEN NULL ELSE '/sales/orders/' || m.order_id END",
    },
    { id: "created_at", label: "Created", kind: "date", sql: "m.remote_created_at" },
    { id: "reason", label: "Reason", kind: "choice", sql: REFUND_REASON_SQL, options: REFUND_REASONS },
    {
      id: "status",
      label: "Status",
      kind: "choice",
      sql: "CASE m.state WHEN 1 THEN 'open' WHEN 2 THEN 'refunded' WHEN 3 THEN 'canceled' END",
      options: [
        { value: "open", label: "Open" },
        { value: "refunded", label: "Refunded" },
        { value: "canceled", label: "Canceled" },
      ],
    },
    { id: "subtotal", label: "Items", kind: "money", sql: "m.subtotal", currencySql: "m.order_currency_code" },
    { id: "shipping_amount", label: "Shipping", kind: "money", sql: "m.shipping_amount", currencySql: "m.order_currency_code" },
    {
      id: "adjustment_positive",
      label: "Adjustment refund",
      kind: "money",
      sql: "m.adjustment_positive",
      currencySql: "m.order_currency_code",
    },
    {
      id: "adjustment_negative",
      label: "Adjustment fee",
      kind: "money",
      sql: "m.adjustment_negative",
      currencySql: "m.order_currency_code",
    },
    { id: "grand_total", label: "Refunded", kind: "money", sql: "m.grand_total", currencySql: "m.order_currency_code" },
  ],
});
