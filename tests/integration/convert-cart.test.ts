import { randomBytes, randomUUID } from "node:crypto";
import { and, count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type Mock } from "vitest";
import { closeDb } from "@/db/client";
import { auditLog, channels, magentoCarts, magentoOrders, outbox } from "@/db/schema";
import { ROLE_PERMISSIONS, type Role } from "@/lib/auth/permissions";
import { ForbiddenError, getSessionUser, type SessionUser } from "@/lib/auth/session";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import type { AddressInput } from "@/lib/customers/address";
import { estimateShipping, loadConversionForm, reviewOrder } from "@/lib/carts/conversion/options";
import { OUTBOX_KIND, placeOrder, type PlaceOrderInput, type PlaceOrderOptions } from "@/lib/carts/conversion/place-order";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { createChannelClient } from "@/lib/sync/channel-client";
import { runChannelSync } from "@/lib/sync/runner";
import type { ChannelRow } from "@/lib/sync/types";
import { rowsOf } from "@/db/rows";
import { createUser } from "@/lib/users/service";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import * as convertActions from "@/app/(portal)/sales/carts/[id]/convert/actions";

// Converting a cart to an order against the in-process simulator and a real Postgres: the happy
// path, every "exactly one order" case of issue 7, Magento's refusals and the roles.

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  getSessionUser: vi.fn(),
}));
vi.mock("next/headers", () => ({ headers: vi.fn(async () => new Headers({ "x-forwarded-for": "203.0.113.9" })) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
const sessionUserMock = getSessionUser as unknown as Mock<() => Promise<SessionUser | null>>;

let sim: RunningSimulator;
let testDb: TestDatabase;
let channel: ChannelRow;
const users = {} as Record<Role, SessionUser>;
const usedCarts = new Set<number>();
let address: AddressInput;
const savedDatabaseUrl = process.env.DATABASE_URL;

beforeAll(async () => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  sim = await startMagentoSimulator({ port: 0, seed: 707, customers: 200, orders: 60 });
  testDb = await createTestDatabase();
  await closeDb();
  process.env.DATABASE_URL = testDb.url;
  [channel] = (await testDb.db
    .insert(channels)
    .values({
      name: "convert",
      baseUrl: sim.baseUrl,
      credentialsEncrypted: sealCredentials({ type: "bearer", token: sim.adminToken }),
      maxRequestsPerSecond: 100,
    })
    .returning()) as [ChannelRow];
  const run = await runChannelSync({ db: testDb.db, channelId: channel.id, mode: "initial", trigger: "cli", pageSize: 100 });
  expect(run.status).toBe("succeeded");
  for (const role of ["admin", "manager", "agent", "viewer"] as const) {
    const row = await createUser(
      testDb.db,
      { email: `${role}@convert.test`, name: `The ${role}`, role, password: "a sufficiently long password" },
      { userId: null, actor: "test" },
    );
    users[role] = { id: row.id, email: row.email, name: row.name, role, permissions: ROLE_PERMISSIONS[role] };
  }
  const us = (await createChannelClient(channel).listCountries()).find((c) => c.id === "US")!;
  address = {
    firstname: "Dana",
    lastname: "Lee",
    street1: "1 Harbour Way",
    city: "Springfield",
    postcode: "12345",
    countryId: "US",
    regionId: us.available_regions![0]!.id,
    telephone: "555-0100",
  };
}, 90_000);

afterAll(async () => {
  await closeDb();
  await sim?.close();
  await testDb?.drop();
  if (savedDatabaseUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = savedDatabaseUrl;
});

beforeEach(() => {
  sim.control.clearFaults();
  sessionUserMock.mockReset();
});

/** A fresh open cart with items, synced into the portal: its portal id and Magento id. */
async function openCart(kind: "registered" | "guest" = "registered"): Promise<{ id: number; originId: number }> {
  for (const cart of sim.store.carts.values()) {
    if (usedCarts.has(cart.id) || !cart.isActive || cart.items.length === 0) continue;
    // A guest cart has an email once the guest reached checkout (Magento sends it on the billing address).
    if (kind === "registered" ? cart.customerId === null : !(cart.customerId === null && cart.billing?.email)) continue;
    const [row] = await testDb.db
      .select({ id: magentoCarts.id, status: magentoCarts.status })
      .from(magentoCarts)
      .where(and(eq(magentoCarts.channelId, channel.id), eq(magentoCarts.originId, cart.id)));
    if (row?.status !== "open") continue;
    // Enough stock that only the out-of-stock test runs out.
    for (const item of cart.items) sim.store.products.find((p) => p.sku === item.sku)!.qty += 100;
    usedCarts.add(cart.id);
    return { id: row.id, originId: cart.id };
  }
  throw new Error(`no ${kind} open cart left`);
}

function ordersFor(quoteId: number) {
  return [...sim.store.orders.values()].filter((o) => o.quoteId === quoteId);
}

function input(cartId: number, extra: Partial<PlaceOrderInput> = {}): PlaceOrderInput {
  return { cartId, nonce: randomUUID(), address, carrierCode: "flatrate", methodCode: "flatrate", paymentMethod: "checkmo", ...extra };
}

async function cartRow(id: number) {
  const [row] = await testDb.db.select().from(magentoCarts).where(eq(magentoCarts.id, id));
  return row!;
}

async function auditsFor(cartId: number) {
  return testDb.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, "cart.converted"), eq(auditLog.entityId, String(cartId))));
}

