import "server-only";
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { alias, type PgUpdateSetSource } from "drizzle-orm/pg-core";
import type { Db } from "@/db/client";
import { cartEvents, channels, magentoCarts, magentoOrders, users, type LostReason } from "@/db/schema";
import type { CartStatus } from "@/db/schema/magento";
import { writeAudit } from "@/lib/audit/log";
import { ROLE_PERMISSIONS, ROLES } from "@/lib/auth/permissions";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { abandonedCartCondition } from "@/lib/sync/rules/abandoned-carts";
import { customerName } from "@/lib/customers/name";
import { checkAssign, checkTransition, mayReassign, type CartTransition } from "./follow-up-rules";

// Carrying out the follow-up steps of lib/carts/follow-up-rules.ts: each one locks the cart,
// asks the state machine, changes the status, appends to the cart's timeline and writes the audit
// entry, all in one transaction, so two agents at once cannot both move the same cart.

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type StepResult = { ok: true; from: CartStatus; to: CartStatus } | { ok: false; error: string };

export const LOST_REASON_LABELS: Record<LostReason, string> = {
  price: "Price",
  shipping_cost: "Shipping cost",
  out_of_stock: "Out of stock",
  just_browsing: "Just browsing",
  other: "Other",
};

export type ContactInput = { cartId: number; channel: "call" | "email"; outcome: string; note: string | null };
export type LostInput = { cartId: number; reason: LostReason; reasonText: string | null; note: string | null };

async function lockCart(tx: Tx, cartId: number) {
  const [cart] = await tx
    .select({ id: magentoCarts.id, status: magentoCarts.status, channelId: magentoCarts.channelId, originId: magentoCarts.originId })
    .from(magentoCarts)
    .where(and(eq(magentoCarts.id, cartId), isNull(magentoCarts.removedAt)))
    .for("update");
  return cart ?? null;
}

async function step(
  db: Db,
  user: SessionUser,
  cartId: number,
  transition: CartTransition,
  event: {
    kind: "contact_call" | "contact_email" | "status";
    outcome?: string | null;
    note?: string | null;
    lostReason?: LostReason | null;
  },
  extra: PgUpdateSetSource<typeof magentoCarts> = {},
): Promise<StepResult> {
  requirePermission(user, "work_carts");
  return db.transaction(async (tx) => {
    const cart = await lockCart(tx, cartId);
    if (!cart) return { ok: false, error: "This cart is no longer in the portal." };
    const check = checkTransition({ kind: "user", role: user.role }, cart.status, transition);
    if (!check.ok) return { ok: false, error: check.reason };
    const now = new Date();
    await tx
      .update(magentoCarts)
      .set({
        status: check.to,
        // The sync's note ("Inactive in Magento") no longer describes a cart someone is working.
        statusMessage: null,
        ...(check.to !== cart.status ? { statusChangedAt: now } : {}),
        ...extra,
      })
      .where(eq(magentoCarts.id, cartId));
    await tx.insert(cartEvents).values({
      cartId,
      at: now,
      userId: user.id,
      actor: user.name || user.email,
      kind: event.kind,
      fromStatus: cart.status,
      toStatus: check.to,
      outcome: event.outcome ?? null,
      note: event.note ?? null,
      lostReason: event.lostReason ?? null,
    });
    await writeAudit(tx, {
      userId: user.id,
      actor: user.email,
      action: `cart.${transition}`,
      entityType: "carts",
      entityId: cartId,
      channelId: cart.channelId,
      details: { originId: cart.originId, from: cart.status, to: check.to, ...(event.lostReason ? { reason: event.lostReason } : {}) },
    });
    return { ok: true, from: cart.status, to: check.to };
  });
}

/** A call or email with the customer: open/contacted → contacted. */
export function logContact(db: Db, user: SessionUser, input: ContactInput): Promise<StepResult> {
  return step(
    db,
    user,
    input.cartId,
    "log_contact",
    { kind: input.channel === "call" ? "contact_call" : "contact_email", outcome: input.outcome, note: input.note },
    { lastContactAt: new Date(), contactCount: sql`${magentoCarts.contactCount} + 1` },
  );
}

/** The customer will not buy: open/contacted → lost, with the reason. */
export function markLost(db: Db, user: SessionUser, input: LostInput): Promise<StepResult> {
  const outcome = input.reason === "other" && input.reasonText ? input.reasonText : LOST_REASON_LABELS[input.reason];
  return step(db, user, input.cartId, "mark_lost", { kind: "status", lostReason: input.reason, outcome, note: input.note });
}

/** Back to the queue: contacted/lost → open. */
export function reopenCart(db: Db, user: SessionUser, input: { cartId: number; note: string | null }): Promise<StepResult> {
  return step(db, user, input.cartId, "reopen", { kind: "status", note: input.note });
}

