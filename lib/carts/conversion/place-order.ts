import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { magentoCarts, magentoOrders, outbox } from "@/db/schema";
import { writeAudit } from "@/lib/audit/log";
import type { SessionUser } from "@/lib/auth/session";
import type { MagentoClient } from "@/lib/magento/client";
import {
  attemptKey,
  claimAttempt,
  completedAttempt,
  endAttempt,
  keepClaim,
  recordAttempt,
  rememberResult,
  renewClaim,
  type Claim,
} from "@/lib/outbox/attempt";
import { syncRecord } from "@/lib/sync/sync-record";
import { addressInputSchema, checkAddress } from "@/lib/customers/address";
import { channelClient, loadConvertibleCart, type ClientFactory, type ConvertibleCart } from "./context";
import { isUnclear, refusalOf } from "./refusals";
import { cartIdSchema, paymentChoiceFields, requirePoNumber, shippingChoiceFields } from "./steps";
import { safeErrorMessage } from "@/db/errors";

// Places the order for a cart in Magento exactly once, whatever happens around it.
//
// Each opened form carries a nonce; cart id + nonce is the attempt's idempotency key, one
// `outbox` row (kind cart.convert, kept through lib/outbox/attempt.ts). A repeat of the same
// attempt (double click, browser retry) finds that row; attempts on the same cart (two users) are serialized by locking the cart row
// while one claims the right to call Magento, and a claim lapses (lockMs) if the portal dies.
// A working attempt renews its claim while it waits for Magento, however slow, and renews it once
// more, atomically and only if it is still its own, right before place-order: an attempt that
// stalled past its claim and was taken over never places; it asks Magento by quote id instead.
// Before placing, and after any unclear answer, Magento is asked for an order with the cart's
// quote_id: one found is adopted, never placed again. See docs/conversion.md.

export const OUTBOX_KIND = "cart.convert";

export const placeOrderInputSchema = z
  .object({ cartId: cartIdSchema, address: addressInputSchema, ...shippingChoiceFields, ...paymentChoiceFields })
  .superRefine(requirePoNumber);
export type PlaceOrderInput = z.input<typeof placeOrderInputSchema>;

export type PlacedOrder = {
  /** The portal's order id (null only when the local write is still pending). */
  localId: number | null;
  entityId: number;
  incrementId: string;
  grandTotal: string | null;
  currency: string | null;
};

export type PlaceOrderResult =
  | { ok: true; order: PlacedOrder; adopted: boolean; message: string }
  | { ok: false; error: string; fieldErrors: Record<string, string[]>; order?: { incrementId: string; localId: number | null } };