/** Place-order requests Magento received for a cart. */
function placeRequests(cartOriginId: number): number {
  return sim.control.requests(500).log.filter((e) => e.method === "PUT" && e.path.includes(`/carts/${cartOriginId}/order`)).length;
}

const fastClient =
  (overrides: { timeoutMs?: number; maxRetries?: number } = {}): PlaceOrderOptions["client"] =>
  (c) =>
    createChannelClient(c, { timeoutMs: overrides.timeoutMs ?? 10_000, maxRetries: overrides.maxRetries ?? 0 });

describe("convert a cart: the happy path", () => {
  it("offers addresses, shipping, payment and Magento's totals, then places one order that shows at once", async () => {
    const cart = await openCart();
    const form = await loadConversionForm(testDb.db, users.manager, cart.id);
    expect(form.ok).toBe(true);
    if (!form.ok) return;
    expect(form.data.countries.find((c) => c.id === "US")?.regions.length).toBeGreaterThan(0);
    expect(form.data.nonce).toMatch(/^[0-9a-f-]{36}$/);

    const shipping = await estimateShipping(testDb.db, users.manager, cart.id, address);
    expect(shipping.ok).toBe(true);
    if (!shipping.ok) return;
    const flat = shipping.data.find((m) => m.carrierCode === "flatrate")!;
    expect(flat.amount).toMatch(/^\d+(\.\d+)?$/);

    const review = await reviewOrder(testDb.db, users.manager, cart.id, address, { carrierCode: "flatrate", methodCode: flat.methodCode });
    expect(review.ok).toBe(true);
    if (!review.ok) return;
    expect(review.data.paymentMethods.map((p) => p.code)).toEqual(
      expect.arrayContaining(["checkmo", "banktransfer", "purchaseorder", "cashondelivery"]),
    );
    expect(review.data.totals.shipping).toBe(flat.amount);

    const result = await placeOrder(
      testDb.db,
      users.manager,
      input(cart.id, { methodCode: flat.methodCode, paymentMethod: "purchaseorder", poNumber: "PO-77" }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [order] = ordersFor(cart.originId);
    expect(ordersFor(cart.originId)).toHaveLength(1);
    expect(order!.incrementId).toBe(result.order.incrementId);
    expect(order!.poNumber).toBe("PO-77");
    expect(result.order.grandTotal).toBe(review.data.totals.grandTotal);

    // In the portal at once, linked both ways, the cart purchased.
    const [local] = await testDb.db.select().from(magentoOrders).where(eq(magentoOrders.id, result.order.localId!));
    expect(local!.incrementId).toBe(order!.incrementId);
    expect(local!.cartId).toBe(cart.id);
    const after = await cartRow(cart.id);
    expect(after.status).toBe("purchased");
    expect(after.isActive).toBe(false);
    expect(after.orderId).toBe(local!.id);

    const [audit] = await auditsFor(cart.id);
    expect(audit!.userId).toBe(users.manager.id);
    expect(audit!.details).toMatchObject({
      orderIncrementId: order!.incrementId,
      paymentMethod: "purchaseorder",
      totals: { grandTotal: result.order.grandTotal },
    });
    const attempts = await testDb.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.kind, OUTBOX_KIND), eq(outbox.entityId, cart.id)));
    expect(attempts.map((a) => a.status)).toEqual(["done"]);
  });

  it("converts a guest cart with an email", async () => {
    const cart = await openCart("guest");
    const result = await placeOrder(testDb.db, users.admin, input(cart.id, { paymentMethod: "banktransfer" }));
    expect(result.ok).toBe(true);
    expect(ordersFor(cart.originId)).toHaveLength(1);
    expect((await cartRow(cart.id)).status).toBe("purchased");
  });

  it("converts a cart the customer was contacted about, which then counts as converted (recovered)", async () => {
    const cart = await openCart("guest");
    await testDb.db.execute(sql`UPDATE magento_carts SET status = 'contacted' WHERE id = ${cart.id}`);
    const result = await placeOrder(testDb.db, users.admin, input(cart.id, { paymentMethod: "banktransfer" }));
    expect(result.ok).toBe(true);
    expect(ordersFor(cart.originId)).toHaveLength(1);
    expect((await cartRow(cart.id)).status).toBe("converted");
  });
});

