import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { channels, magentoCarts, magentoCustomers } from "@/db/schema";
import { writeAudit } from "@/lib/audit/log";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import type { MagentoClient } from "@/lib/magento/client";
import { MagentoHttpError } from "@/lib/magento/errors";
import {
  attemptKey,
  claimAttempt,
  completedAttempt,
  endAttempt,
  recordAttempt,
  saveProgress,
  waitForAttempt,
  type AttemptResult,
  type ClaimOutcome,
} from "@/lib/outbox/attempt";
import { createChannelClient } from "@/lib/sync/channel-client";
import { syncRecord } from "@/lib/sync/sync-record";
import type { ChannelRow } from "@/lib/sync/types";
import { safeErrorMessage } from "@/db/errors";
import { countOf } from "@/lib/format/count";

// "New cart" for a registered customer: the cart is created in Magento (POST
// /V1/customers/{id}/carts), the items added one by one, and the cart synced back at once through
// the single-record sync. Each opened form carries a nonce; customer + nonce is the attempt's
// idempotency key, one `outbox` row (kind cart.create) claimed and completed through
// lib/outbox/attempt.ts, as an order's placing is. The row records the Magento cart id, each item
// added and the one being added, so a repeat answers as the first time did, and a retry after a
// crash or a lost answer reads the cart back and adds only what is missing. See docs/conversion.md.

export const OUTBOX_KIND = "cart.create";
const MAX_ITEMS = 20;

const itemSchema = z.object({
  sku: z.string().trim().min(1, "Choose a product.").max(64),
  qty: z
    .string()
    .trim()
    .regex(/^\d+(\.\d{1,4})?$/, "Enter a quantity greater than 0.")
    .refine((q) => Number(q) > 0, "Enter a quantity greater than 0."),
});

export const createCartInputSchema = z.object({
  customerId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  nonce: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, "This form has expired; reload the page."),
  items: z.array(itemSchema).min(1, "Add at least one product.").max(MAX_ITEMS, `At most ${MAX_ITEMS} products per cart.`),
});
export type CreateCartInput = z.input<typeof createCartInputSchema>;

export type CreateCartResult =
  | { ok: true; cartId: number | null; magentoCartId: number; message: string }
  | { ok: false; error: string; fieldErrors: Record<string, string[]> };

export type ClientFactory = (channel: ChannelRow) => MagentoClient;

export type CartCustomer = { id: number; originId: number; email: string; channel: ChannelRow };

export type CustomerLoad = { ok: true; customer: CartCustomer } | { ok: false; message: string };

const fail = (error: string, fieldErrors: Record<string, string[]> = {}): CreateCartResult => ({ ok: false, error, fieldErrors });

/** The customer a new cart is for, and why one may not be created. Checks the permission. */
export async function loadCartCustomer(db: Db, user: SessionUser | null, customerId: number): Promise<CustomerLoad> {
  requirePermission(user, "convert_carts");
  const [row] = await db.select().from(magentoCustomers).where(eq(magentoCustomers.id, customerId));
  if (!row) return { ok: false, message: "This customer is no longer in the portal." };
  if (row.isGuest || row.originId === null) {
    return { ok: false, message: "Guests have no Magento account, and Magento keeps carts for registered customers only." };
  }
  const [channel] = await db.select().from(channels).where(eq(channels.id, row.channelId));
  if (!channel || channel.deletingAt) return { ok: false, message: "This customer's channel no longer exists." };
  if (!channel.active) return { ok: false, message: `The channel ${channel.name} is inactive; activate it to create carts in its store.` };
  return { ok: true, customer: { id: row.id, originId: row.originId, email: row.email, channel: channel as ChannelRow } };
}

type CartAttempt = {
  magentoCartId?: number;
  added?: string[];
  /** The SKU being added when the attempt stopped without Magento's answer: it may be in the cart. */
  sending?: string | null;
  cartId?: number | null;
  message?: string;
};