export interface PlaceOrderOptions {
  client?: ClientFactory;
  /** How long a claim holds before another request may take the attempt over (a crashed portal). */
  lockMs?: number;
  /** How often a working attempt renews its claim (default a third of lockMs; tests stand for a stalled process with a long one). */
  heartbeatMs?: number;
  /** How long a repeat waits for an attempt under way to finish. */
  waitMs?: number;
  /** Test hook, after Magento placed the order and before anything is written locally (a crash there). */
  afterPlace?: (orderEntityId: number) => Promise<void> | void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fail = (error: string, fieldErrors: Record<string, string[]> = {}): PlaceOrderResult => ({ ok: false, error, fieldErrors });

export async function placeOrder(
  db: Db,
  user: SessionUser | null,
  raw: PlaceOrderInput,
  options: PlaceOrderOptions = {},
): Promise<PlaceOrderResult> {
  const parsed = placeOrderInputSchema.safeParse(raw);
  if (!parsed.success) {
    const flat = z.flattenError(parsed.error).fieldErrors as Record<string, string[]>;
    const nested = parsed.error.issues.filter((i) => i.path[0] === "address").map((i) => [String(i.path[1]), i.message] as const);
    const fieldErrors: Record<string, string[]> = { ...flat };
    delete fieldErrors.address;
    for (const [field, message] of nested) (fieldErrors[field] ??= []).push(message);
    return fail("Please correct the highlighted fields.", fieldErrors);
  }
  const input = parsed.data;
  const key = attemptKey(OUTBOX_KIND, input.cartId, input.nonce);

  // A repeat of an attempt that already succeeded answers as the first time did.
  const done = await doneResult(db, key);
  if (done) return done;

  const loaded = await loadConvertibleCart(db, user, input.cartId);
  if (!loaded.ok && loaded.reason === "ordered" && loaded.cart) {
    // This attempt placed the order and the portal died after writing it but before completing:
    // complete it now (the same order, audited once) instead of calling it someone else's.
    const [mine] = await db.select({ result: outbox.result }).from(outbox).where(eq(outbox.idempotencyKey, key));
    const placedId = Number(mine?.result?.orderEntityId);
    if (Number.isSafeInteger(placedId) && placedId > 0) {
      const claim = await claimCart(db, loaded.cart, key, options);
      if (!("attempts" in claim)) return claim;
      const kept = keepClaim(db, claim, options.heartbeatMs);
      try {
        return await finish(db, user!, loaded.cart, claim, (options.client ?? channelClient)(loaded.cart.channel), placedId, true, input);
      } finally {
        kept.stop();
      }
    }
  }
  if (!loaded.ok) {
    return {
      ok: false,
      error: loaded.message,
      fieldErrors: { cart: [loaded.message] },
      ...(loaded.order ? { order: { incrementId: loaded.order.incrementId, localId: loaded.order.id } } : {}),
    };
  }
  const { cart } = loaded;
  await recordAttempt(db, {
    key,
    kind: OUTBOX_KIND,
    channelId: cart.channel.id,
    entityType: "cart",
    entityId: cart.id,
    userId: user!.id,
    payload: { cartOriginId: cart.originId, shipping: `${input.carrierCode}_${input.methodCode}`, payment: input.paymentMethod },
  });

  const claim = await claimCart(db, cart, key, options);
  if (!("attempts" in claim)) return claim;
  const kept = keepClaim(db, claim, options.heartbeatMs);
  try {
    return await placeClaimed(db, user!, cart, claim, input, options);
  } finally {
    kept.stop();
  }
}

/** The attempt once it holds the claim: ask Magento, check the address, place (or adopt). */
async function placeClaimed(
  db: Db,
  user: SessionUser,
  cart: ConvertibleCart,
  claim: Claim,
  input: z.infer<typeof placeOrderInputSchema>,
  options: PlaceOrderOptions,
): Promise<PlaceOrderResult> {
  const client = (options.client ?? channelClient)(cart.channel);
  // An order found in Magento is ours only if one of our attempts already sent place-order;
  // otherwise it was placed elsewhere (the storefront, the admin) and is not our conversion.
  const placedBefore = await placeWasSent(db, cart.id);
  const release = async (error: string) => {
    await endAttempt(db, claim, { status: "failed", lastError: error });
  };

  // Whatever happened before (a lost answer, a crash, another user), an order Magento has is the one.
  let existing: { entityId: number; incrementId: string }[];
  try {
    existing = await client.findOrdersByQuote(cart.originId);
  } catch {
    await release("Magento did not answer the order check.");
    return fail("Magento did not answer; nothing was placed. Try again in a moment.");
  }
  if (existing[0]) {
    if (placedBefore) return finish(db, user, cart, claim, client, existing[0].entityId, true, input);
    return orderedElsewhere(db, cart, client, existing[0], release);
  }

  let countries;
  try {
    countries = await client.listCountries();
  } catch {
    await release("Magento did not answer the directory request.");
    return fail("Magento did not answer; nothing was placed. Try again in a moment.");
  }
  const checked = checkAddress(input.address, countries, cart.email);
  if (!checked.ok) {
    await release("Invalid address.");
    return fail("Please correct the address.", checked.fieldErrors);
  }

  let orderEntityId: number;
  try {
    // Shipping information again at placing time: the review may be minutes old, and Magento's
    // answer is what the order will be built from.
    await client.setShippingInformation(cart.originId, {
      shipping_address: checked.address,
      billing_address: checked.address,
      shipping_carrier_code: input.carrierCode,
      shipping_method_code: input.methodCode,
    });
    // The last moment to find out that this attempt stalled and another took the cart over: renewed
    // and marked "place sent" in one statement, only while the claim is still this attempt's.
    if (!(await renewClaim(db, claim, { placeSentAt: new Date().toISOString() }))) return lostClaim(db, cart, client);
    orderEntityId = await client.placeOrder(cart.originId, {
      method: input.paymentMethod,
      ...(input.paymentMethod === "purchaseorder" && input.poNumber ? { po_number: input.poNumber } : {}),
    });
  } catch (error) {
    // No answer, or "no such active cart": Magento may have placed it (for us or for someone else).
    let found: { entityId: number; incrementId: string } | undefined;
    let checkFailed = false;
    try {
      found = (await client.findOrdersByQuote(cart.originId))[0];
    } catch {
      checkFailed = true;
    }
    if (found) {
      // No answer: the order is the one we just sent. A refusal (404) with an order: placed before us.
      if (isUnclear(error) || placedBefore) return finish(db, user, cart, claim, client, found.entityId, true, input);
      return orderedElsewhere(db, cart, client, found, release);
    }
    const refusal = refusalOf(error);
    if (refusal) {
      await release(refusal.message);
      return fail(refusal.message, { [refusal.field]: [refusal.message] });
    }
    await release(safeErrorMessage(error, "No answer"));
    return fail(
      checkFailed
        ? "Magento did not answer, and we could not yet tell whether the order was placed. Try again: the portal checks Magento before placing again, so no second order is made."
        : "Magento did not answer and placed no order. Try again.",
    );
  }
  // Remembered before anything else, so a retry after a crash here knows the order at once.
  await rememberResult(db, claim.key, { orderEntityId });
  await options.afterPlace?.(orderEntityId);
  return finish(db, user, cart, claim, client, orderEntityId, false, input);
}

const lockMsOf = (options: PlaceOrderOptions) => options.lockMs ?? 120_000;

/**
 * This attempt stalled past its claim and another took the cart over: it places nothing and says
 * what Magento has for the cart's quote id (the attempt that took over records and audits it).
 */
async function lostClaim(db: Db, cart: ConvertibleCart, client: MagentoClient): Promise<PlaceOrderResult> {
  let found: { entityId: number; incrementId: string } | undefined;
  try {
    found = (await client.findOrdersByQuote(cart.originId))[0];
  } catch {
    // Unknown: the message below says to look at the cart.
  }
  if (!found) {
    return fail(
      "Another request took this order over while Magento was slow; this one placed nothing. Reload the cart to see whether it was ordered.",
    );
  }
  const [local] = await db
    .select({ id: magentoOrders.id })
    .from(magentoOrders)
    .where(and(eq(magentoOrders.channelId, cart.channel.id), eq(magentoOrders.originId, found.entityId)));
  const message = `Already ordered: #${found.incrementId}.`;
  return {
    ok: false,
    error: message,
    fieldErrors: { cart: [message] },
    order: { incrementId: found.incrementId, localId: local?.id ?? null },
  };
}

/** Whether any attempt on this cart got as far as sending place-order to Magento. */
async function placeWasSent(db: Db, cartId: number): Promise<boolean> {
  const rows = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        eq(outbox.kind, OUTBOX_KIND),
        eq(outbox.entityType, "cart"),
        eq(outbox.entityId, cartId),
        sql`(${outbox.result} ? 'placeSentAt' OR ${outbox.result} ? 'orderEntityId')`,
      ),
    )
    .limit(1);
  return rows.length > 0;
}