describe("exactly one order", () => {
  it("a double submit (same form, two concurrent calls) places one order and answers both with it", async () => {
    const cart = await openCart();
    const same = input(cart.id);
    const [a, b] = await Promise.all([placeOrder(testDb.db, users.manager, same), placeOrder(testDb.db, users.manager, same)]);
    expect(a.ok && b.ok).toBe(true);
    expect(ordersFor(cart.originId)).toHaveLength(1);
    if (a.ok && b.ok) expect(a.order.incrementId).toBe(b.order.incrementId);
    expect(await auditsFor(cart.id)).toHaveLength(1);
    // A browser retry later still answers with the same order, placing nothing.
    const again = await placeOrder(testDb.db, users.manager, same);
    expect(again.ok && again.order.incrementId).toBe(ordersFor(cart.originId)[0]!.incrementId);
    expect(ordersFor(cart.originId)).toHaveLength(1);
  });

  it("two users at once (two forms): one order; the other is told it is already ordered", async () => {
    const cart = await openCart();
    const results = await Promise.all([
      placeOrder(testDb.db, users.manager, input(cart.id)),
      placeOrder(testDb.db, users.admin, input(cart.id)),
    ]);
    expect(ordersFor(cart.originId)).toHaveLength(1);
    const [order] = ordersFor(cart.originId);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const refused = results.find((r) => !r.ok);
    expect(refused && !refused.ok && refused.error).toBe(`Already ordered: #${order!.incrementId}.`);
    expect(await auditsFor(cart.id)).toHaveLength(1);
  });

  it("a timeout after Magento placed the order: the order is found by quote_id and adopted", async () => {
    const cart = await openCart();
    sim.control.addFaults({ path: `/V1/carts/${cart.originId}/order`, method: "PUT", loseAnswer: true, times: 1 });
    const result = await placeOrder(testDb.db, users.manager, input(cart.id), { client: fastClient({ timeoutMs: 700 }) });
    expect(result.ok).toBe(true);
    expect(result.ok && result.adopted).toBe(true);
    expect(ordersFor(cart.originId)).toHaveLength(1);
    expect((await cartRow(cart.id)).status).toBe("purchased");
  });

  it("a timeout, then Magento unreachable for the check: a retry of the same form adopts the order", async () => {
    const cart = await openCart();
    sim.control.addFaults({ path: `/V1/carts/${cart.originId}/order`, method: "PUT", loseAnswer: true, times: 1 });
    const same = input(cart.id);
    const pending = placeOrder(testDb.db, users.manager, same, { client: fastClient({ timeoutMs: 700 }) });
    // Once the order is placed (answer lost), the order check that follows fails too.
    const placed = () => sim.control.requests(50).log.some((e) => e.method === "PUT" && e.path.includes(`/carts/${cart.originId}/order`));
    while (!placed()) await new Promise((r) => setTimeout(r, 10));
    sim.control.addFaults({ path: "/V1/orders?", method: "GET", status: 503, times: 1 });
    const first = await pending;
    expect(first.ok).toBe(false);
    expect(!first.ok && first.error).toMatch(/could not yet tell whether the order was placed/);
    expect((await cartRow(cart.id)).status).toBe("open");
    expect(ordersFor(cart.originId)).toHaveLength(1);

    const retry = await placeOrder(testDb.db, users.manager, same, { client: fastClient() });
    expect(retry.ok && retry.adopted).toBe(true);
    expect(ordersFor(cart.originId)).toHaveLength(1);
    expect(retry.ok && retry.order.incrementId).toBe(ordersFor(cart.originId)[0]!.incrementId);
    expect((await cartRow(cart.id)).status).toBe("purchased");
  });

  it("Magento slower than the claim: the working attempt keeps its claim, the second waits and is told it is already ordered", async () => {
    const cart = await openCart();
    // The claim is 300 ms here (2 minutes in the portal); Magento takes 1.2 s to place the order.
    sim.control.addFaults({ path: `/V1/carts/${cart.originId}/order`, method: "PUT", latencyMs: 1_200, times: 1 });
    const first = placeOrder(testDb.db, users.manager, input(cart.id), { lockMs: 300 });
    await new Promise((r) => setTimeout(r, 50));
    const second = await placeOrder(testDb.db, users.admin, input(cart.id), { lockMs: 300 });
    const placed = await first;
    expect(placed.ok).toBe(true);
    const [order] = ordersFor(cart.originId);
    expect(second).toMatchObject({ ok: false, error: `Already ordered: #${order!.incrementId}.` });
    expect(ordersFor(cart.originId)).toHaveLength(1);
    // Magento was asked to place it once: a slow Magento never sees a second place-order for the cart.
    expect(placeRequests(cart.originId)).toBe(1);
    const audits = await auditsFor(cart.id);
    expect(audits.map((a) => a.userId)).toEqual([users.manager.id]);
  });

  it("an attempt whose claim was taken over while Magento was slow asks Magento by quote id instead of placing", async () => {
    const cart = await openCart();
    // The first attempt stalls (its claim is not renewed: a frozen process) while Magento's directory is slow ...
    sim.control.addFaults({ path: "/V1/directory/countries", method: "GET", latencyMs: 1_500, times: 1 });
    const first = placeOrder(testDb.db, users.manager, input(cart.id), { lockMs: 300, heartbeatMs: 60_000 });
    await new Promise((r) => setTimeout(r, 50));
    // ... so the second attempt takes the cart over when the claim lapses, and is slow itself before placing.
    sim.control.addFaults({ path: `/V1/carts/${cart.originId}/shipping-information`, method: "POST", latencyMs: 2_500, times: 1 });
    const second = placeOrder(testDb.db, users.admin, input(cart.id), { lockMs: 300 });
    const lost = await first;
    expect(lost.ok).toBe(false);
    expect(!lost.ok && lost.error).toMatch(/another request took this order over/i);
    // It looked for the order by quote id right before placing and sent no place-order of its own.
    expect(placeRequests(cart.originId)).toBe(0);
    const won = await second;
    expect(won.ok).toBe(true);
    expect(ordersFor(cart.originId)).toHaveLength(1);
    expect(placeRequests(cart.originId)).toBe(1);
    expect((await auditsFor(cart.id)).map((a) => a.userId)).toEqual([users.admin.id]);
  });

  it("a crash between placing and the local write: the retry after the claim lapses adopts, one order", async () => {
    const cart = await openCart();
    const same = input(cart.id);
    await expect(
      placeOrder(testDb.db, users.manager, same, {
        lockMs: 300,
        afterPlace: () => {
          throw new Error("portal crashed");
        },
      }),
    ).rejects.toThrow("portal crashed");
    expect(ordersFor(cart.originId)).toHaveLength(1);
    expect((await cartRow(cart.id)).status).toBe("open");
    await new Promise((r) => setTimeout(r, 350));
    const retry = await placeOrder(testDb.db, users.manager, same, { lockMs: 300 });
    expect(retry.ok && retry.adopted).toBe(true);
    expect(ordersFor(cart.originId)).toHaveLength(1);
    expect((await cartRow(cart.id)).status).toBe("purchased");
    expect(await auditsFor(cart.id)).toHaveLength(1);
  });
});

