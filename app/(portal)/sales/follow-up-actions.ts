"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { protectedAction, type ActionResult } from "@/lib/auth/action";
import { LOST_REASONS } from "@/db/schema/follow-up";
import { assignCarts, logContact, markLost, reopenCart, type StepResult } from "@/lib/carts/follow-up";
import { recordOrderFeedback } from "@/lib/orders/follow-up";
import { countOf } from "@/lib/format/count";

// Follow-up steps on carts and orders (issue 7 §3). The permission is checked here and again in
// lib/carts/follow-up.ts; which step a cart allows is the state machine's call (follow-up-rules.ts).

const recordId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => v || null)
    .optional()
    .transform((v) => v ?? null);

function stepResult(result: StepResult, cartId: number, message: string): ActionResult {
  if (!result.ok) return { ok: false, code: "failed", error: result.error };
  revalidatePath(`/sales/carts/${cartId}`);
  revalidatePath("/sales/follow-ups");
  return { ok: true, message };
}

const contactSchema = z.object({
  cartId: recordId,
  channel: z.enum(["call", "email"], { error: "Choose call or email." }),
  outcome: z.string().trim().min(1, "Say how the contact went.").max(200),
  note: optionalText(2000),
});

export const logContactAction = protectedAction("work_carts", contactSchema, async (input, { db, user }) =>
  stepResult(await logContact(db, user, input), input.cartId, "Contact logged; the cart is contacted."),
);

const lostSchema = z
  .object({
    cartId: recordId,
    reason: z.enum(LOST_REASONS, { error: "Choose a reason." }),
    reasonText: optionalText(200),
    note: optionalText(2000),
  })
  .refine((v) => v.reason !== "other" || v.reasonText !== null, { path: ["reasonText"], message: "Describe the reason." });

export const markLostAction = protectedAction("work_carts", lostSchema, async (input, { db, user }) =>
  stepResult(await markLost(db, user, input), input.cartId, "The cart is marked lost."),
);

const reopenSchema = z.object({ cartId: recordId, note: optionalText(2000) });

export const reopenCartAction = protectedAction("work_carts", reopenSchema, async (input, { db, user }) =>
  stepResult(await reopenCart(db, user, input), input.cartId, "The cart is open again."),
);

const assignSchema = z.object({
  // One id (a cart page) or several (the grid's selection: repeated fields).
  cartIds: z.union([recordId.transform((id) => [id]), z.array(recordId).min(1).max(500, "Assign at most 500 carts at once.")]),
  // "" unassigns.
  assigneeId: z.union([z.literal("").transform(() => null), recordId]),
});

export const assignCartsAction = protectedAction("work_carts", assignSchema, async (input, { db, user }) => {
  const result = await assignCarts(db, user, input.cartIds, input.assigneeId);
  if (!result.ok) return { ok: false, code: "failed", error: result.error };
  // One cart asked for (Take, the cart page) and refused: say why, by name.
  const [only] = input.cartIds.length === 1 ? [...result.refused.values()] : [];
  if (only) return { ok: false, code: "failed", error: only };
  for (const id of input.cartIds) revalidatePath(`/sales/carts/${id}`);
  revalidatePath("/sales/carts");
  revalidatePath("/sales/follow-ups");
  const done = `${countOf(result.assigned, "cart")} ${input.assigneeId === null ? "unassigned" : "assigned"}`;
  return {
    ok: true,
    message: result.skipped ? `${done}; ${result.skipped} left as they were (already so, finished, or not yours to hand on).` : `${done}.`,
  };
});

const feedbackSchema = z.object({
  orderId: recordId,
  feedback: z.string().trim().min(1, "Write down what the customer said.").max(2000),
  note: optionalText(2000),
});

export const recordOrderFeedbackAction = protectedAction("work_carts", feedbackSchema, async (input, { db, user }) => {
  const result = await recordOrderFeedback(db, user, input);
  if (!result.ok) return { ok: false, code: "failed", error: result.error };
  revalidatePath(`/sales/orders/${input.orderId}`);
  revalidatePath("/sales/orders-to-follow-up");
  return { ok: true, message: "Feedback recorded; the order is contacted." };
});