/** An order for the cart that no attempt of ours placed: shown in the portal, not claimed as a conversion. */
async function orderedElsewhere(
  db: Db,
  cart: ConvertibleCart,
  client: MagentoClient,
  order: { entityId: number; incrementId: string },
  release: (error: string) => Promise<void>,
): Promise<PlaceOrderResult> {
  await syncRecord(db, { channelId: cart.channel.id, connector: "orders", originId: order.entityId }, { client });
  await syncCart(db, cart, client);
  const [local] = await db
    .select({ id: magentoOrders.id })
    .from(magentoOrders)
    .where(and(eq(magentoOrders.channelId, cart.channel.id), eq(magentoOrders.originId, order.entityId)));
  const message = `Already ordered: #${order.incrementId}.`;
  await release(`${message} Placed outside the portal.`);
  return {
    ok: false,
    error: message,
    fieldErrors: { cart: [message] },
    order: { incrementId: order.incrementId, localId: local?.id ?? null },
  };
}

/** The cart itself too (now inactive in Magento), so the portal mirrors Magento at once. Best effort: the next sync does it anyway. */
async function syncCart(db: Db, cart: ConvertibleCart, client: MagentoClient): Promise<void> {
  await syncRecord(db, { channelId: cart.channel.id, connector: "carts", originId: cart.originId }, { client });
}

/** The stored answer of an attempt that completed. */
async function doneResult(db: Db, key: string): Promise<PlaceOrderResult | null> {
  const result = await completedAttempt(db, key);
  if (!result?.order) return null;
  const order = result.order as PlacedOrder;
  return { ok: true, order, adopted: Boolean(result.adopted), message: `Order #${order.incrementId} was placed in Magento.` };
}

/**
 * Takes the right to call Magento for this cart: none of its attempts may be under way (a live
 * claim). Waits for a live one to end, then answers as it ended: the same order for the same
 * attempt, "already ordered" for another.
 */
