"use server";

import { z } from "zod";
import { ActionFailure, protectedAction, type ActionResult } from "@/lib/auth/action";
import { createCart, loadCartCustomer } from "@/lib/carts/create-cart";
import { catalogCurrency, searchProducts, type ProductHit } from "@/lib/carts/products";
import { createChannelClient } from "@/lib/sync/channel-client";

// "New cart" on a customer page: search Magento's products, then create the cart. Both need
// convert_carts (protectedAction checks the session and role; lib/carts checks it again).

const customerId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

export const searchProductsAction = protectedAction(
  "convert_carts",
  z.object({ customerId, q: z.string().trim().min(2, "Type at least 2 characters of a SKU or name.").max(64) }),
  async (input, { db, user }): Promise<ActionResult<ProductHit[]>> => {
    const loaded = await loadCartCustomer(db, user, input.customerId);
    if (!loaded.ok) throw new ActionFailure(loaded.message);
    const currency = await catalogCurrency(db, loaded.customer.channel);
    try {
      const hits = await searchProducts(createChannelClient(loaded.customer.channel), input.q, currency);
      return { ok: true, data: hits, message: hits.length ? undefined : "No products match." };
    } catch {
      throw new ActionFailure("Magento did not answer the search; try again.");
    }
  },
);

export const createCartAction = protectedAction(
  "convert_carts",
  z.object({ customerId, nonce: z.string(), sku: list, qty: list }),
  async (input, { db, user }): Promise<ActionResult<{ cartId: number | null; magentoCartId: number }>> => {
    const items = input.sku.map((sku, i) => ({ sku, qty: input.qty[i] ?? "" }));
    const result = await createCart(db, user, { customerId: input.customerId, nonce: input.nonce, items });
    if (!result.ok) throw new ActionFailure(result.error, result.fieldErrors);
    return { ok: true, message: result.message, data: { cartId: result.cartId, magentoCartId: result.magentoCartId } };
  },
);