describe("a crash after the local write, before the attempt completed", () => {
  it("the retry of the same form completes it: the same order, one audit entry", async () => {
    const cart = await openCart();
    const same = input(cart.id);
    const first = await placeOrder(testDb.db, users.manager, same);
    expect(first.ok).toBe(true);
    // The state such a crash leaves: order and cart written, the attempt still claimed (lapsed), no audit yet.
    await testDb.db
      .update(outbox)
      .set({ status: "in_progress", lockedUntil: new Date(Date.now() - 1000), completedAt: null })
      .where(and(eq(outbox.kind, OUTBOX_KIND), eq(outbox.entityId, cart.id)));
    await testDb.db.delete(auditLog).where(and(eq(auditLog.action, "cart.converted"), eq(auditLog.entityId, String(cart.id))));
    const retry = await placeOrder(testDb.db, users.manager, same);
    expect(retry.ok && retry.order.incrementId).toBe(first.ok && first.order.incrementId);
    expect(ordersFor(cart.originId)).toHaveLength(1);
    expect(await auditsFor(cart.id)).toHaveLength(1);
  });
});

describe("an order placed outside the portal", () => {
  it("is shown and linked, but not claimed as a conversion: the user is told it is already ordered", async () => {
    const cart = await openCart();
    const client = createChannelClient(channel);
    const us = (await client.listCountries()).find((c) => c.id === "US")!;
    const region = us.available_regions![0]!;
    await client.setShippingInformation(cart.originId, {
      shipping_address: {
        firstname: "Store",
        lastname: "Front",
        street: ["9 Elm"],
        city: "Troy",
        postcode: "12180",
        country_id: "US",
        region_id: Number(region.id),
        region_code: region.code,
        region: region.name,
        telephone: "555-0111",
        email: "storefront@example.com",
      },
      shipping_carrier_code: "flatrate",
      shipping_method_code: "flatrate",
    });
    await client.placeOrder(cart.originId, { method: "checkmo" });
    const [order] = ordersFor(cart.originId);
    const result = await placeOrder(testDb.db, users.manager, input(cart.id));
    expect(result).toMatchObject({ ok: false, error: `Already ordered: #${order!.incrementId}.` });
    expect(ordersFor(cart.originId)).toHaveLength(1);
    expect((await cartRow(cart.id)).status).toBe("purchased");
    expect(await auditsFor(cart.id)).toHaveLength(0);
  });
});