async function claimCart(db: Db, cart: ConvertibleCart, key: string, options: PlaceOrderOptions): Promise<Claim | PlaceOrderResult> {
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  for (;;) {
    const outcome = await claimAttempt(db, key, {
      lockMs: lockMsOf(options),
      // A failed attempt (Magento did not answer, a refusal) may be sent again from the same form.
      retryFailed: true,
      // The cart row lock serializes claims of all attempts on this cart.
      perEntity: {
        kind: OUTBOX_KIND,
        entityType: "cart",
        entityId: cart.id,
        lock: (tx) => tx.select({ id: magentoCarts.id }).from(magentoCarts).where(eq(magentoCarts.id, cart.id)).for("update"),
      },
    });
    if ("claimed" in outcome) return outcome.claimed;
    if ("done" in outcome) return (await doneResult(db, key))!;
    if ("doneElsewhere" in outcome) {
      const order = (outcome.doneElsewhere?.order ?? null) as PlacedOrder | null;
      const message = order ? `Already ordered: #${order.incrementId}.` : "An order was already placed from this cart.";
      return {
        ok: false,
        error: message,
        fieldErrors: { cart: [message] },
        ...(order ? { order: { incrementId: order.incrementId, localId: order.localId } } : {}),
      };
    }
    if ("ended" in outcome) return fail(outcome.ended.lastError ?? "This attempt cannot be taken up again; reload the cart.");
    if (Date.now() > deadline) return fail("This cart is being ordered right now by another request; try again in a moment.");
    await sleep(150);
  }
}

/** Reads the order back, writes it through the sync's one-record path, completes the attempt. */
async function finish(
  db: Db,
  user: SessionUser,
  cart: ConvertibleCart,
  claim: Claim,
  client: MagentoClient,
  orderEntityId: number,
  adopted: boolean,
  input: z.infer<typeof placeOrderInputSchema>,
): Promise<PlaceOrderResult> {
  let order;
  try {
    order = await client.getOrder(orderEntityId);
  } catch {
    await endAttempt(db, claim, { status: "failed", lastError: "Order placed; reading it back failed.", result: { orderEntityId } });
    return fail("Magento placed the order but did not answer when we read it back. Try again to finish: no second order will be placed.");
  }
  // The same writer a sync uses: the order lands, and the orders connector marks the cart purchased and links both.
  let written = await syncRecord(db, { channelId: cart.channel.id, connector: "orders", originId: orderEntityId }, { client });
  for (let i = 0; written.status === "busy" && i < 10; i++) {
    await sleep(300);
    written = await syncRecord(db, { channelId: cart.channel.id, connector: "orders", originId: orderEntityId }, { client });
  }
  await syncCart(db, cart, client);
  const [local] = await db
    .select({ id: magentoOrders.id })
    .from(magentoOrders)
    .where(and(eq(magentoOrders.channelId, cart.channel.id), eq(magentoOrders.originId, orderEntityId)));
  const placed: PlacedOrder = {
    localId: local?.id ?? null,
    entityId: orderEntityId,
    incrementId: order.increment_id ?? String(orderEntityId),
    grandTotal: order.grand_total ?? null,
    currency: order.order_currency_code ?? null,
  };
  const completed = await db.transaction(async (tx) => {
    const mine = await endAttempt(tx, claim, {
      status: "done",
      lastError: null,
      result: { orderEntityId, adopted, order: placed, localWrite: written.status },
    });
    // Once per attempt, by the claim that holds it: a repeat, or an attempt taken over, writes nothing.
    if (!mine) return false;
    await writeAudit(tx, {
      userId: user.id,
      actor: user.email,
      action: "cart.converted",
      entityType: "cart",
      entityId: cart.id,
      channelId: cart.channel.id,
      details: {
        cartOriginId: cart.originId,
        orderEntityId,
        orderIncrementId: placed.incrementId,
        localOrderId: placed.localId,
        adopted,
        shippingMethod: `${input.carrierCode}_${input.methodCode}`,
        paymentMethod: input.paymentMethod,
        totals: {
          subtotal: order.subtotal ?? null,
          shipping: order.shipping_amount ?? null,
          discount: order.discount_amount ?? null,
          tax: order.tax_amount ?? null,
          grandTotal: placed.grandTotal,
          currency: placed.currency,
        },
      },
    });
    return true;
  });
  if (!completed) return (await doneResult(db, claim.key)) ?? fail("This attempt was completed by another request.");
  const late = written.status === "synced" ? "" : " It will appear in the portal with the next sync.";
  return { ok: true, order: placed, adopted, message: `Order #${placed.incrementId} was placed in Magento.${late}` };
}
