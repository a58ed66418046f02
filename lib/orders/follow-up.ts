import "server-only";
import { and, desc, eq, gte, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { magentoOrders, orderFollowUps } from "@/db/schema";
import { writeAudit } from "@/lib/audit/log";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { customerName } from "@/lib/customers/name";

// Order follow-up: after an order is complete someone asks the customer how it went. Two states,
// not contacted (no order_follow_ups row) → contacted (the row, with the feedback); once only.

export type FeedbackInput = { orderId: number; feedback: string; note: string | null };
export type FeedbackResult = { ok: true } | { ok: false; error: string };

export async function recordOrderFeedback(db: Db, user: SessionUser, input: FeedbackInput): Promise<FeedbackResult> {
  requirePermission(user, "work_carts");
  return db.transaction(async (tx) => {
    const [order] = await tx
      .select({ id: magentoOrders.id, channelId: magentoOrders.channelId, incrementId: magentoOrders.incrementId })
      .from(magentoOrders)
      .where(and(eq(magentoOrders.id, input.orderId), isNull(magentoOrders.removedAt)))
      .for("update");
    if (!order) return { ok: false, error: "This order is no longer in the portal." };
    // The primary key decides a race between two people: the second one is told, not overwritten.
    const inserted = await tx
      .insert(orderFollowUps)
      .values({ orderId: order.id, userId: user.id, actor: user.name || user.email, feedback: input.feedback, note: input.note })
      .onConflictDoNothing()
      .returning({ orderId: orderFollowUps.orderId });
    if (inserted.length === 0) return { ok: false, error: "Feedback for this order was already recorded." };
    await writeAudit(tx, {
      userId: user.id,
      actor: user.email,
      action: "order.feedback_recorded",
      entityType: "orders",
      entityId: order.id,
      channelId: order.channelId,
      details: { incrementId: order.incrementId, from: "not_contacted", to: "contacted" },
    });
    return { ok: true };
  });
}

export type OrderFollowUp = { contactedAt: Date; actor: string; feedback: string; note: string | null };

export async function loadOrderFollowUp(db: Db, user: SessionUser | null, orderId: number): Promise<OrderFollowUp | null> {
  requirePermission(user, "view_sales");
  const [row] = await db
    .select({
      contactedAt: orderFollowUps.contactedAt,
      actor: orderFollowUps.actor,
      feedback: orderFollowUps.feedback,
      note: orderFollowUps.note,
    })
    .from(orderFollowUps)
    .where(eq(orderFollowUps.orderId, orderId));
  return row ?? null;
}

export type OrderToFollowUp = {
  id: number;
  incrementId: string;
  customer: string | null;
  email: string | null;
  grandTotal: string;
  currency: string | null;
  createdAt: Date | null;
};

/** Complete orders of the last `days` days nobody has asked for feedback yet, newest first. */
export async function listOrdersToFollowUp(db: Db, user: SessionUser | null, days = 30): Promise<OrderToFollowUp[]> {
  requirePermission(user, "work_carts");
  const since = new Date(Date.now() - days * 86_400_000);
  const rows = await db
    .select({
      id: magentoOrders.id,
      incrementId: magentoOrders.incrementId,
      firstName: magentoOrders.customerFirstName,
      lastName: magentoOrders.customerLastName,
      email: magentoOrders.customerEmail,
      grandTotal: magentoOrders.grandTotal,
      currency: magentoOrders.orderCurrencyCode,
      createdAt: magentoOrders.remoteCreatedAt,
    })
    .from(magentoOrders)
    .leftJoin(orderFollowUps, eq(orderFollowUps.orderId, magentoOrders.id))
    .where(
      and(
        eq(magentoOrders.state, "complete"),
        isNull(magentoOrders.removedAt),
        isNull(orderFollowUps.orderId),
        gte(magentoOrders.remoteCreatedAt, since),
      ),
    )
    .orderBy(desc(magentoOrders.remoteCreatedAt), desc(magentoOrders.id))
    .limit(100);
  return rows.map(({ firstName, lastName, ...r }) => ({ ...r, customer: customerName({ firstName, lastName }) }));
}