describe("Magento's refusals come back on their field; nothing is purchased", () => {
  async function expectUntouched(cart: { id: number; originId: number }) {
    expect(ordersFor(cart.originId)).toHaveLength(0);
    expect((await cartRow(cart.id)).status).toBe("open");
    expect(await auditsFor(cart.id)).toHaveLength(0);
  }

  it("out of stock", async () => {
    const cart = await openCart();
    const item = sim.store.carts.get(cart.originId)!.items[0]!;
    sim.store.products.find((p) => p.sku === item.sku)!.qty = 0;
    const result = await placeOrder(testDb.db, users.manager, input(cart.id));
    expect(!result.ok && result.fieldErrors.cart?.[0]).toMatch(/no longer available/);
    await expectUntouched(cart);
  });

  it("an address outside Magento's directory, and a region the country does not have", async () => {
    const cart = await openCart();
    const country = await placeOrder(testDb.db, users.manager, input(cart.id, { address: { ...address, countryId: "ZZ" } }));
    expect(!country.ok && country.fieldErrors.countryId?.[0]).toBe("Magento does not ship to this country.");
    const region = await placeOrder(testDb.db, users.manager, input(cart.id, { address: { ...address, regionId: "999999" } }));
    expect(!region.ok && region.fieldErrors.regionId?.[0]).toMatch(/Choose a region of/);
    const blank = await placeOrder(testDb.db, users.manager, input(cart.id, { address: { ...address, city: " " } }));
    expect(!blank.ok && blank.fieldErrors.city?.[0]).toBe("Enter the city.");
    await expectUntouched(cart);
  });

  it("a shipping method Magento does not offer, a payment method it refuses, a missing PO number", async () => {
    const cart = await openCart();
    const shipping = await placeOrder(testDb.db, users.manager, input(cart.id, { carrierCode: "teleport", methodCode: "instant" }));
    expect(!shipping.ok && shipping.fieldErrors.shippingMethod?.[0]).toMatch(/not available/);
    const payment = await placeOrder(testDb.db, users.manager, input(cart.id, { paymentMethod: "paypal_express" }));
    expect(!payment.ok && payment.fieldErrors.paymentMethod?.[0]).toMatch(/Payment Method is not available/);
    const po = await placeOrder(testDb.db, users.manager, input(cart.id, { paymentMethod: "purchaseorder" }));
    expect(!po.ok && po.fieldErrors.poNumber?.[0]).toBe("Enter the purchase order number.");
    await expectUntouched(cart);
  });

  it("a cart that changed in Magento (no longer active there)", async () => {
    const cart = await openCart();
    sim.store.carts.get(cart.originId)!.isActive = false;
    sim.store.changed();
    const result = await placeOrder(testDb.db, users.manager, input(cart.id));
    expect(!result.ok && result.fieldErrors.cart?.[0]).toMatch(/no longer active in Magento/);
    await expectUntouched(cart);
  });
});

