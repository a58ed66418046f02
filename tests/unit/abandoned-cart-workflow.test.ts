import { describe, expect, it } from "vitest";
import { CART_STATUSES, type CartStatus } from "@/db/schema/magento";
import { ROLES } from "@/lib/auth/permissions";
import {
  allowedTransitions,
  CART_TRANSITIONS,
  checkAssign,
  checkTransition,
  type CartTransition,
  type WorkflowActor,
} from "@/lib/carts/follow-up-rules";

// Every (actor, status, transition) combination, each with its expected outcome: the allowed ones
// are listed, everything else must be refused.

const PEOPLE_ALLOWED: [CartStatus, CartTransition, CartStatus][] = [
  ["open", "log_contact", "contacted"],
  ["contacted", "log_contact", "contacted"],
  ["open", "mark_lost", "lost"],
  ["contacted", "mark_lost", "lost"],
  ["contacted", "reopen", "open"],
  ["lost", "reopen", "open"],
];
const SYNC_ALLOWED: [CartStatus, CartTransition, CartStatus][] = [
  ["contacted", "order_arrived", "converted"],
  ["open", "order_arrived", "purchased"],
  ["expired", "order_arrived", "purchased"],
];

const ACTORS: { name: string; actor: WorkflowActor; allowed: [CartStatus, CartTransition, CartStatus][] }[] = [
  ...ROLES.map((role) => ({
    name: role,
    actor: { kind: "user", role } as WorkflowActor,
    allowed: role === "viewer" ? [] : PEOPLE_ALLOWED,
  })),
  { name: "sync", actor: { kind: "sync" }, allowed: SYNC_ALLOWED },
];

const cases = ACTORS.flatMap(({ name, actor, allowed }) =>
  CART_STATUSES.flatMap((from) =>
    CART_TRANSITIONS.map((transition) => {
      const hit = allowed.find(([f, t]) => f === from && t === transition);
      return { name, actor, from, transition, to: hit ? hit[2] : null };
    }),
  ),
);

describe("abandoned-cart state machine", () => {
  it("covers every actor × status × transition", () => {
    expect(cases.length).toBe((ROLES.length + 1) * CART_STATUSES.length * CART_TRANSITIONS.length);
  });

  it.each(cases.filter((c) => c.to !== null))("$name may $transition a $from cart → $to", ({ actor, from, transition, to }) => {
    expect(checkTransition(actor, from, transition)).toEqual({ ok: true, to });
    expect(allowedTransitions(actor, from)).toContain(transition);
  });

  it.each(cases.filter((c) => c.to === null))("$name may not $transition a $from cart", ({ actor, from, transition }) => {
    const result = checkTransition(actor, from, transition);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeGreaterThan(0);
    expect(allowedTransitions(actor, from)).not.toContain(transition);
  });

  it("tells a user a lost cart must be reopened before anything else", () => {
    const result = checkTransition({ kind: "user", role: "agent" }, "lost", "log_contact");
    expect(result).toEqual({ ok: false, reason: expect.stringContaining("reopen it first") });
  });

  it("never lets a person convert: a lost cart cannot become converted, not even by the sync", () => {
    for (const role of ROLES) expect(checkTransition({ kind: "user", role }, "contacted", "order_arrived").ok).toBe(false);
    expect(checkTransition({ kind: "sync" }, "lost", "order_arrived").ok).toBe(false);
  });
});

describe("assigning carts", () => {
  const assignable: CartStatus[] = ["open", "contacted", "lost"];
  const ME = 1;
  const SOMEONE = 2;
  // Who has the cart now, and whom it is assigned to (null: unassign).
  const holders = { nobody: null, me: ME, someone: SOMEONE } as const;
  const targets = { me: ME, someone: SOMEONE, nobody: null } as const;
  const assignCases = ROLES.flatMap((role) =>
    CART_STATUSES.flatMap((status) =>
      Object.entries(holders).flatMap(([holder, holderId]) =>
        Object.entries(targets).map(([to, toId]) => ({
          role,
          status,
          holder,
          to,
          holderId,
          toId,
          ok:
            role !== "viewer" &&
            assignable.includes(status) &&
            (role === "manager" || role === "admin" || (to !== "someone" && holder !== "someone")),
        })),
      ),
    ),
  );
  it.each(assignCases)("$role, a $status cart $holder has, assigning to $to → $ok", ({ role, status, holderId, toId, ok }) => {
    expect(checkAssign({ role, userId: ME }, { status, holderId }, toId).ok).toBe(ok);
  });

  it("says who has the cart when an agent may not take it over", () => {
    expect(checkAssign({ role: "agent", userId: ME }, { status: "open", holderId: SOMEONE, holderName: "Dana" }, ME)).toEqual({
      ok: false,
      reason: "This cart is assigned to Dana; only a manager or an administrator can take it over.",
    });
  });
});
