"use server";

import { z } from "zod";
import { ActionFailure, protectedAction, type ActionResult } from "@/lib/auth/action";
import { addressInputSchema } from "@/lib/customers/address";
import { estimateShipping, reviewOrder, type Review, type ShippingOption } from "@/lib/carts/conversion/options";
import { placeOrder, type PlacedOrder } from "@/lib/carts/conversion/place-order";
import { cartIdSchema, paymentChoiceFields, shippingChoiceFields } from "@/lib/carts/conversion/steps";

// The "Convert to order" form's three steps. Each needs convert_carts (protectedAction checks the
// session and role; lib/carts/conversion checks the permission again) and names only the portal cart id.

const addressFields = addressInputSchema.shape;
const addressStep = z.object({ cartId: cartIdSchema, ...addressFields });
const shippingStep = addressStep.extend(shippingChoiceFields);
const placeStep = shippingStep.extend(paymentChoiceFields);

function addressOf(input: z.infer<typeof addressStep>) {
  const { cartId: _cartId, ...rest } = input;
  void _cartId;
  const picked = Object.fromEntries(Object.keys(addressFields).map((k) => [k, rest[k as keyof typeof rest]]));
  return addressInputSchema.parse(picked);
}

function fromStep<T>(result: { ok: true; data: T } | { ok: false; error: string; fieldErrors: Record<string, string[]> }): ActionResult<T> {
  if (result.ok) return { ok: true, data: result.data };
  throw new ActionFailure(result.error, result.fieldErrors);
}

export const estimateShippingAction = protectedAction(
  "convert_carts",
  addressStep,
  async (input, { db, user }): Promise<ActionResult<ShippingOption[]>> =>
    fromStep(await estimateShipping(db, user, input.cartId, addressOf(input))),
);

export const reviewOrderAction = protectedAction(
  "convert_carts",
  shippingStep,
  async (input, { db, user }): Promise<ActionResult<Review>> =>
    fromStep(await reviewOrder(db, user, input.cartId, addressOf(input), { carrierCode: input.carrierCode, methodCode: input.methodCode })),
);

export const placeOrderAction = protectedAction(
  "convert_carts",
  placeStep,
  async (input, { db, user }): Promise<ActionResult<PlacedOrder>> => {
    const result = await placeOrder(db, user, {
      cartId: input.cartId,
      nonce: input.nonce,
      address: addressOf(input),
      carrierCode: input.carrierCode,
      methodCode: input.methodCode,
      paymentMethod: input.paymentMethod,
      ...(input.poNumber ? { poNumber: input.poNumber } : {}),
    });
    if (!result.ok) throw new ActionFailure(result.error, result.fieldErrors);
    // No revalidatePath: it would re-render this page, which for an ordered cart no longer shows
    // the form and its confirmation; the cart and order pages are dynamic and read fresh anyway.
    return { ok: true, message: result.message, data: result.order };
  },
);