describe("who may convert", () => {
  function form(fields: Record<string, string>) {
    const data = new FormData();
    for (const [k, v] of Object.entries(fields)) data.append(k, v);
    return data;
  }
  const fields = (cartId: number) => ({
    cartId: String(cartId),
    nonce: randomUUID(),
    firstname: address.firstname,
    lastname: address.lastname,
    street1: address.street1,
    city: address.city,
    postcode: address.postcode,
    countryId: address.countryId,
    regionId: address.regionId!,
    telephone: address.telephone,
    carrierCode: "flatrate",
    methodCode: "flatrate",
    paymentMethod: "checkmo",
  });

  it.each(["viewer", "agent"] as const)("a %s is refused by the server action and by the domain code; nothing changes", async (role) => {
    const cart = await openCart();
    sessionUserMock.mockResolvedValue(users[role]);
    const result = await convertActions.placeOrderAction(null, form(fields(cart.id)));
    expect(result).toMatchObject({ ok: false, code: "forbidden" });
    const estimate = await convertActions.estimateShippingAction(null, form(fields(cart.id)));
    expect(estimate).toMatchObject({ ok: false, code: "forbidden" });
    await expect(placeOrder(testDb.db, users[role], input(cart.id))).rejects.toBeInstanceOf(ForbiddenError);
    expect(ordersFor(cart.originId)).toHaveLength(0);
    expect((await cartRow(cart.id)).status).toBe("open");
    const [attempts] = await testDb.db.select({ n: count() }).from(outbox).where(eq(outbox.entityId, cart.id));
    expect(attempts!.n).toBe(0);
  });

  it("a manager converts through the server action", async () => {
    const cart = await openCart();
    sessionUserMock.mockResolvedValue(users.manager);
    const result = await convertActions.placeOrderAction(null, form(fields(cart.id)));
    expect(result.ok).toBe(true);
    const [order] = ordersFor(cart.originId);
    expect(result.ok && result.message).toBe(`Order #${order!.incrementId} was placed in Magento.`);
    expect(ordersFor(cart.originId)).toHaveLength(1);
    const [n] = rowsOf<{ n: number }>(
      await testDb.db.execute(sql`SELECT count(*)::int AS n FROM magento_orders WHERE origin_id = ${order!.entityId}`),
    );
    expect(n!.n).toBe(1);
  });

  it("each step's action refuses what placing the order would refuse, on the same field with the same words", async () => {
    const cart = await openCart();
    sessionUserMock.mockResolvedValue(users.manager);
    const noMethod = await convertActions.reviewOrderAction(null, form({ ...fields(cart.id), methodCode: " " }));
    expect(noMethod).toMatchObject({ ok: false, code: "invalid", fieldErrors: { methodCode: ["Choose a shipping method."] } });
    const longCarrier = await convertActions.reviewOrderAction(null, form({ ...fields(cart.id), carrierCode: "x".repeat(65) }));
    expect(longCarrier).toMatchObject({ ok: false, code: "invalid", fieldErrors: { carrierCode: [expect.any(String)] } });
    const oldForm = await convertActions.placeOrderAction(null, form({ ...fields(cart.id), nonce: "no" }));
    expect(oldForm).toMatchObject({ ok: false, code: "invalid", fieldErrors: { nonce: ["This form has expired; reload the page."] } });
    const noPo = await convertActions.placeOrderAction(null, form({ ...fields(cart.id), paymentMethod: "purchaseorder" }));
    expect(noPo).toMatchObject({ ok: false, fieldErrors: { poNumber: ["Enter the purchase order number."] } });
    expect(ordersFor(cart.originId)).toHaveLength(0);
    expect((await cartRow(cart.id)).status).toBe("open");
  });

  it("an already ordered cart answers with its order number", async () => {
    const cart = await openCart();
    sessionUserMock.mockResolvedValue(users.manager);
    expect((await convertActions.placeOrderAction(null, form(fields(cart.id)))).ok).toBe(true);
    const second = await convertActions.placeOrderAction(null, form(fields(cart.id)));
    expect(second).toMatchObject({ ok: false, error: `Already ordered: #${ordersFor(cart.originId)[0]!.incrementId}.` });
    expect(ordersFor(cart.originId)).toHaveLength(1);
  });
});
