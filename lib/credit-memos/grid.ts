import { customerNameSql } from "@/lib/customers/name";
import { assertDefinition } from "@/lib/grid/sql";
import type { GridDefinition } from "@/lib/grid/types";

// Sales › Credit Memos. Aliases: m memo, o its order.

// A memo refunds in its order's currency; Magento may leave the memo's own code empty.
const memoCurrency = "coalesce(m.order_currency_code, o.order_currency_code)";

const customerName = customerNameSql("o.customer_first_name", "o.customer_last_name");

export const creditMemosGrid: GridDefinition = assertDefinition({
  id: "credit_memos",
  title: "Credit Memos",
  noun: "credit memos",
  from: `magento_credit_memos m
    LEFT JOIN magento_orders o ON o.id = m.order_id`,
  where: "m.removed_at IS NULL",
  idSql: "m.id",
  channelSql: "m.channel_id",
  defaultSort: { column: "created_at", direction: "desc" },
  detailPath: (id) => `/sales/credit-memos/${id}`,
  columns: [
    { id: "increment_id", label: "Memo #", kind: "text", sql: "m.increment_id", searchable: true, card: "title" },
    {
      id: "order",
      label: "Order #",
      kind: "text",
      sql: "o.increment_id",
      searchable: true,
      hrefSql: "CASE WHEN m.order_id IS NULL THEN NULL ELSE '/sales/orders/' || m.order_id END",
    },
    {
      id: "customer",
      label: "Customer",
      kind: "text",
      sql: `coalesce(${customerName}, o.customer_email)`,
      card: "who",
      hrefSql:
        "CASE WHEN coalesce(m.customer_id, o.customer_id) IS NULL THEN NULL ELSE '/customers/' || coalesce(m.customer_id, o.customer_id) END",
    },
    {
      id: "status",
      label: "Status",
      kind: "choice",
      // Magento's creditmemo state codes, as words.
      sql: "CASE m.state WHEN 1 THEN 'open' WHEN 2 THEN 'refunded' WHEN 3 THEN 'canceled' END",
      options: [
        { value: "open", label: "Open" },
        { value: "refunded", label: "Refunded" },
        { value: "canceled", label: "Canceled" },
      ],
      priority: 1,
      card: "status",
    },
    {
      id: "grand_total",
      label: "Grand total",
      kind: "money",
      sql: "m.grand_total",
      currencySql: memoCurrency,
      priority: 1,
      card: "amount",
    },
    { id: "adjustment", label: "Adjustment", kind: "money", sql: "m.adjustment", currencySql: memoCurrency, priority: 3 },
    { id: "created_at", label: "Created", kind: "date", sql: "m.remote_created_at", priority: 1, card: "date" },
  ],
});
