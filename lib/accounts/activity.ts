import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import { actionLabel, describeDetails } from "@/lib/audit/describe";
import { requirePermission, type SessionUser } from "@/lib/auth/session";

// What staff did about an account's customers, newest first, a page at a time: follow-up steps on
// their carts (cart_events), feedback asked on their orders, carts converted or created from the
// portal and every other audit entry about a customer, a cart or the account itself, and the
// two-way edits on their way to Magento (outbox). Orders, carts and credit memos themselves have
// their own tabs.

export const ACTIVITY_PAGE_SIZE = 50;

export type AccountActivityEvent = {
  key: string;
  at: Date | null;
  title: string;
  detail: string | null;
  actor: string | null;
  href: string | null;
};

export type AccountActivityPage = { events: AccountActivityEvent[]; page: number; hasMore: boolean };

const CART_EVENT_TITLES: Record<string, string> = {
  contact_call: "Call logged",
  contact_email: "Email logged",
  status: "Status changed",
  assignment: "Assigned",
};

const PUSH_TITLES: Record<string, string> = {
  "customer.update": "Profile change sent to Magento",
  "customer.subscription": "Newsletter change sent to Magento",
  "customer.register": "Registration sent to Magento",
};

const PUSH_STATUS: Record<string, string> = {
  pending: "waiting",
  in_progress: "sending",
  done: "saved in Magento",
  failed: "failed, will retry",
  dead: "failed",
  reverted: "withdrawn",
};

type Row = {
  kind: string;
  id: unknown;
  at: unknown;
  actor: string | null;
  ref_id: unknown;
  label: string | null;
  a: string | null;
  b: string | null;
  c: string | null;
  details: unknown;
};

/** One page (1-based) of an account's activity; the page past the end is empty. */
export async function loadAccountActivity(db: Db, user: SessionUser | null, accountId: number, page = 1): Promise<AccountActivityPage> {
  requirePermission(user, "view_sales");
  const safePage = Number.isSafeInteger(page) && page >= 1 && page <= 10_000 ? page : 1;
  const offset = (safePage - 1) * ACTIVITY_PAGE_SIZE;
  // Each source needs no more than everything up to the end of this page.
  const each = offset + ACTIVITY_PAGE_SIZE + 1;
  const rows = await queryRows<Row>(
    db,
    sql`
    WITH cust AS (SELECT id FROM magento_customers WHERE account_id = ${accountId}),
    carts AS (SELECT id, origin_id FROM magento_carts WHERE customer_id IN (SELECT id FROM cust))
    SELECT * FROM (
      (SELECT 'cart_event' AS kind, e.id, e.at, e.actor, e.cart_id AS ref_id, carts.origin_id::text AS label,
              e.kind AS a, concat_ws(' → ', e.from_status, e.to_status) AS b, concat_ws(' · ', e.outcome, e.lost_reason, e.note) AS c,
              NULL::jsonb AS details
         FROM cart_events e JOIN carts ON carts.id = e.cart_id ORDER BY e.at DESC, e.id DESC LIMIT ${each})
      UNION ALL
      (SELECT 'order_feedback', f.order_id, f.contacted_at, f.actor, f.order_id, o.increment_id, f.feedback, f.note, NULL, NULL
         FROM order_follow_ups f JOIN magento_orders o ON o.id = f.order_id
         WHERE o.customer_id IN (SELECT id FROM cust) ORDER BY f.contacted_at DESC LIMIT ${each})
      UNION ALL
      (SELECT 'audit', l.id, l.at, l.actor, NULL, l.entity_id, l.action, l.entity_type, NULL, l.details
         FROM audit_log l
         WHERE (l.entity_type = 'customer' AND l.entity_id IN (SELECT id::text FROM cust))
            OR (l.entity_type = 'cart' AND l.entity_id IN (SELECT id::text FROM carts))
            OR (l.entity_type = 'account' AND l.entity_id = ${String(accountId)})
         ORDER BY l.at DESC, l.id DESC LIMIT ${each})
      UNION ALL
      (SELECT 'push', x.id, coalesce(x.completed_at, x.created_at), u.email, x.entity_id, NULL, x.kind, x.status, x.last_error, NULL
         FROM outbox x LEFT JOIN users u ON u.id = x.created_by_user_id
         WHERE x.entity_type = 'customer' AND x.entity_id IN (SELECT id FROM cust)
           AND x.kind IN ('customer.update', 'customer.subscription', 'customer.register')
         ORDER BY x.created_at DESC LIMIT ${each})
    ) events
    ORDER BY at DESC NULLS LAST, kind, id DESC
    LIMIT ${ACTIVITY_PAGE_SIZE + 1} OFFSET ${offset}`,
  );
  return {
    events: rows.slice(0, ACTIVITY_PAGE_SIZE).map(toEvent),
    page: safePage,
    hasMore: rows.length > ACTIVITY_PAGE_SIZE,
  };
}

function toEvent(row: Row): AccountActivityEvent {
  const at = row.at === null || row.at === undefined ? null : row.at instanceof Date ? row.at : new Date(String(row.at));
  const id = Number(row.id);
  const ref = row.ref_id === null || row.ref_id === undefined ? null : Number(row.ref_id);
  const nonEmpty = (value: string | null) => (value && value.trim() ? value : null);
  switch (row.kind) {
    case "cart_event":
      return {
        key: `cart-event-${id}`,
        at,
        title: `${CART_EVENT_TITLES[row.a ?? ""] ?? "Follow-up"}: cart ${row.label ?? ""}`.trim(),
        detail: [row.a === "status" ? nonEmpty(row.b) : null, nonEmpty(row.c)].filter(Boolean).join(" · ") || null,
        actor: row.actor,
        href: ref === null ? null : `/sales/carts/${ref}`,
      };
    case "order_feedback":
      return {
        key: `order-feedback-${id}`,
        at,
        title: `Feedback on order #${row.label ?? ""}`,
        detail: [row.a, row.b].filter((v) => v && v.trim()).join(" · ") || null,
        actor: row.actor,
        href: ref === null ? null : `/sales/orders/${ref}`,
      };
    case "push":
      return {
        key: `push-${id}`,
        at,
        title: PUSH_TITLES[row.a ?? ""] ?? "Change sent to Magento",
        detail: [PUSH_STATUS[row.b ?? ""] ?? row.b, row.b === "failed" || row.b === "dead" ? nonEmpty(row.c) : null]
          .filter(Boolean)
          .join(": "),
        actor: row.actor,
        href: ref === null ? null : `/customers/${ref}`,
      };
    default: {
      const action = row.a ?? "";
      const entity = row.b;
      const entityId = row.label && /^\d+$/.test(row.label) ? row.label : null;
      const href =
        entityId === null
          ? null
          : entity === "customer"
            ? `/customers/${entityId}`
            : entity === "cart"
              ? `/sales/carts/${entityId}`
              : entity === "account"
                ? `/customers/accounts/${entityId}`
                : null;
      return {
        key: `audit-${id}`,
        at,
        title: actionLabel(action),
        detail: describeDetails(action, row.details).join(" · ") || null,
        actor: row.actor,
        href,
      };
    }
  }
}
