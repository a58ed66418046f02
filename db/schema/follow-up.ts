import { sql } from "drizzle-orm";
import { bigint, check, index, pgTable, text } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { id, timestamptz } from "./columns";
import { magentoCarts, magentoOrders } from "./magento";

// Portal-only follow-up records (never synced): the abandoned-cart timeline and order feedback.

export const CART_EVENT_KINDS = ["contact_call", "contact_email", "status", "assignment"] as const;
export type CartEventKind = (typeof CART_EVENT_KINDS)[number];

export const LOST_REASONS = ["price", "shipping_cost", "out_of_stock", "just_browsing", "other"] as const;
export type LostReason = (typeof LOST_REASONS)[number];

/** One row per follow-up step on a cart: who, when, from → to, and what was said. Never updated. */
export const cartEvents = pgTable(
  "cart_events",
  {
    id: id(),
    cartId: bigint("cart_id", { mode: "number" })
      .notNull()
      .references(() => magentoCarts.id, { onDelete: "cascade" }),
    at: timestamptz("at").notNull().defaultNow(),
    // Null for the sync (an order arrived) or a deleted user; actor keeps the name either way.
    userId: bigint("user_id", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
    actor: text("actor").notNull(),
    kind: text("kind", { enum: CART_EVENT_KINDS }).notNull(),
    fromStatus: text("from_status"),
    toStatus: text("to_status"),
    outcome: text("outcome"),
    note: text("note"),
    lostReason: text("lost_reason", { enum: LOST_REASONS }),
    assigneeUserId: bigint("assignee_user_id", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    index("cart_events_cart_idx").on(t.cartId, t.at),
    check("cart_events_kind_check", sql`${t.kind} in ('contact_call', 'contact_email', 'status', 'assignment')`),
    check(
      "cart_events_lost_reason_check",
      sql`${t.lostReason} is null or ${t.lostReason} in ('price', 'shipping_cost', 'out_of_stock', 'just_browsing', 'other')`,
    ),
  ],
);

/** An order's follow-up: a row exists once the customer was contacted (no row = not contacted). */
export const orderFollowUps = pgTable("order_follow_ups", {
  orderId: bigint("order_id", { mode: "number" })
    .primaryKey()
    .references(() => magentoOrders.id, { onDelete: "cascade" }),
  contactedAt: timestamptz("contacted_at").notNull().defaultNow(),
  userId: bigint("user_id", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
  actor: text("actor").notNull(),
  feedback: text("feedback").notNull(),
  note: text("note"),
});
