import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateStore, startMagentoSimulator, storeFigures, type RunningSimulator } from "@/simulator";
import { validateResponse } from "../helpers/magento-schema";

// What real Magento 2.4 sends and a tidy simulator would not: nulls in required properties
// (region-less addresses, guest carts, empty cart addresses, credit memo base_cost, stock
// low_stock_date) by default, none with strictSchema; configurable products sold as a parent
// and a child item; and the store's own figures (storeFigures) matching what the REST API lists.

const NOW = Date.UTC(2026, 0, 15) / 1000;
type Json = Record<string, unknown>;
type Env = { items: Json[]; total_count: number };

let sim: RunningSimulator;
let strictSim: RunningSimulator;

async function call(target: RunningSimulator, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${target.baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${target.adminToken}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** Every record of a search route (all pages of 300), each page checked against the schema. */
async function all(target: RunningSimulator, route: string, magentoNulls: boolean): Promise<Json[]> {
  const out: Json[] = [];
  for (let page = 1; ; page++) {
    const path = `${route}?searchCriteria[pageSize]=300&searchCriteria[currentPage]=${page}`;
    const r = await call(target, "GET", path);
    expect(r.status, path).toBe(200);
    const env = r.body as Env;
    if (env.items.length === 0) break;
    expect(validateResponse("GET", path, 200, env, { magentoNulls }).errors.slice(0, 5), `${path} (magentoNulls: ${magentoNulls})`).toEqual(
      [],
    );
    out.push(...env.items);
    if (out.length >= env.total_count) break;
  }
  return out;
}

const cents = (n: unknown) => Math.round(Number(n ?? 0) * 100);
const routes = [
  "/rest/V1/customers/search",
  "/rest/V1/carts/search",
  "/rest/V1/orders",
  "/rest/V1/creditmemos",
  "/rest/V1/products",
] as const;
const records: Record<string, Json[]> = {};

beforeAll(async () => {
  sim = await startMagentoSimulator({ seed: 23, customers: 400, orders: 1500, now: NOW });
  strictSim = await startMagentoSimulator({ seed: 23, customers: 400, orders: 1500, now: NOW, strictSchema: true });
  for (const route of routes) records[route] = await all(sim, route, true);
});

afterAll(async () => {
  await sim?.close();
  await strictSim?.close();
});

describe("Magento's nulls (default)", () => {
  it("has about a third of the Europe website's customers in countries without regions, with null region texts", () => {
    const customers = records["/rest/V1/customers/search"]!;
    const europe = customers.filter((c) => c.website_id === 2);
    const regionless = (c: Json) => (c.addresses as Json[]).some((a) => ["NL", "DK", "LU"].includes(a.country_id as string));
    const share = europe.filter(regionless).length / europe.length;
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.5);
    const address = customers.flatMap((c) => c.addresses as Json[]).find((a) => a.country_id === "NL")!;
    expect(address.region).toEqual({ region_code: null, region: null, region_id: 0 });
    expect(address.region_id).toBe(0);
  });

  it("sends region null (no code, no id) on order addresses and region null, region_id 0 on cart addresses there", () => {
    const order = records["/rest/V1/orders"]!.find((o) => (o.billing_address as Json).country_id === "DK")!;
    const billing = order.billing_address as Json;
    expect(billing.region).toBeNull();
    expect(billing).not.toHaveProperty("region_code");
    expect(billing).not.toHaveProperty("region_id");
    const cart = records["/rest/V1/carts/search"]!.find((c) =>
      ["NL", "DK", "LU"].includes((c.billing_address as Json).country_id as string),
    )!;
    expect(cart.billing_address).toMatchObject({ region: null, region_code: null, region_id: 0 });
  });

  it("sends a guest cart's customer as nulls without id, and an empty address's email only for a customer's cart", () => {
    const carts = records["/rest/V1/carts/search"]!;
    const guests = carts.filter((c) => c.customer_is_guest === true);
    expect(guests.length).toBeGreaterThan(0);
    for (const cart of guests) expect(cart.customer).toEqual({ email: null, firstname: null, lastname: null });
    const emptyGuest = guests.find((c) => (c.billing_address as Json).country_id === null)!;
    expect(emptyGuest.billing_address).toMatchObject({
      region: null,
      region_id: null,
      region_code: null,
      country_id: null,
      street: [""],
      telephone: null,
      postcode: null,
      city: null,
      firstname: null,
      lastname: null,
      email: null,
    });
    const emptyOwn = carts.find((c) => c.customer_is_guest === false && (c.billing_address as Json).country_id === null)!;
    expect((emptyOwn.billing_address as Json).email).toBe((emptyOwn.customer as Json).email);
  });

  it("sends base_cost null on credit memo items of products without a cost, and low_stock_date null in stock", () => {
    const items = records["/rest/V1/creditmemos"]!.flatMap((m) => m.items as Json[]);
    expect(items.some((i) => i.base_cost === null)).toBe(true);
    expect(items.some((i) => typeof i.base_cost === "number")).toBe(true);
    const products = records["/rest/V1/products"]!;
    const stock = (p: Json) => (p.extension_attributes as Json).stock_item as Json;
    expect(products.filter((p) => (stock(p).qty as number) > 0).every((p) => stock(p).low_stock_date === null)).toBe(true);
  });

  it("validates only with the allow-list", async () => {
    const path = "/rest/V1/carts/search?searchCriteria[pageSize]=300";
    const body = (await call(sim, "GET", path)).body;
    expect(validateResponse("GET", path, 200, body).ok).toBe(true);
    expect(validateResponse("GET", path, 200, body, { magentoNulls: false }).ok).toBe(false);
  });
});

describe("strictSchema", () => {
  it("sends the same store with every required property filled: every record validates without the allow-list", async () => {
    for (const route of routes) {
      const strict = await all(strictSim, route, false);
      expect(strict.length, route).toBe(records[route]!.length);
    }
    expect(storeFigures(strictSim.store)).toEqual(storeFigures(sim.store));
  });

  it('keeps the tidy values: region texts "", a guest\'s contact on the cart, base_cost 0', async () => {
    const customers = await all(strictSim, "/rest/V1/customers/search", false);
    const address = customers.flatMap((c) => c.addresses as Json[]).find((a) => a.country_id === "NL")!;
    expect(address.region).toEqual({ region_code: "", region: "", region_id: 0 });
    const guest = [...strictSim.store.carts.values()].find((c) => c.isActive && c.isGuest)!;
    const cart = (await call(strictSim, "GET", `/rest/V1/carts/${guest.id}`)).body as Json;
    expect(cart.customer).toEqual({ email: guest.guest!.email, firstname: guest.guest!.firstname, lastname: guest.guest!.lastname });
    const memos = await all(strictSim, "/rest/V1/creditmemos", false);
    expect(memos.flatMap((m) => m.items as Json[]).every((i) => typeof i.base_cost === "number")).toBe(true);
  });
});

describe("configurable products", () => {
  const orders = () => records["/rest/V1/orders"]!;
  const parentsOf = (o: Json) => (o.items as Json[]).filter((i) => i.product_type === "configurable");

  it("lists parents (type configurable, price 0, links to their children) and children (simple, not visible alone)", () => {
    const products = records["/rest/V1/products"]!;
    const parents = products.filter((p) => p.type_id === "configurable");
    expect(parents.length).toBeGreaterThan(0);
    for (const parent of parents) {
      const ext = parent.extension_attributes as Json;
      const links = ext.configurable_product_links as number[];
      expect(links.length).toBeGreaterThanOrEqual(3);
      expect((ext.configurable_product_options as Json[]).map((o) => o.label).sort()).toEqual(["Color", "Size"]);
      for (const id of links) {
        const child = products.find((p) => p.id === id)!;
        expect(child).toMatchObject({ type_id: "simple", visibility: 1 });
        expect(String(child.sku).startsWith(`${String(parent.sku)}-`)).toBe(true);
      }
    }
  });

  it("has a configurable line in about a fifth of the orders, sent as the parent and its child", () => {
    const withConfigurable = orders().filter((o) => parentsOf(o).length > 0);
    const share = withConfigurable.length / orders().length;
    expect(share).toBeGreaterThan(0.12);
    expect(share).toBeLessThan(0.3);
    for (const order of withConfigurable) {
      const items = order.items as Json[];
      for (const parent of parentsOf(order)) {
        const children = items.filter((i) => i.parent_item_id === parent.item_id);
        expect(children).toHaveLength(1);
        const child = children[0]!;
        expect(child).toMatchObject({
          product_type: "simple",
          sku: parent.sku,
          price: 0,
          row_total: 0,
          tax_amount: 0,
          discount_amount: 0,
          qty_ordered: parent.qty_ordered,
        });
        expect(child.name).not.toBe(parent.name);
        expect(child.parent_item).toEqual(parent);
        expect(cents(parent.row_total)).toBe(cents(parent.price) * (parent.qty_ordered as number));
        const options = ((parent.product_option as Json).extension_attributes as Json).configurable_item_options as Json[];
        expect(options.map((o) => o.option_id).sort()).toEqual(["144", "93"]);
      }
      const visible = items.filter((i) => i.parent_item_id === undefined);
      expect(order.total_item_count).toBe(visible.length);
      expect(order.total_qty_ordered).toBe(visible.reduce((acc, i) => acc + (i.qty_ordered as number), 0));
      expect(cents(order.subtotal)).toBe(items.reduce((acc, i) => acc + cents(i.row_total), 0));
      expect(cents(order.grand_total)).toBe(
        cents(order.subtotal) + cents(order.shipping_amount) + cents(order.tax_amount) + cents(order.discount_amount),
      );
    }
  });

  it("refunds a configurable line with a memo item for the parent (amounts) and one for the child (zeros)", () => {
    const byItem = new Map(orders().flatMap((o) => (o.items as Json[]).map((i) => [i.item_id as number, i] as const)));
    const memos = records["/rest/V1/creditmemos"]!.filter((m) =>
      (m.items as Json[]).some((i) => byItem.get(i.order_item_id as number)?.product_type === "configurable"),
    );
    expect(memos.length).toBeGreaterThan(0);
    for (const memo of memos) {
      const items = memo.items as Json[];
      for (const parent of items.filter((i) => byItem.get(i.order_item_id as number)?.product_type === "configurable")) {
        const childItem = [...byItem.values()].find((i) => i.parent_item_id === parent.order_item_id)!;
        const child = items.find((i) => i.order_item_id === childItem.item_id)!;
        expect(child).toMatchObject({ qty: parent.qty, row_total: 0, price: 0, tax_amount: 0, sku: childItem.sku, base_cost: null });
      }
      expect(cents(memo.subtotal)).toBe(items.reduce((acc, i) => acc + cents(i.row_total), 0));
    }
  });

  it("lists only the parent in a cart (type configurable, the child's SKU, its options in the totals)", async () => {
    const cartRecord = [...sim.store.carts.values()].find((c) => c.isActive && c.items.some((i) => i.child))!;
    const line = cartRecord.items.find((i) => i.child)!;
    const cart = (await call(sim, "GET", `/rest/V1/carts/${cartRecord.id}`)).body as Json;
    const items = cart.items as Json[];
    expect(items).toHaveLength(cartRecord.items.length);
    expect(items.find((i) => i.item_id === line.itemId)).toMatchObject({
      product_type: "configurable",
      sku: line.child!.sku,
      name: line.name,
    });
    const totals = (await call(sim, "GET", `/rest/V1/carts/${cartRecord.id}/totals`)).body as Json;
    const totalsItem = (totals.items as Json[]).find((i) => i.item_id === line.itemId)!;
    expect(JSON.parse(totalsItem.options as string)).toEqual(line.child!.options.map((o) => ({ value: o.value, label: o.label })));
  });

  it("adds a configurable product by its options and places the order as parent + child, taking the child's stock", async () => {
    const parent = sim.store.products.find((p) => p.type === "configurable" && sim.store.childrenOf(p).some((c) => c.qty > 5))!;
    const child = sim.store.childrenOf(parent).find((c) => c.qty > 5)!;
    const customer = [...sim.store.customers.values()].find((c) => !sim.store.activeCartByCustomer.has(c.id))!;
    const cartId = (await call(sim, "POST", `/rest/V1/customers/${customer.id}/carts`)).body as number;
    const noOptions = await call(sim, "POST", `/rest/V1/carts/${cartId}/items`, {
      cartItem: { sku: parent.sku, qty: 1, quote_id: String(cartId) },
    });
    expect(noOptions).toEqual({ status: 400, body: { message: "You need to choose options for your item." } });
    const options = child.options!.map((o) => ({ option_id: String(o.attributeId), option_value: o.valueIndex }));
    const added = await call(sim, "POST", `/rest/V1/carts/${cartId}/items`, {
      cartItem: {
        sku: parent.sku,
        qty: 2,
        quote_id: String(cartId),
        product_option: { extension_attributes: { configurable_item_options: options } },
      },
    });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ sku: child.sku, qty: 2, product_type: "configurable", name: parent.name });
    expect(validateResponse("POST", `/rest/V1/carts/${cartId}/items`, 200, added.body).errors).toEqual([]);
    const address = {
      region: "",
      region_id: 0,
      region_code: "",
      country_id: "NL",
      street: ["Kerkstraat 1"],
      postcode: "1011 AB",
      city: "Amsterdam",
      firstname: "Sem",
      lastname: "Visser",
      email: customer.email,
      telephone: "+31 20 1234567",
    };
    const info = await call(sim, "POST", `/rest/V1/carts/${cartId}/shipping-information`, {
      addressInformation: {
        shipping_address: address,
        billing_address: address,
        shipping_carrier_code: "flatrate",
        shipping_method_code: "flatrate",
      },
    });
    expect(info.status).toBe(200);
    const stockBefore = child.qty;
    const placed = await call(sim, "PUT", `/rest/V1/carts/${cartId}/order`, { paymentMethod: { method: "checkmo" } });
    expect(placed.status).toBe(200);
    expect(child.qty).toBe(stockBefore - 2);
    expect(parent.qty).toBe(0);
    const order = (await call(sim, "GET", `/rest/V1/orders/${placed.body as number}`)).body as Json;
    expect(validateResponse("GET", `/rest/V1/orders/${placed.body as number}`, 200, order).errors).toEqual([]);
    const items = order.items as Json[];
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      product_type: "configurable",
      sku: child.sku,
      name: parent.name,
      qty_ordered: 2,
      price: parent.priceCents / 100,
    });
    expect(items[1]).toMatchObject({
      product_type: "simple",
      sku: child.sku,
      name: child.name,
      parent_item_id: items[0]!.item_id,
      price: 0,
      qty_ordered: 2,
    });
    expect(order).toMatchObject({ total_item_count: 1, total_qty_ordered: 2 });
    expect((order.billing_address as Json).region).toBeNull();
  });

  it("refunds through a tick like any line", async () => {
    const r = await call(sim, "POST", "/__simulator/tick", { refundOrders: 30 });
    expect(r.status).toBe(200);
    const memos = await all(sim, "/rest/V1/creditmemos", true);
    expect(memos.length).toBeGreaterThan(records["/rest/V1/creditmemos"]!.length);
  });
});

