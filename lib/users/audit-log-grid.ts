import { actionLabel, describeAuditCell } from "@/lib/audit/describe";
import { assertDefinition } from "@/lib/grid/sql";
import type { GridDefinition } from "@/lib/grid/types";

// System › Audit Log (admins only). Aliases: a audit entry, ch channel.

const numericId = "a.entity_id ~ '^[0-9]{1,18}$'";

// What the entry is about, in words; the user's email and the channel's name where known.
const what = `CASE a.entity_type
  WHEN 'user' THEN 'User ' || coalesce(a.details->>'email', '#' || a.entity_id)
  WHEN 'channel' THEN 'Channel ' || coalesce(ch.name, a.details->>'name', '#' || a.entity_id)
  WHEN 'grid' THEN 'List ' || replace(a.entity_id, '_', ' ')
  WHEN 'sync_run' THEN 'Sync run #' || a.entity_id
  WHEN 'address' THEN 'Address ' || a.entity_id
  WHEN 'credit_memos' THEN 'Credit memo #' || a.entity_id
  WHEN 'account' THEN 'Account ' || coalesce(a.details->'target'->>'name', a.details->'source'->>'name', '#' || a.entity_id)
  WHEN 'customer' THEN 'Customer ' || coalesce(a.details->'customer'->>'name', '#' || a.entity_id)
  ELSE initcap(replace(regexp_replace(a.entity_type, 's$', ''), '_', ' ')) || coalesce(' #' || a.entity_id, '')
END`;

// A link where the entity has a page (numeric ids only: they end up in a path).
const whatHref = `CASE
  WHEN a.entity_type = 'user' THEN '/system/users'
  WHEN a.entity_type = 'channel' AND ch.id IS NOT NULL AND ch.deleting_at IS NULL THEN '/system/integrations/' || ch.id
  WHEN a.entity_type = 'sync_run' AND ${numericId} THEN '/system/sync-history/' || a.entity_id
  WHEN a.entity_type = 'orders' AND ${numericId} THEN '/sales/orders/' || a.entity_id
  WHEN a.entity_type = 'carts' AND ${numericId} THEN '/sales/carts/' || a.entity_id
  WHEN a.entity_type = 'customers' AND ${numericId} THEN '/customers/' || a.entity_id
  WHEN a.entity_type = 'credit_memos' AND ${numericId} THEN '/sales/credit-memos/' || a.entity_id
  WHEN a.entity_type = 'account' AND ${numericId} THEN '/customers/accounts/' || a.entity_id
END`;

function entityTypeLabel(value: string): string {
  const words = value.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const auditLogGrid: GridDefinition = assertDefinition({
  id: "audit_log",
  title: "Audit Log",
  noun: "entries",
  from: "audit_log a LEFT JOIN channels ch ON ch.id = a.channel_id",
  where: "true",
  idSql: "a.id",
  channelSql: "a.channel_id",
  defaultSort: { column: "at", direction: "desc" },
  permission: "manage_users",
  // New kinds of entries appear as people work; the filter should offer them at once.
  liveOptions: true,
  columns: [
    { id: "at", label: "When", kind: "date", sql: "a.at" },
    { id: "actor", label: "Who", kind: "choice", sql: "a.actor", options: "distinct", searchable: true },
    { id: "action", label: "Action", kind: "choice", sql: "a.action", options: "distinct", optionLabel: actionLabel },
    { id: "what", label: "What", kind: "text", sql: what, hrefSql: whatHref, sortable: false },
    {
      id: "entity_type",
      label: "Entity type",
      kind: "choice",
      sql: "a.entity_type",
      options: "distinct",
      optionLabel: entityTypeLabel,
      hiddenByDefault: true,
    },
    { id: "channel", label: "Channel", kind: "choice", sql: "ch.name", options: "distinct", hiddenByDefault: true },
    {
      id: "changes",
      label: "Changes",
      kind: "text",
      sql: "jsonb_build_object('action', a.action, 'details', a.details)",
      sortable: false,
      filter: null,
      format: describeAuditCell,
      // What changed is what the log is read for: it stays when the row's Undo needs room.
      priority: 1,
    },
    { id: "subject_email", label: "Subject email", kind: "text", sql: "a.details->>'email'", searchable: true, hiddenByDefault: true },
    { id: "ip", label: "IP", kind: "text", sql: "a.ip", searchable: true, priority: 3 },
  ],
});
