import { randomBytes, randomUUID } from "node:crypto";
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type Mock } from "vitest";
import { closeDb } from "@/db/client";
import { auditLog, channels, magentoCartItems, magentoCarts, magentoCustomers, outbox } from "@/db/schema";
import { ROLE_PERMISSIONS, type Role } from "@/lib/auth/permissions";
import { ForbiddenError, getSessionUser, type SessionUser } from "@/lib/auth/session";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { createCart, OUTBOX_KIND } from "@/lib/carts/create-cart";
import { catalogCurrency, searchProducts } from "@/lib/carts/products";
import { placeOrder } from "@/lib/carts/conversion/place-order";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { createChannelClient } from "@/lib/sync/channel-client";
import { runChannelSync } from "@/lib/sync/runner";
import type { ChannelRow } from "@/lib/sync/types";
import { createUser } from "@/lib/users/service";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import * as newCartActions from "@/app/(portal)/customers/[id]/new-cart/actions";

// "New cart" for a customer against the in-process simulator and a real Postgres: created in
// Magento with its items and in the portal at once, a double submit, refusals, the roles.

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
const usedCustomers = new Set<number>();
const savedDatabaseUrl = process.env.DATABASE_URL;

beforeAll(async () => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  sim = await startMagentoSimulator({ port: 0, seed: 808, customers: 120, orders: 30 });
  testDb = await createTestDatabase();
  await closeDb();
  process.env.DATABASE_URL = testDb.url;
  [channel] = (await testDb.db
    .insert(channels)
    .values({
      name: "new-cart",
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
      { email: `${role}@new-cart.test`, name: `The ${role}`, role, password: "a sufficiently long password" },
      { userId: null, actor: "test" },
    );
    users[role] = { id: row.id, email: row.email, name: row.name, role, permissions: ROLE_PERMISSIONS[role] };
  }
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

/** A registered customer (portal id, Magento id) without an active cart in Magento. */
async function freshCustomer(): Promise<{ id: number; originId: number }> {
  const withCart = new Set([...sim.store.carts.values()].filter((c) => c.isActive && c.customerId !== null).map((c) => c.customerId));
  const rows = await testDb.db
    .select({ id: magentoCustomers.id, originId: magentoCustomers.originId })
    .from(magentoCustomers)
    .where(and(eq(magentoCustomers.channelId, channel.id), eq(magentoCustomers.isGuest, false)));
  const row = rows.find((r) => r.originId !== null && !withCart.has(r.originId) && !usedCustomers.has(r.id));
  if (!row) throw new Error("no customer without a cart left");
  usedCustomers.add(row.id);
  return { id: row.id, originId: row.originId! };
}

function inStock(n: number): string[] {
  return sim.store.products
    .filter((p) => p.qty >= 10)
    .slice(0, n)
    .map((p) => p.sku);
}

function magentoCartOf(customerOriginId: number) {
  return [...sim.store.carts.values()].filter((c) => c.customerId === customerOriginId && c.isActive);
}

async function portalItems(cartId: number) {
  return testDb.db
    .select({ sku: magentoCartItems.sku, qty: magentoCartItems.qty })
    .from(magentoCartItems)
    .where(eq(magentoCartItems.cartId, cartId));
}

describe("new cart for a customer", () => {
  it("searches products by SKU or name with price and stock, at most 10", async () => {
    const product = sim.store.products.find((p) => p.qty > 0)!;
    const client = createChannelClient(channel);
    const bySku = await searchProducts(client, product.sku, "USD");
    expect(bySku.find((h) => h.sku === product.sku)).toMatchObject({
      name: product.name,
      currency: "USD",
      inStock: true,
      stockQty: expect.any(String),
    });
    expect(bySku[0]!.price).toMatch(/^\d+(\.\d+)?$/);
    // A broad term: one search request, and stock asked only for the (at most 10) shown results.
    const searchSpy = vi.spyOn(client, "search");
    const stockSpy = vi.spyOn(client, "getStockItem");
    const common = sim.store.products[0]!.sku.slice(0, 2);
    expect(sim.store.products.filter((p) => p.sku.toLowerCase().includes(common.toLowerCase())).length).toBeGreaterThan(10);
    const broad = await searchProducts(client, common, "USD");
    expect(broad.length).toBe(10);
    expect(searchSpy).toHaveBeenCalledTimes(1);
    expect(stockSpy).toHaveBeenCalledTimes(10);
    // The like wildcards typed by a user are text, not wildcards.
    expect(await searchProducts(client, "%%", "USD")).toEqual([]);
    const byName = await searchProducts(client, product.name.slice(0, 6), null);
    expect(byName.length).toBeGreaterThan(0);
    expect(byName.length).toBeLessThanOrEqual(10);
  });

  it("prices products in the base currency of the channel's store view, and says when it cannot tell", async () => {
    // The simulator's Main Website views keep USD as base currency, the Europe website's "de" EUR.
    expect(await catalogCurrency(testDb.db, channel)).toBe("USD");
    expect(await catalogCurrency(testDb.db, { ...channel, storeCode: "de" })).toBe("EUR");
    // A store code that names no store view, with two base currencies: no guess.
    expect(await catalogCurrency(testDb.db, { ...channel, storeCode: "all" })).toBeNull();
    // The picker's action hands the currency with each price.
    sessionUserMock.mockResolvedValue(users.manager);
    const customer = await freshCustomer();
    const product = sim.store.products.find((p) => p.qty > 0)!;
    const search = new FormData();
    search.set("customerId", String(customer.id));
    search.set("q", product.sku);
    const result = await newCartActions.searchProductsAction(null, search);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data!.find((h) => h.sku === product.sku)).toMatchObject({
      currency: "USD",
      price: expect.stringMatching(/^\d+(\.\d+)?$/),
    });
  });

  it("creates a cart with two products in Magento and in the portal at once, audited", async () => {
    const customer = await freshCustomer();
    const [a, b] = inStock(2) as [string, string];
    const result = await createCart(testDb.db, users.manager, {
      customerId: customer.id,
      nonce: randomUUID(),
      items: [
        { sku: a, qty: "2" },
        { sku: b, qty: "1" },
      ],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const carts = magentoCartOf(customer.originId);
    expect(carts).toHaveLength(1);
    expect(carts[0]!.id).toBe(result.magentoCartId);
    expect(carts[0]!.items.map((i) => [i.sku, i.qty]).sort()).toEqual(
      [
        [a, 2],
        [b, 1],
      ].sort(),
    );
    expect(result.cartId).not.toBeNull();
    const [local] = await testDb.db.select().from(magentoCarts).where(eq(magentoCarts.id, result.cartId!));
    expect(local).toMatchObject({ originId: result.magentoCartId, customerId: customer.id, isActive: true });
    expect((await portalItems(result.cartId!)).map((i) => [i.sku, Number(i.qty)]).sort()).toEqual(
      [
        [a, 2],
        [b, 1],
      ].sort(),
    );
    const audits = await testDb.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "cart.created"), eq(auditLog.entityId, String(result.cartId))));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.userId).toBe(users.manager.id);
    expect(audits[0]!.details).toMatchObject({
      customerId: customer.id,
      magentoCartId: result.magentoCartId,
      items: [
        { sku: a, qty: "2" },
        { sku: b, qty: "1" },
      ],
    });

    // ... and the existing conversion places its order.
    const us = (await createChannelClient(channel).listCountries()).find((c) => c.id === "US")!;
    const placed = await placeOrder(testDb.db, users.manager, {
      cartId: result.cartId!,
      nonce: randomUUID(),
      carrierCode: "flatrate",
      methodCode: "flatrate",
      paymentMethod: "checkmo",
      address: {
        firstname: "Dana",
        lastname: "Lee",
        street1: "1 Harbour Way",
        city: "Springfield",
        postcode: "12345",
        countryId: "US",
        regionId: us.available_regions![0]!.id,
        telephone: "555-0100",
      },
    });
    expect(placed.ok).toBe(true);
  });

  it("a double submit (same form, two concurrent calls) makes one cart and does not double the items", async () => {
    const customer = await freshCustomer();
    const [a, b] = inStock(2) as [string, string];
    const input = {
      customerId: customer.id,
      nonce: randomUUID(),
      items: [
        { sku: a, qty: "1" },
        { sku: b, qty: "3" },
      ],
    };
    const [first, second] = await Promise.all([createCart(testDb.db, users.manager, input), createCart(testDb.db, users.manager, input)]);
    const third = await createCart(testDb.db, users.manager, input);
    for (const r of [first, second, third]) expect(r).toMatchObject({ ok: true });
    const ids = new Set([first, second, third].map((r) => (r.ok ? r.magentoCartId : 0)));
    expect(ids.size).toBe(1);
    const carts = magentoCartOf(customer.originId);
    expect(carts).toHaveLength(1);
    expect(carts[0]!.items.map((i) => [i.sku, i.qty]).sort()).toEqual(
      [
        [a, 1],
        [b, 3],
      ].sort(),
    );
    const [{ n } = { n: -1 }] = await testDb.db
      .select({ n: count() })
      .from(outbox)
      .where(and(eq(outbox.kind, OUTBOX_KIND), eq(outbox.entityId, customer.id)));
    expect(n).toBe(1);
    const [{ audits } = { audits: -1 }] = await testDb.db
      .select({ audits: count() })
      .from(auditLog)
      .where(and(eq(auditLog.action, "cart.created"), eq(auditLog.entityId, String(first.ok ? first.cartId : 0))));
    expect(audits).toBe(1);
  });

  it("a retry after an add whose answer was lost (Magento added it) does not add that product twice", async () => {
    const customer = await freshCustomer();
    const [a, b] = inStock(2) as [string, string];
    const input = {
      customerId: customer.id,
      nonce: randomUUID(),
      items: [
        { sku: a, qty: "2" },
        { sku: b, qty: "1" },
      ],
    };
    const quick = { client: (c: ChannelRow) => createChannelClient(c, { timeoutMs: 700, maxRetries: 0 }) };
    // Magento adds the first product, then its answer never comes.
    sim.control.addFaults({ path: "/items", method: "POST", loseAnswer: true, times: 1 });
    const first = await createCart(testDb.db, users.manager, input, quick);
    expect(first).toMatchObject({ ok: false, error: expect.stringMatching(new RegExp(`did not answer when adding ${a}.*Submit again`)) });
    expect(magentoCartOf(customer.originId)[0]!.items.map((i) => [i.sku, i.qty])).toEqual([[a, 2]]);

    const retried = await createCart(testDb.db, users.manager, input, quick);
    expect(retried).toMatchObject({ ok: true });
    const carts = magentoCartOf(customer.originId);
    expect(carts).toHaveLength(1);
    expect(carts[0]!.items.map((i) => [i.sku, i.qty]).sort()).toEqual(
      [
        [a, 2],
        [b, 1],
      ].sort(),
    );
    if (retried.ok)
      expect((await portalItems(retried.cartId!)).map((i) => [i.sku, Number(i.qty)]).sort()).toEqual(
        [
          [a, 2],
          [b, 1],
        ].sort(),
      );
  });

  it("refuses an out-of-stock product, an unknown SKU and a fractional quantity on their lines; nothing is created", async () => {
    const customer = await freshCustomer();
    const empty = sim.store.products.find((p) => p.qty <= 0) ?? sim.store.products.at(-1)!;
    empty.qty = 0;
    const [a] = inStock(1) as [string];
    const result = await createCart(testDb.db, users.manager, {
      customerId: customer.id,
      nonce: randomUUID(),
      items: [
        { sku: a, qty: "1.5" },
        { sku: empty.sku, qty: "1" },
        { sku: "NO-SUCH-SKU-1", qty: "1" },
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fieldErrors["items.0"]?.[0]).toMatch(/whole units/);
    expect(result.fieldErrors["items.1"]?.[0]).toMatch(/out of stock/);
    expect(result.fieldErrors["items.2"]?.[0]).toMatch(/No product with SKU NO-SUCH-SKU-1/);
    const zero = await createCart(testDb.db, users.manager, {
      customerId: customer.id,
      nonce: randomUUID(),
      items: [{ sku: a, qty: "0" }],
    });
    expect(zero).toMatchObject({ ok: false, fieldErrors: { "items.0": [expect.stringMatching(/greater than 0/)] } });
    expect(magentoCartOf(customer.originId)).toHaveLength(0);
  });

  it("refuses a guest customer and says why", async () => {
    const [guest] = await testDb.db
      .select({ id: magentoCustomers.id })
      .from(magentoCustomers)
      .where(and(eq(magentoCustomers.channelId, channel.id), eq(magentoCustomers.isGuest, true)))
      .limit(1);
    expect(guest).toBeDefined();
    const result = await createCart(testDb.db, users.manager, {
      customerId: guest!.id,
      nonce: randomUUID(),
      items: [{ sku: inStock(1)[0]!, qty: "1" }],
    });
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/registered customers only/) });
  });

  it("refuses when the customer already has an open cart with items; nothing is added to it", async () => {
    const existing = [...sim.store.carts.values()].find((c) => c.isActive && c.customerId !== null && c.items.length > 0)!;
    const [row] = await testDb.db
      .select({ id: magentoCustomers.id })
      .from(magentoCustomers)
      .where(and(eq(magentoCustomers.channelId, channel.id), eq(magentoCustomers.originId, existing.customerId!)));
    const before = existing.items.map((i) => [i.sku, i.qty]);
    const result = await createCart(testDb.db, users.admin, {
      customerId: row!.id,
      nonce: randomUUID(),
      items: [{ sku: inStock(1)[0]!, qty: "1" }],
    });
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/already has an open cart in Magento/) });
    expect(existing.items.map((i) => [i.sku, i.qty])).toEqual(before);
  });

  it("viewer and agent are refused and nothing changes", async () => {
    const customer = await freshCustomer();
    const input = { customerId: customer.id, nonce: randomUUID(), items: [{ sku: inStock(1)[0]!, qty: "1" }] };
    for (const role of ["viewer", "agent"] as const) {
      await expect(createCart(testDb.db, users[role], input)).rejects.toBeInstanceOf(ForbiddenError);
      sessionUserMock.mockResolvedValue(users[role]);
      const data = new FormData();
      data.set("customerId", String(customer.id));
      data.set("nonce", input.nonce);
      data.set("sku", input.items[0]!.sku);
      data.set("qty", "1");
      expect(await newCartActions.createCartAction(null, data)).toMatchObject({ ok: false, code: "forbidden" });
      const search = new FormData();
      search.set("customerId", String(customer.id));
      search.set("q", "ab");
      expect(await newCartActions.searchProductsAction(null, search)).toMatchObject({ ok: false, code: "forbidden" });
    }
    expect(magentoCartOf(customer.originId)).toHaveLength(0);
    const [{ n } = { n: -1 }] = await testDb.db
      .select({ n: count() })
      .from(outbox)
      .where(and(eq(outbox.kind, OUTBOX_KIND), eq(outbox.entityId, customer.id)));
    expect(n).toBe(0);
  });

  it("the server action creates the cart for a manager", async () => {
    const customer = await freshCustomer();
    sessionUserMock.mockResolvedValue(users.manager);
    const [a, b] = inStock(2) as [string, string];
    const data = new FormData();
    data.set("customerId", String(customer.id));
    data.set("nonce", randomUUID());
    data.append("sku", a);
    data.append("qty", "1");
    data.append("sku", b);
    data.append("qty", "2");
    const result = await newCartActions.createCartAction(null, data);
    expect(result).toMatchObject({ ok: true, data: { cartId: expect.any(Number) } });
    expect(magentoCartOf(customer.originId)[0]!.items).toHaveLength(2);
  });
});