/** Roles that work carts: the people a cart can be assigned to. */
const WORKING_ROLES = ROLES.filter((role) => ROLE_PERMISSIONS[role].includes("work_carts"));

export async function listAssignees(db: Db, user: SessionUser | null): Promise<{ id: number; name: string }[]> {
  requirePermission(user, "view_sales");
  const rows = await db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(eq(users.active, true), inArray(users.role, WORKING_ROLES)))
    .orderBy(asc(users.name), asc(users.id));
  return rows.map((r) => ({ id: r.id, name: r.name || r.email }));
}

export type AssignResult =
  | { ok: true; assigned: number; skipped: number; /** Why each refused cart was left (by cart id). */ refused: Map<number, string> }
  | { ok: false; error: string };

/**
 * Assigns carts to one person (null: unassign). Carts that cannot be assigned (finished, or
 * someone else's where only managers may take over or hand on) are skipped and counted, not
 * failed as a whole, so a bulk assign from the grid reports what it did.
 */
export async function assignCarts(db: Db, user: SessionUser, cartIds: readonly number[], assigneeId: number | null): Promise<AssignResult> {
  requirePermission(user, "work_carts");
  const actor = { role: user.role, userId: user.id };
  if (assigneeId !== null && assigneeId !== user.id && !mayReassign(user.role)) {
    return { ok: false, error: "Only managers and admins assign carts to someone else." };
  }
  if (assigneeId !== null) {
    const [assignee] = await db
      .select({ id: users.id, role: users.role, active: users.active })
      .from(users)
      .where(eq(users.id, assigneeId));
    if (!assignee || !assignee.active || !WORKING_ROLES.includes(assignee.role)) {
      return { ok: false, error: "Carts can only be assigned to an active person who works carts." };
    }
  }
  const ids = [...new Set(cartIds)];
  const holder = alias(users, "holder");
  return db.transaction(async (tx) => {
    const carts = await tx
      .select({
        id: magentoCarts.id,
        status: magentoCarts.status,
        channelId: magentoCarts.channelId,
        originId: magentoCarts.originId,
        assigneeUserId: magentoCarts.assigneeUserId,
        holderActive: holder.active,
        holderRole: holder.role,
        holderName: holder.name,
        holderEmail: holder.email,
      })
      .from(magentoCarts)
      .leftJoin(holder, eq(holder.id, magentoCarts.assigneeUserId))
      .where(and(inArray(magentoCarts.id, ids), isNull(magentoCarts.removedAt)))
      .orderBy(asc(magentoCarts.id))
      .for("update", { of: magentoCarts });
    let assigned = 0;
    const refused = new Map<number, string>();
    for (const cart of carts) {
      if (cart.assigneeUserId === assigneeId) continue;
      // Someone deactivated, or no longer in a role that works carts, holds nothing any more.
      const holds =
        cart.assigneeUserId !== null && cart.holderActive === true && cart.holderRole !== null && WORKING_ROLES.includes(cart.holderRole);
      const check = checkAssign(
        actor,
        { status: cart.status, holderId: holds ? cart.assigneeUserId : null, holderName: cart.holderName || cart.holderEmail },
        assigneeId,
      );
      if (!check.ok) {
        refused.set(cart.id, check.reason);
        continue;
      }
      await tx.update(magentoCarts).set({ assigneeUserId: assigneeId }).where(eq(magentoCarts.id, cart.id));
      await tx.insert(cartEvents).values({
        cartId: cart.id,
        userId: user.id,
        actor: user.name || user.email,
        kind: "assignment",
        fromStatus: cart.status,
        toStatus: cart.status,
        assigneeUserId: assigneeId,
      });
      await writeAudit(tx, {
        userId: user.id,
        actor: user.email,
        action: "cart.assigned",
        entityType: "carts",
        entityId: cart.id,
        channelId: cart.channelId,
        details: { originId: cart.originId, from: cart.assigneeUserId, to: assigneeId },
      });
      assigned++;
    }
    return { ok: true, assigned, skipped: ids.length - assigned, refused };
  });
}

export type CartTimelineEntry = {
  id: number;
  at: Date;
  actor: string;
  kind: string;
  fromStatus: string | null;
  toStatus: string | null;
  outcome: string | null;
  note: string | null;
  lostReason: LostReason | null;
  assignee: string | null;
};

export async function loadCartTimeline(db: Db, user: SessionUser | null, cartId: number): Promise<CartTimelineEntry[]> {
  requirePermission(user, "view_sales");
  const assignee = alias(users, "assignee");
  const rows = await db
    .select({
      id: cartEvents.id,
      at: cartEvents.at,
      actor: cartEvents.actor,
      kind: cartEvents.kind,
      fromStatus: cartEvents.fromStatus,
      toStatus: cartEvents.toStatus,
      outcome: cartEvents.outcome,
      note: cartEvents.note,
      lostReason: cartEvents.lostReason,
      assigneeName: assignee.name,
      assigneeId: cartEvents.assigneeUserId,
    })
    .from(cartEvents)
    .leftJoin(assignee, eq(assignee.id, cartEvents.assigneeUserId))
    .where(eq(cartEvents.cartId, cartId))
    .orderBy(desc(cartEvents.at), desc(cartEvents.id));
  return rows.map(({ assigneeName, assigneeId, ...r }) => ({
    ...r,
    assignee: assigneeId === null ? null : (assigneeName ?? "a former user"),
  }));
}