export async function createCart(
  db: Db,
  user: SessionUser | null,
  raw: CreateCartInput,
  options: { client?: ClientFactory } = {},
): Promise<CreateCartResult> {
  requirePermission(user, "convert_carts");
  const parsed = createCartInputSchema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] === "items" && issue.path.length > 1 ? `items.${String(issue.path[1])}` : String(issue.path[0] ?? "form");
      (fieldErrors[key] ??= []).push(issue.message);
    }
    return fail("Please correct the highlighted fields.", fieldErrors);
  }
  const input = parsed.data;
  // The same product twice becomes one line with both quantities.
  const lines = new Map<string, number>();
  for (const item of input.items) lines.set(item.sku, (lines.get(item.sku) ?? 0) + Number(item.qty));
  const key = attemptKey(OUTBOX_KIND, input.customerId, input.nonce);

  const done = await completedAttempt(db, key);
  if (done) return doneResult(done);

  const loaded = await loadCartCustomer(db, user, input.customerId);
  if (!loaded.ok) return fail(loaded.message, { customer: [loaded.message] });
  const { customer } = loaded;
  const client = (options.client ?? createChannelClient)(customer.channel);

  // Check every line against Magento's catalog before anything is created.
  const skus = [...lines.keys()];
  const fieldErrors: Record<string, string[]> = {};
  await Promise.all(
    skus.map(async (sku) => {
      const qty = lines.get(sku)!;
      const message = await checkLine(client, sku, qty);
      if (message) fieldErrors[`items.${input.items.findIndex((i) => i.sku === sku)}`] = [message];
    }),
  );
  if (Object.keys(fieldErrors).length) return fail("Some products cannot be added; see the highlighted lines.", fieldErrors);

  await recordAttempt(db, {
    key,
    kind: OUTBOX_KIND,
    channelId: customer.channel.id,
    entityType: "customer",
    entityId: customer.id,
    userId: user!.id,
    payload: { customerOriginId: customer.originId, items: skus.map((sku) => ({ sku, qty: String(lines.get(sku)) })) },
  });

  // Only one request at a time works on the attempt: a double submit waits for the first one's
  // answer. The claim lapses after a minute, so a portal that died mid-attempt does not block it for
  // good; a refusal (failed) is the attempt's answer, any other failure leaves it to a retry (pending).
  const outcome = await claimAttempt(db, key, { lockMs: 60_000, retryFailed: false });
  if (!("claimed" in outcome)) return answerOfAnother(db, key, outcome);
  const claim = outcome.claimed;
  const state: CartAttempt = { ...claim.result };
  const save = async (end?: "done" | "pending", lastError = "") => {
    if (end) await endAttempt(db, claim, { status: end, result: state, lastError });
    else await saveProgress(db, claim, state);
  };

  let magentoCartId: number;
  try {
    magentoCartId = await client.createCustomerCart(customer.originId);
    if (state.magentoCartId !== magentoCartId) {
      // Magento answers with the customer's active cart when there is one. Empty, it is as good as
      // new; with items, adding ours would mix two carts: refuse and point to it.
      const existing = await client.listCartItems(magentoCartId);
      if (existing.length > 0) {
        const cartId = await syncedCartId(db, customer.channel.id, magentoCartId);
        const message = "This customer already has an open cart in Magento with items; nothing was added. Open that cart to convert it.";
        await endAttempt(db, claim, { status: "failed", lastError: message });
        return fail(message, { customer: [message], ...(cartId ? { existingCart: [String(cartId)] } : {}) });
      }
      state.magentoCartId = magentoCartId;
      state.added = [];
      await save();
    }
  } catch (error) {
    await save("pending", messageOf(error));
    return fail(`Magento did not create the cart: ${messageOf(error)} Nothing was added; try again.`);
  }

  // An add whose answer never came (a timeout, a dropped connection, the portal stopping
  // mid-request) may have been done by Magento: read the cart back before adding it again.
  if (state.sending) {
    const sending = state.sending;
    try {
      const items = await client.listCartItems(magentoCartId);
      if (items.some((item) => item.sku?.toLowerCase() === sending.toLowerCase())) state.added = [...(state.added ?? []), sending];
    } catch (error) {
      await save("pending", messageOf(error));
      return fail(
        `Magento did not answer when the portal checked cart #${magentoCartId}: ${messageOf(error)} Nothing more was added; submit again.`,
      );
    }
    state.sending = null;
    await save();
  }

  for (const sku of skus) {
    if (state.added?.includes(sku)) continue;
    state.sending = sku;
    await save();
    try {
      await client.addCartItem(magentoCartId, { sku, qty: lines.get(sku)! });
    } catch (error) {
      // Magento's refusal (4xx) surely added nothing; any other failure may have added it.
      const refused = error instanceof MagentoHttpError && error.status < 500;
      if (refused) state.sending = null;
      await save("pending", messageOf(error));
      const index = input.items.findIndex((i) => i.sku === sku);
      const message = refused
        ? `Magento refused ${sku}: ${messageOf(error)} Submit again to add the rest to the same cart.`
        : `Magento did not answer when adding ${sku}: ${messageOf(error)} It may have been added. Submit again: the portal checks the cart in Magento and adds only what is missing.`;
      return fail(message, { [`items.${index}`]: [messageOf(error)] });
    }
    state.added = [...(state.added ?? []), sku];
    state.sending = null;
    await save();
  }

  const synced = await syncRecord(db, { channelId: customer.channel.id, connector: "carts", originId: magentoCartId }, { client });
  state.cartId = await syncedCartId(db, customer.channel.id, magentoCartId);
  state.message =
    synced.status === "synced"
      ? `Cart created in Magento (#${magentoCartId}) with ${countOf(skus.length, "product")}.`
      : `Cart created in Magento (#${magentoCartId}); it shows in the portal after the next sync (${synced.message}).`;
  await save("done", "");
  await writeAudit(db, {
    userId: user!.id,
    actor: user!.email,
    action: "cart.created",
    entityType: "cart",
    entityId: state.cartId ?? magentoCartId,
    channelId: customer.channel.id,
    details: {
      customerId: customer.id,
      customerOriginId: customer.originId,
      magentoCartId,
      items: skus.map((sku) => ({ sku, qty: String(lines.get(sku)) })),
    },
  });
  return { ok: true, cartId: state.cartId ?? null, magentoCartId, message: state.message };
}

