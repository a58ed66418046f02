import { SUBSCRIBER_STATUSES } from "@/db/schema/magento";
import { customerNameSql } from "@/lib/customers/name";
import { assertDefinition } from "@/lib/grid/sql";
import type { GridDefinition } from "@/lib/grid/types";

// Marketing › Newsletter Subscribers. Aliases: ns subscriber, c customer, s store view.
// Subscribers have no page of their own: the customer cell links to the customer.

const STATUS_LABELS: Record<(typeof SUBSCRIBER_STATUSES)[number], string> = {
  subscribed: "Subscribed",
  not_active: "Not active",
  unsubscribed: "Unsubscribed",
  unconfirmed: "Unconfirmed",
};

export const subscribersGrid: GridDefinition = assertDefinition({
  id: "subscribers",
  title: "Newsletter Subscribers",
  noun: "subscribers",
  from: `magento_newsletter_subscribers ns
    LEFT JOIN magento_customers c ON c.id = ns.customer_id
    LEFT JOIN magento_stores s ON s.id = ns.store_id`,
  where: "ns.removed_at IS NULL",
  idSql: "ns.id",
  channelSql: "ns.channel_id",
  defaultSort: { column: "changed_at", direction: "desc" },
  segmentEntity: "subscribers",
  columns: [
    { id: "email", label: "Email", kind: "text", sql: "ns.email", searchable: true, card: "title" },
    {
      id: "customer",
      label: "Customer",
      kind: "text",
      sql: customerNameSql("c.first_name", "c.last_name"),
      card: "who",
      hrefSql: "CASE WHEN ns.customer_id IS NULL THEN NULL ELSE '/customers/' || ns.customer_id END",
    },
    { id: "store", label: "Store", kind: "choice", sql: "s.name", options: "distinct", priority: 3 },
    {
      id: "status",
      label: "Status",
      kind: "choice",
      sql: "ns.status",
      options: SUBSCRIBER_STATUSES.map((value) => ({ value, label: STATUS_LABELS[value] })),
      priority: 1,
      card: "status",
    },
    { id: "changed_at", label: "Changed", kind: "date", sql: "ns.changed_at", priority: 1, card: "date" },
    // A customer account in Magento: what subscribe / unsubscribe change (a guest's subscription has none).
    {
      id: "has_account",
      label: "Has an account",
      kind: "boolean",
      sql: "(ns.customer_id IS NOT NULL AND c.is_guest IS FALSE)",
      hiddenByDefault: true,
    },
  ],
});