export type FollowUpRow = {
  id: number;
  originId: number;
  status: CartStatus;
  customer: string | null;
  grandTotal: string | null;
  currency: string | null;
  updatedAt: Date | null;
  lastContactAt: Date | null;
  contactCount: number;
  /** Abandoned now (lib/sync/rules/abandoned-carts.ts); an assigned cart may also still be fresh. */
  abandoned: boolean;
};

/** Abandoned now, with the cart's own channel's delay (needs channels joined). */
const abandonedNow = abandonedCartCondition("magento_carts", { at: sql`now()`, delayHours: sql`${channels.abandonmentDelayHours}` });

function followUpQuery(db: Db) {
  return db
    .select({
      id: magentoCarts.id,
      originId: magentoCarts.originId,
      status: magentoCarts.status,
      email: magentoCarts.customerEmail,
      firstName: magentoCarts.customerFirstName,
      lastName: magentoCarts.customerLastName,
      grandTotal: magentoCarts.grandTotal,
      currency: magentoCarts.currencyCode,
      updatedAt: magentoCarts.remoteUpdatedAt,
      lastContactAt: magentoCarts.lastContactAt,
      contactCount: magentoCarts.contactCount,
      abandoned: sql<boolean>`coalesce(${abandonedNow}, false)`,
    })
    .from(magentoCarts)
    .innerJoin(channels, eq(channels.id, magentoCarts.channelId));
}

type FollowUpSelect = Awaited<ReturnType<ReturnType<typeof followUpQuery>["where"]>>[number];
const toFollowUpRow = ({ email, firstName, lastName, ...r }: FollowUpSelect): FollowUpRow => ({
  ...r,
  abandoned: r.abandoned === true,
  customer: customerName({ firstName, lastName, email }),
});

/**
 * The signed-in person's queue: their carts still to work (open or contacted, abandoned or not
 * yet: a cart taken early stays theirs), most valuable first, then oldest.
 */
export async function listMyFollowUps(db: Db, user: SessionUser | null): Promise<FollowUpRow[]> {
  requirePermission(user, "work_carts");
  const rows = await followUpQuery(db)
    .where(
      and(eq(magentoCarts.assigneeUserId, user.id), inArray(magentoCarts.status, ["open", "contacted"]), isNull(magentoCarts.removedAt)),
    )
    .orderBy(sql`${magentoCarts.grandTotal} DESC NULLS LAST`, sql`${magentoCarts.remoteUpdatedAt} ASC NULLS LAST`, asc(magentoCarts.id))
    .limit(200);
  return rows.map(toFollowUpRow);
}

/** Abandoned carts nobody has taken yet, most valuable first: what a rep can pick up next. */
export async function listAbandonedToTake(db: Db, user: SessionUser | null, limit = 20): Promise<{ rows: FollowUpRow[]; total: number }> {
  requirePermission(user, "work_carts");
  const where = and(isNull(magentoCarts.assigneeUserId), isNull(channels.deletingAt), abandonedNow);
  const [rows, [count]] = await Promise.all([
    followUpQuery(db)
      .where(where)
      .orderBy(sql`${magentoCarts.grandTotal} DESC NULLS LAST`, sql`${magentoCarts.remoteUpdatedAt} ASC NULLS LAST`, asc(magentoCarts.id))
      .limit(limit),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(magentoCarts)
      .innerJoin(channels, eq(channels.id, magentoCarts.channelId))
      .where(where),
  ]);
  return { rows: rows.map(toFollowUpRow), total: Number(count?.n ?? 0) };
}

/** Revenue recovered by follow-up: orders of converted carts, per currency (exact sums in SQL). */
export async function recoveredRevenue(
  db: Db,
  user: SessionUser | null,
): Promise<{ currency: string | null; carts: number; total: string }[]> {
  requirePermission(user, "view_sales");
  return db
    .select({
      currency: magentoOrders.orderCurrencyCode,
      carts: sql<number>`count(*)::int`,
      total: sql<string>`sum(${magentoOrders.grandTotal})::text`,
    })
    .from(magentoCarts)
    .innerJoin(magentoOrders, eq(magentoOrders.id, magentoCarts.orderId))
    .where(and(eq(magentoCarts.status, "converted"), isNull(magentoCarts.removedAt)))
    .groupBy(magentoOrders.orderCurrencyCode)
    .orderBy(asc(magentoOrders.orderCurrencyCode));
}
