import type { CartStatus } from "@/db/schema/magento";
import { can, type Role } from "@/lib/auth/permissions";

// The abandoned-cart follow-up as a state machine: the one place that says which step may happen
// to a cart in which status, and who may take it. Pure (no database): the service in
// lib/carts/follow-up.ts and the sync rule (lib/sync/rules/carts.ts) follow it.
//
//   open ──log_contact──▶ contacted ──log_contact──▶ contacted (repeats)
//   open | contacted ──mark_lost──▶ lost
//   contacted | lost ──reopen──▶ open
//   contacted ──order_arrived──▶ converted   (the sync; recovered revenue)
//   open | expired ──order_arrived──▶ purchased (the sync; no contact, as before)
// converted, purchased and expired are final for people: nothing but the sync moves them.

export const CART_TRANSITIONS = ["log_contact", "mark_lost", "reopen", "order_arrived"] as const;
export type CartTransition = (typeof CART_TRANSITIONS)[number];

/** A person (by role) or the sync, which reports orders from Magento. */
export type WorkflowActor = { kind: "user"; role: Role } | { kind: "sync" };

const TARGETS: Record<CartTransition, Partial<Record<CartStatus, CartStatus>>> = {
  log_contact: { open: "contacted", contacted: "contacted" },
  mark_lost: { open: "lost", contacted: "lost" },
  reopen: { contacted: "open", lost: "open" },
  order_arrived: { contacted: "converted", open: "purchased", expired: "purchased" },
};

/** Steps people take; order_arrived comes only from Magento through the sync. */
const BY_PEOPLE: ReadonlySet<CartTransition> = new Set(["log_contact", "mark_lost", "reopen"]);

/** Statuses a cart can be assigned in: the ones someone can still work on. */
export const ASSIGNABLE_STATUSES: readonly CartStatus[] = ["open", "contacted", "lost"];

export type TransitionCheck = { ok: true; to: CartStatus } | { ok: false; reason: string };

const LABELS: Record<CartTransition, string> = {
  log_contact: "Logging a contact",
  mark_lost: "Marking it lost",
  reopen: "Reopening",
  order_arrived: "Converting",
};

/** Whether `actor` may take `transition` from `from`, and where it leads. */
export function checkTransition(actor: WorkflowActor, from: CartStatus, transition: CartTransition): TransitionCheck {
  if (actor.kind === "user") {
    if (!can(actor.role, "work_carts")) return { ok: false, reason: "Your role does not allow cart follow-up." };
    if (!BY_PEOPLE.has(transition)) return { ok: false, reason: "Only an order from Magento converts a cart." };
  } else if (transition !== "order_arrived") {
    return { ok: false, reason: "The sync only records orders." };
  }
  const to = TARGETS[transition][from];
  if (!to) {
    const hint = from === "lost" ? "; reopen it first" : "";
    return { ok: false, reason: `${LABELS[transition]} is not possible for a ${from} cart${hint}.` };
  }
  return { ok: true, to };
}

/** The transitions `actor` may take from `from` (what the cart page offers). */
export function allowedTransitions(actor: WorkflowActor, from: CartStatus): CartTransition[] {
  return CART_TRANSITIONS.filter((t) => checkTransition(actor, from, t).ok);
}

export type AssignCheck = { ok: true } | { ok: false; reason: string };

/** Managers and admins hand carts to others and take over carts someone else has. */
export function mayReassign(role: Role): boolean {
  return role === "manager" || role === "admin";
}

/**
 * Assigning is not a status change but follows the same rules of who: anyone working carts may
 * take a cart nobody has (or unassign their own); handing a cart to someone else, or taking or
 * unassigning a cart someone else has, is for managers and admins. `holderId`: the person the
 * cart is assigned to while they can still work it (active, in a role that works carts), else null.
 */
export function checkAssign(
  actor: { role: Role; userId: number },
  cart: { status: CartStatus; holderId: number | null; holderName?: string | null },
  to: number | null,
): AssignCheck {
  if (!can(actor.role, "work_carts")) return { ok: false, reason: "Your role does not allow cart follow-up." };
  if (!ASSIGNABLE_STATUSES.includes(cart.status)) return { ok: false, reason: `A ${cart.status} cart is no longer followed up.` };
  if (mayReassign(actor.role)) return { ok: true };
  if (to !== null && to !== actor.userId) return { ok: false, reason: "Only managers and admins assign carts to someone else." };
  if (cart.holderId !== null && cart.holderId !== actor.userId) {
    const who = cart.holderName ? `assigned to ${cart.holderName}` : "assigned to someone else";
    return { ok: false, reason: `This cart is ${who}; only a manager or an administrator can take it over.` };
  }
  return { ok: true };
}
