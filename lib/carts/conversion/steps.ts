import { z } from "zod";

// What each step of the "Convert to order" form sends beyond the address (lib/customers/address.ts),
// defined once: the server actions validate the form with these fields and placeOrder validates its
// input with them again, so both refuse the same values with the same words.

export const cartIdSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Step 2: the shipping method chosen among the ones Magento estimated. */
export const shippingChoiceFields = {
  carrierCode: z.string().trim().min(1, "Choose a shipping method.").max(64),
  methodCode: z.string().trim().min(1, "Choose a shipping method.").max(64),
};

/** Step 3: the payment method (with its purchase order number) and the form's nonce, which makes a retry the same attempt. */
export const paymentChoiceFields = {
  nonce: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, "This form has expired; reload the page."),
  paymentMethod: z.string().trim().min(1, "Choose a payment method.").max(64),
  poNumber: z.string().trim().max(64).optional(),
};

/** A purchase order needs its number. */
export function requirePoNumber(v: { paymentMethod: string; poNumber?: string }, ctx: z.RefinementCtx): void {
  if (v.paymentMethod === "purchaseorder" && !v.poNumber)
    ctx.addIssue({ code: "custom", path: ["poNumber"], message: "Enter the purchase order number." });
}