async function checkLine(client: MagentoClient, sku: string, qty: number): Promise<string | null> {
  let stock;
  try {
    stock = await client.getStockItem(sku);
  } catch (error) {
    if (statusOf(error) === 404) return `No product with SKU ${sku} in Magento.`;
    return `Magento did not answer for ${sku}; try again.`;
  }
  if (!stock.is_qty_decimal && !Number.isInteger(qty)) return `${sku} is sold in whole units only.`;
  if (!stock.is_in_stock || Number(stock.qty) <= 0) return `${sku} is out of stock.`;
  if (qty > Number(stock.qty)) return `Only ${String(stock.qty)} of ${sku} in stock.`;
  return null;
}

const NOT_CREATED = "The cart was not created; try again.";

/** The answer for a request that did not get the claim: the attempt's own, once it has one. */
async function answerOfAnother(db: Db, key: string, outcome: Exclude<ClaimOutcome, { claimed: unknown }>): Promise<CreateCartResult> {
  if ("done" in outcome) return doneResult(outcome.done);
  if ("ended" in outcome) return fail(outcome.ended.lastError || NOT_CREATED);
  const ended = await waitForAttempt(db, key, { waitMs: 10_000, pollMs: 100 });
  if (!ended) return fail("This cart is still being created; reload the page in a moment.");
  return ended.status === "done" ? doneResult(ended.result ?? {}) : fail(ended.lastError || NOT_CREATED);
}

/** The answer of a completed attempt, as the first request gave it. */
function doneResult(result: AttemptResult): CreateCartResult {
  const r = result as CartAttempt;
  return { ok: true, cartId: r.cartId ?? null, magentoCartId: Number(r.magentoCartId), message: r.message ?? "Cart created." };
}

async function syncedCartId(db: Db, channelId: number, originId: number): Promise<number | null> {
  const [row] = await db
    .select({ id: magentoCarts.id })
    .from(magentoCarts)
    .where(and(eq(magentoCarts.channelId, channelId), eq(magentoCarts.originId, originId), isNull(magentoCarts.removedAt)));
  return row?.id ?? null;
}

function messageOf(error: unknown): string {
  const text = error instanceof MagentoHttpError ? error.magentoMessage : safeErrorMessage(error);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}