describe("storeFigures", () => {
  it("counts what the REST API lists, per website too", async () => {
    const orders = await all(sim, "/rest/V1/orders", true);
    const carts = await all(sim, "/rest/V1/carts/search", true);
    const customers = await all(sim, "/rest/V1/customers/search", true);
    const memos = await all(sim, "/rest/V1/creditmemos", true);
    const figures = storeFigures(sim.store);
    expect(figures.customers).toBe(customers.length);
    expect(figures.newsletterSubscribers).toBe(customers.filter((c) => (c.extension_attributes as Json).is_subscribed === true).length);
    expect(figures.orders.total).toBe(orders.length);
    expect(figures.orders.guest).toBe(orders.filter((o) => o.customer_is_guest === 1 || o.customer_id === undefined).length);
    expect(figures.orders.registered + figures.orders.guest).toBe(orders.length);
    const grand = orders.reduce((acc, o) => acc + cents(o.grand_total), 0);
    expect(figures.orders.grandTotal).toBe(`${Math.floor(grand / 100)}.${String(grand % 100).padStart(2, "0")}`);
    expect(figures.orders.visibleLines).toBe(
      orders.reduce((acc, o) => acc + (o.items as Json[]).filter((i) => i.parent_item_id === undefined).length, 0),
    );
    expect(figures.orders.itemRows).toBe(orders.reduce((acc, o) => acc + (o.items as Json[]).length, 0));
    expect(figures.orders.configurableLines).toBeGreaterThan(0);
    const quoteIds = new Set(orders.map((o) => o.quote_id));
    expect(figures.carts).toEqual({
      total: carts.length,
      active: carts.filter((c) => c.is_active === true).length,
      inactive: carts.filter((c) => c.is_active === false).length,
      purchased: carts.filter((c) => quoteIds.has(c.id)).length,
      guest: carts.filter((c) => c.customer_is_guest === true).length,
    });
    expect(figures.creditMemos).toBe(memos.length);
    expect(figures.creditMemoItemRows).toBe(memos.reduce((acc, m) => acc + (m.items as Json[]).length, 0));

    const europe = storeFigures(sim.store, { websiteIds: [2] });
    expect(europe.customers).toBe(customers.filter((c) => c.website_id === 2).length);
    expect(europe.orders.total).toBe(orders.filter((o) => o.store_id === 3).length);
    const state = (await call(sim, "GET", "/__simulator/state?websiteIds=2")).body as { figures: unknown };
    expect(state.figures).toEqual(europe);
  });

  it("is the same for the same seed and differs for another", () => {
    const a = generateStore({ seed: 3, customers: 60, orders: 250, now: NOW });
    const b = generateStore({ seed: 3, customers: 60, orders: 250, now: NOW });
    const c = generateStore({ seed: 4, customers: 60, orders: 250, now: NOW });
    expect(storeFigures(a)).toEqual(storeFigures(b));
    expect(storeFigures(a)).not.toEqual(storeFigures(c));
  });
});
