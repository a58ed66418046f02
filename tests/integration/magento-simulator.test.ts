import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateStore, signOAuthRequest, startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { renderOrder } from "@/simulator/render";
import { validateResponse } from "../helpers/magento-schema";

// The simulator against the official contract (../shared/magento): real HTTP on 127.0.0.1:0,
// every response checked with the schema validator, Magento's search and error semantics.

const NOW = Date.UTC(2026, 0, 15) / 1000;
let sim: RunningSimulator;

type Res = { status: number; body: unknown; headers: Headers };

async function call(
  method: string,
  path: string,
  options: { body?: unknown; auth?: string | null; validate?: boolean } = {},
): Promise<Res> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const auth = options.auth === undefined ? `Bearer ${sim.adminToken}` : options.auth;
  if (auth) headers.Authorization = auth;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (options.validate !== false && path.startsWith("/rest/") && !path.includes("fields=")) {
    const check = validateResponse(method, path, response.status, body);
    if (check.template) expect(check.errors, `${method} ${path} → ${response.status} against the schema`).toEqual([]);
  }
  return { status: response.status, body, headers: response.headers };
}
const get = (path: string, auth?: string | null) => call("GET", path, { auth });

type Env<T = Record<string, unknown>> = { items: T[]; total_count: number; search_criteria: Record<string, unknown> };
type OrderRow = Record<string, unknown> & { entity_id: number; grand_total: number };

function q(params: Record<string, string | number>): string {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join("&");
}
const cents = (n: unknown) => Math.round(Number(n ?? 0) * 100);

let allOrders: OrderRow[] = [];

beforeAll(async () => {
  sim = await startMagentoSimulator({ seed: 42, customers: 300, orders: 1500, now: NOW });
  const r = await get(
    `/rest/V1/orders?searchCriteria=&fields=items[entity_id,increment_id,state,status,grand_total,subtotal,created_at,updated_at,customer_id,customer_email,coupon_code,applied_rule_ids,store_id,customer_is_guest,quote_id],total_count`,
  );
  allOrders = (r.body as Env<OrderRow>).items;
});

afterAll(async () => {
  await sim?.close();
});

describe("generated store", () => {
  it("is deterministic for a seed and differs for another", () => {
    const a = generateStore({ seed: 7, customers: 50, orders: 200, now: NOW });
    const b = generateStore({ seed: 7, customers: 50, orders: 200, now: NOW });
    const c = generateStore({ seed: 8, customers: 50, orders: 200, now: NOW });
    const dump = (s: ReturnType<typeof generateStore>) =>
      JSON.stringify({
        customers: [...s.customers.values()],
        orders: [...s.orders.values()].map((o) => renderOrder(o, s.memoLookup)),
        carts: [...s.carts.values()],
      });
    expect(dump(a)).toEqual(dump(b));
    expect(dump(a)).not.toEqual(dump(c));
  });

  // How fast it generates is the benches' business (`npm run bench -- sync` prints "simulator up in …").
  it("generates a store of exactly the asked size", () => {
    const s = generateStore({ seed: 1, customers: 2000, orders: 10000, now: NOW });
    expect(s.orders.size).toBe(10000);
    expect(s.customers.size).toBe(2000);
  });

  it("has orders in every state, guests, and one converted cart per order", () => {
    const states = new Set(allOrders.map((o) => o.state));
    for (const s of ["new", "processing", "complete", "canceled", "closed", "holded"]) expect(states).toContain(s);
    expect(allOrders.some((o) => o.customer_is_guest === 1 && o.customer_id === undefined)).toBe(true);
    expect(new Set(allOrders.map((o) => o.quote_id)).size).toBe(allOrders.length);
    expect(allOrders.filter((o) => o.state === "new").every((o) => o.status === "pending")).toBe(true);
  });

  it("keeps at most one active cart per customer", () => {
    const seen = new Set<number>();
    for (const c of sim.store.carts.values()) {
      if (!c.isActive || c.customerId === null) continue;
      expect(seen.has(c.customerId)).toBe(false);
      seen.add(c.customerId);
    }
  });
});

describe("contract shapes", () => {
  it("answers every read route with schema-valid bodies", async () => {
    const order = allOrders[10]!;
    const cart = [...sim.store.carts.values()].find((c) => c.isActive && c.items.length > 0)!;
    const memo = [...sim.store.memos.values()][0]!;
    const paths = [
      "/rest/V1/store/websites",
      "/rest/V1/store/storeViews",
      "/rest/V1/store/storeGroups",
      "/rest/V1/store/storeConfigs",
      "/rest/V1/customerGroups/search?searchCriteria=",
      "/rest/V1/directory/countries",
      "/rest/de/V1/directory/countries/DE",
      "/rest/default/V1/customers/search?searchCriteria[pageSize]=20",
      "/rest/V1/customers/1",
      "/rest/V1/customers/addresses/1",
      "/rest/V1/carts/search?searchCriteria[pageSize]=50",
      `/rest/V1/carts/${cart.id}`,
      `/rest/V1/carts/${order.quote_id}`,
      `/rest/V1/carts/${cart.id}/items`,
      `/rest/V1/carts/${cart.id}/payment-methods`,
      `/rest/V1/carts/${cart.id}/selected-payment-method`,
      `/rest/V1/carts/${cart.id}/totals`,
      "/rest/V1/products?searchCriteria[pageSize]=30",
      `/rest/V1/products/${encodeURIComponent(sim.store.products[0]!.sku)}`,
      `/rest/V1/stockItems/${encodeURIComponent(sim.store.products[1]!.sku)}`,
      "/rest/all/V1/orders?searchCriteria[pageSize]=100",
      `/rest/V1/orders/${order.entity_id}`,
      "/rest/V1/creditmemos?searchCriteria[pageSize]=100",
      `/rest/V1/creditmemo/${memo.entityId}`,
    ];
    for (const path of paths) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
    }
  });

  it("keeps every customer, cart and product valid against the schema", async () => {
    for (const path of [
      "/rest/V1/customers/search?searchCriteria=",
      "/rest/V1/carts/search?searchCriteria=",
      "/rest/V1/products?searchCriteria=",
    ]) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect((r.body as Env).items.length).toBe((r.body as Env).total_count);
    }
    // A guest cart's customer is Magento's empty customer object; a guest at checkout has the
    // email on the billing address (the flat customer_email column searches still find it).
    const guests = [...sim.store.carts.values()].filter((c) => c.isActive && c.isGuest);
    const body = (await get(`/rest/V1/carts/${guests.find((c) => !c.billing)!.id}`)).body as Record<string, unknown>;
    expect(body.customer_is_guest).toBe(true);
    expect(body.customer).toEqual({ email: null, firstname: null, lastname: null });
    expect(body.billing_address).toMatchObject({ email: null, country_id: null, region: null, street: [""] });
    const atCheckout = guests.find((c) => c.billing)!;
    const checkout = (await get(`/rest/V1/carts/${atCheckout.id}`)).body as Record<string, unknown>;
    expect(checkout.customer).toEqual({ email: null, firstname: null, lastname: null });
    expect((checkout.billing_address as { email: string }).email).toBe(atCheckout.guest!.email);
    const byEmail = await get(
      `/rest/V1/carts/search?${q({ "searchCriteria[filter_groups][0][filters][0][field]": "customer_email", "searchCriteria[filter_groups][0][filters][0][value]": atCheckout.guest!.email })}`,
    );
    expect((byEmail.body as Env).items.map((c) => c.id)).toContain(atCheckout.id);
  });

  it("sends money as numbers with at most 4 decimals, dates as UTC 'YYYY-MM-DD HH:MM:SS', ids with Magento's types", async () => {
    const r = await get("/rest/V1/orders?searchCriteria[pageSize]=50");
    const env = r.body as Env<Record<string, unknown>>;
    const walk = (v: unknown, key = "") => {
      if (typeof v === "number") expect(Number(v.toFixed(4)), key).toBe(v);
      else if (typeof v === "string" && /_at$/.test(key)) expect(v, key).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
      else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, k);
    };
    walk(env);
    const o = env.items[0]!;
    expect(typeof o.grand_total).toBe("number");
    expect(typeof o.increment_id).toBe("string");
    expect(typeof o.entity_id).toBe("number");
    const c = (await get("/rest/V1/customers/1")).body as Record<string, unknown>;
    expect(typeof c.default_billing).toBe("string");
    expect(typeof (c.extension_attributes as Record<string, unknown>).is_subscribed).toBe("boolean");
  });
});

describe("searchCriteria", () => {
  const search = async (params: Record<string, string | number>, path = "/rest/V1/orders") => {
    const r = await get(`${path}?${q(params)}`);
    expect(r.status).toBe(200);
    return r.body as Env<OrderRow>;
  };
  const f = (g: number, i: number, field: string, value: string | number, type?: string) => ({
    [`searchCriteria[filter_groups][${g}][filters][${i}][field]`]: field,
    [`searchCriteria[filter_groups][${g}][filters][${i}][value]`]: value,
    ...(type ? { [`searchCriteria[filter_groups][${g}][filters][${i}][condition_type]`]: type } : {}),
  });
  const count = (pred: (o: OrderRow) => boolean) => allOrders.filter(pred).length;

  it("ORs filters inside a group and ANDs groups", async () => {
    const or = await search({ ...f(0, 0, "state", "complete"), ...f(0, 1, "state", "canceled"), "searchCriteria[pageSize]": 5 });
    expect(or.total_count).toBe(count((o) => o.state === "complete" || o.state === "canceled"));
    const and = await search({ ...f(0, 0, "state", "complete"), ...f(1, 0, "store_id", 2), "searchCriteria[pageSize]": 5 });
    expect(and.total_count).toBe(count((o) => o.state === "complete" && o.store_id === 2));
    expect(and.total_count).toBeGreaterThan(0);
  });

  it("implements every condition type", async () => {
    const mid = allOrders[700]!;
    const g = cents(mid.grand_total) / 100;
    const cases: [string, string | number, string, (o: OrderRow) => boolean][] = [
      ["state", "processing", "eq", (o) => o.state === "processing"],
      ["state", "complete", "neq", (o) => o.state !== "complete"],
      ["grand_total", g, "gt", (o) => o.grand_total > g],
      ["grand_total", g, "gteq", (o) => o.grand_total >= g],
      ["grand_total", g, "moreq", (o) => o.grand_total >= g],
      ["grand_total", g, "lt", (o) => o.grand_total < g],
      ["grand_total", g, "lteq", (o) => o.grand_total <= g],
      ["created_at", String(mid.created_at), "from", (o) => String(o.created_at) >= String(mid.created_at)],
      ["created_at", String(mid.created_at), "to", (o) => String(o.created_at) <= String(mid.created_at)],
      [
        "created_at",
        String(mid.created_at).slice(0, 10),
        "gteq",
        (o) => String(o.created_at) >= `${String(mid.created_at).slice(0, 10)} 00:00:00`,
      ],
      ["state", "closed,holded", "in", (o) => o.state === "closed" || o.state === "holded"],
      ["state", "complete,canceled", "nin", (o) => o.state !== "complete" && o.state !== "canceled"],
      ["customer_email", "%@example.org", "like", (o) => String(o.customer_email).endsWith("@example.org")],
      ["increment_id", "00000001_", "like", (o) => /^00000001\d$/.test(String(o.increment_id))],
      ["customer_email", "%example.com", "nlike", (o) => !String(o.customer_email).endsWith("example.com")],
      ["coupon_code", "", "null", (o) => o.coupon_code === undefined],
      ["coupon_code", "", "notnull", (o) => o.coupon_code !== undefined],
      [
        "applied_rule_ids",
        "1",
        "finset",
        (o) =>
          String(o.applied_rule_ids ?? "")
            .split(",")
            .includes("1"),
      ],
      ["applied_rule_ids", "1", "nfinset", (o) => o.applied_rule_ids !== undefined && !String(o.applied_rule_ids).split(",").includes("1")],
      [
        "customer_id",
        String(allOrders.find((o) => o.customer_id)!.customer_id),
        "",
        (o) => o.customer_id === allOrders.find((x) => x.customer_id)!.customer_id,
      ],
    ];
    for (const [field, value, type, pred] of cases) {
      const r = await search({ ...f(0, 0, field, value, type || undefined), "searchCriteria[pageSize]": 1 });
      expect(r.total_count, `${field} ${type || "(default eq)"} ${value}`).toBe(count(pred));
    }
  });

  it("compares strings case-insensitively and casts like MySQL", async () => {
    const upper = await search({ ...f(0, 0, "state", "COMPLETE"), "searchCriteria[pageSize]": 1 });
    expect(upper.total_count).toBe(count((o) => o.state === "complete"));
    const carts = (p: Record<string, string | number>) => search(p, "/rest/V1/carts/search");
    const inactive = sim.store.state().carts.inactive;
    expect((await carts({ ...f(0, 0, "is_active", "0"), "searchCriteria[pageSize]": 1 })).total_count).toBe(inactive);
    // 'true' casts to 0 in MySQL: the inactive carts, as on a real store
    expect((await carts({ ...f(0, 0, "is_active", "true"), "searchCriteria[pageSize]": 1 })).total_count).toBe(inactive);
  });

  it("sorts by several orders, ASC and DESC", async () => {
    const r = await search({
      "searchCriteria[sortOrders][0][field]": "state",
      "searchCriteria[sortOrders][0][direction]": "ASC",
      "searchCriteria[sortOrders][1][field]": "grand_total",
      "searchCriteria[sortOrders][1][direction]": "DESC",
      "searchCriteria[pageSize]": 300,
      fields: "items[entity_id,state,grand_total],total_count",
    });
    for (let i = 1; i < r.items.length; i++) {
      const a = r.items[i - 1]!,
        b = r.items[i]!;
      expect(String(a.state) <= String(b.state)).toBe(true);
      if (a.state === b.state) expect(a.grand_total).toBeGreaterThanOrEqual(b.grand_total);
    }
  });

  it("accepts snake_case and camelCase spellings alike", async () => {
    const snake = await search({
      "searchCriteria[filter_groups][0][filters][0][field]": "grand_total",
      "searchCriteria[filter_groups][0][filters][0][value]": 100,
      "searchCriteria[filter_groups][0][filters][0][condition_type]": "gt",
      "searchCriteria[sort_orders][0][field]": "created_at",
      "searchCriteria[sort_orders][0][direction]": "DESC",
      "searchCriteria[page_size]": 7,
      "searchCriteria[current_page]": 2,
    });
    const camel = await search({
      "searchCriteria[filterGroups][0][filters][0][field]": "grand_total",
      "searchCriteria[filterGroups][0][filters][0][value]": 100,
      "searchCriteria[filterGroups][0][filters][0][conditionType]": "gt",
      "searchCriteria[sortOrders][0][field]": "created_at",
      "searchCriteria[sortOrders][0][direction]": "DESC",
      "searchCriteria[pageSize]": 7,
      "searchCriteria[currentPage]": 2,
    });
    expect(camel.items.map((o) => o.entity_id)).toEqual(snake.items.map((o) => o.entity_id));
    expect(camel.total_count).toBe(snake.total_count);
    expect(snake.items).toHaveLength(7);
    expect(snake.search_criteria).toEqual({
      filter_groups: [{ filters: [{ field: "grand_total", value: "100", condition_type: "gt" }] }],
      sort_orders: [{ field: "created_at", direction: "DESC" }],
      page_size: 7,
      current_page: 2,
    });
  });

  it("returns every match without pageSize, [] past the end, or the last page again in replay mode", async () => {
    const all = await search({ ...f(0, 0, "state", "closed") });
    expect(all.items.length).toBe(all.total_count);
    const total = allOrders.length;
    const past = await search({
      "searchCriteria[pageSize]": 100,
      "searchCriteria[currentPage]": 99,
      fields: "items[entity_id],total_count",
    });
    expect(past.items).toEqual([]);
    expect(past.total_count).toBe(total);
    sim.control.setReplayLastPage(true);
    try {
      const replay = await search({
        "searchCriteria[pageSize]": 100,
        "searchCriteria[currentPage]": 99,
        fields: "items[entity_id],total_count",
      });
      const last = await search({
        "searchCriteria[pageSize]": 100,
        "searchCriteria[currentPage]": Math.ceil(total / 100),
        fields: "items[entity_id],total_count",
      });
      expect(replay.items.length).toBeGreaterThan(0);
      expect(replay.items).toEqual(last.items);
    } finally {
      sim.control.setReplayLastPage(false);
    }
  });

  it("trims the response with fields=", async () => {
    const r = await get(`/rest/V1/orders?${q({ "searchCriteria[pageSize]": 3, fields: "items[entity_id,increment_id],total_count" })}`);
    expect(Object.keys(r.body as object).sort()).toEqual(["items", "total_count"]);
    for (const item of (r.body as Env).items) expect(Object.keys(item).sort()).toEqual(["entity_id", "increment_id"]);
    const only = await get(`/rest/V1/orders?${q({ "searchCriteria[pageSize]": 2, fields: "items[increment_id]" })}`);
    expect(Object.keys(only.body as object)).toEqual(["items"]);
    const one = await get(`/rest/V1/orders/1?fields=entity_id,billing_address[city]`);
    expect(Object.keys(one.body as object).sort()).toEqual(["billing_address", "entity_id"]);
  });

  it("requires searchCriteria and caps pageSize at 300", async () => {
    for (const path of [
      "/rest/V1/orders",
      "/rest/V1/customers/search",
      "/rest/V1/carts/search",
      "/rest/V1/creditmemos",
      "/rest/V1/products",
      "/rest/V1/customerGroups/search",
    ]) {
      const r = await get(path);
      expect(r.status, path).toBe(400);
      expect(r.body).toEqual({ message: "%fieldName is a required field.", parameters: { fieldName: "searchCriteria" } });
    }
    const big = await get("/rest/V1/orders?searchCriteria[pageSize]=301");
    expect(big.status).toBe(400);
    expect(big.body).toEqual({ message: "Maximum SearchCriteria pageSize is %max", parameters: { max: 300 } });
    const bad = await get("/rest/V1/orders?searchCriteria[pageSize]=ten");
    expect(bad.status).toBe(400);
    expect((bad.body as { parameters: unknown }).parameters).toEqual({ value: "ten", type: "int" });
  });

  it("fails like Magento's SQL on an unknown column (masked 500)", async () => {
    const r = await get(`/rest/V1/orders?${q({ ...f(0, 0, "no_such_column", "1") })}`);
    expect(r.status).toBe(500);
    expect((r.body as { message: string }).message).toMatch(
      /^Internal Error\. Details are available in Magento log file\. Report ID: webapi-\w+$/,
    );
  });
});

describe("totals", () => {
  it("adds up exactly on every order and credit memo", async () => {
    const r = await get("/rest/V1/orders?searchCriteria=");
    const orders = (r.body as Env<Record<string, unknown>>).items;
    const memos = ((await get("/rest/V1/creditmemos?searchCriteria=")).body as Env<Record<string, unknown>>).items;
    const memosByOrder = new Map<number, Record<string, unknown>[]>();
    for (const m of memos) memosByOrder.set(m.order_id as number, [...(memosByOrder.get(m.order_id as number) ?? []), m]);
    for (const o of orders) {
      const items = o.items as Record<string, unknown>[];
      expect(cents(o.subtotal)).toBe(items.reduce((acc, i) => acc + cents(i.row_total), 0));
      // discount_amount is negative on Magento orders
      expect(cents(o.grand_total)).toBe(cents(o.subtotal) + cents(o.shipping_amount) + cents(o.tax_amount) + cents(o.discount_amount));
      expect(cents(o.base_grand_total)).toBe(
        cents(o.base_subtotal) + cents(o.base_shipping_amount) + cents(o.base_tax_amount) + cents(o.base_discount_amount),
      );
      const ms = memosByOrder.get(o.entity_id as number) ?? [];
      expect(cents(o.total_refunded)).toBe(ms.reduce((acc, m) => acc + cents(m.grand_total), 0));
      expect(cents(o.total_refunded)).toBeLessThanOrEqual(cents(o.grand_total));
      if (o.state === "closed") expect(cents(o.total_refunded)).toBe(cents(o.grand_total));
      for (const m of ms) {
        expect(cents(m.grand_total)).toBe(
          cents(m.subtotal) +
            cents(m.shipping_amount) +
            cents(m.tax_amount) +
            cents(m.discount_amount) +
            cents(m.adjustment_positive) -
            cents(m.adjustment_negative),
        );
        expect(cents(m.grand_total)).toBeLessThanOrEqual(cents(o.grand_total));
      }
    }
    expect(memos.some((m) => memosByOrder.get(m.order_id as number)!.length >= 1)).toBe(true);
  });
});

describe("currencies", () => {
  type Money = Record<string, unknown>;
  const setup = (o: Money) => [
    o.order_currency_code,
    o.base_currency_code,
    o.global_currency_code,
    o.base_to_order_rate,
    o.base_to_global_rate,
  ];

  it("is a two-currency install: Main Website in USD (its French view selling in EUR), Europe Website in a EUR base", async () => {
    const orders = ((await get("/rest/V1/orders?searchCriteria=")).body as Env<Money>).items;
    const byStore = new Map<number, Set<string>>();
    for (const o of orders)
      byStore.set(o.store_id as number, (byStore.get(o.store_id as number) ?? new Set()).add(JSON.stringify(setup(o))));
    expect([...byStore.get(1)!]).toEqual([JSON.stringify(["USD", "USD", "USD", 1, 1])]);
    expect([...byStore.get(2)!]).toEqual([JSON.stringify(["EUR", "USD", "USD", 0.92, 1])]);
    expect([...byStore.get(3)!]).toEqual([JSON.stringify(["EUR", "EUR", "USD", 1, 1.0815])]);
    // On the Europe website the base amounts are the EUR order amounts, line by line.
    for (const o of orders.filter((x) => x.store_id === 3)) {
      for (const key of ["grand_total", "subtotal", "discount_amount", "shipping_amount", "tax_amount"])
        expect(o[`base_${key}`], key).toBe(o[key]);
      for (const item of o.items as Money[])
        for (const key of ["price", "row_total", "tax_amount", "discount_amount"]) expect(item[`base_${key}`]).toBe(item[key]);
    }
    const memos = ((await get("/rest/V1/creditmemos?searchCriteria=")).body as Env<Money>).items;
    const european = memos.filter((m) => m.store_id === 3);
    expect(european.length).toBeGreaterThan(0);
    for (const m of european) {
      expect([m.base_currency_code, m.global_currency_code, m.base_to_global_rate]).toEqual(["EUR", "USD", 1.0815]);
      expect(m.base_grand_total).toBe(m.grand_total);
    }
    const configs = (await get("/rest/V1/store/storeConfigs")).body as Money[];
    expect(configs.map((c) => [c.code, c.base_currency_code, c.default_display_currency_code])).toEqual([
      ["default", "USD", "USD"],
      ["fr", "USD", "EUR"],
      ["de", "EUR", "EUR"],
    ]);
  });

  it("carts and their totals carry the website's base currency and rate", async () => {
    const active = (storeId: number) =>
      `/rest/V1/carts/search?${q({
        "searchCriteria[filter_groups][0][filters][0][field]": "store_id",
        "searchCriteria[filter_groups][0][filters][0][value]": storeId,
        "searchCriteria[filter_groups][1][filters][0][field]": "is_active",
        "searchCriteria[filter_groups][1][filters][0][value]": 1,
        "searchCriteria[pageSize]": 50,
      })}`;
    const de = ((await get(active(3))).body as Env<Money>).items.find((c) => (c.items as unknown[]).length > 0)!;
    expect(de.currency).toMatchObject({
      base_currency_code: "EUR",
      quote_currency_code: "EUR",
      global_currency_code: "USD",
      base_to_quote_rate: 1,
      base_to_global_rate: 1.0815,
    });
    const totals = (await get(`/rest/V1/carts/${String(de.id)}/totals`)).body as Money;
    expect(totals).toMatchObject({ base_currency_code: "EUR", quote_currency_code: "EUR" });
    expect(totals.base_grand_total).toBe(totals.grand_total);
    const fr = ((await get(active(2))).body as Env<Money>).items[0]!;
    expect(fr.currency).toMatchObject({
      base_currency_code: "USD",
      quote_currency_code: "EUR",
      base_to_quote_rate: 0.92,
      base_to_global_rate: 1,
    });
  });

  it("figures add up Σ base_grand_total × base_to_global_rate exactly", async () => {
    const orders = ((await get("/rest/V1/orders?searchCriteria=")).body as Env<Money>).items;
    // In units of 10^-6 (cents × a rate of 4 places): integers, no float sum.
    let units = 0n;
    for (const o of orders) units += BigInt(cents(o.base_grand_total)) * BigInt(Math.round(Number(o.base_to_global_rate) * 10_000));
    const text = units.toString();
    const figures = sim.control.figures();
    expect(figures.orders.globalGrandTotal.replace(".", "").padEnd(text.length, "0")).toBe(text);
    expect(figures.orders.globalGrandTotal).not.toBe(figures.orders.baseGrandTotal);
  });
});

describe("authentication", () => {
  const path = "/rest/V1/orders/1";
  it("rejects a missing or unknown bearer with 401 and the ACL resource", async () => {
    for (const auth of [null, "Bearer nope"]) {
      const r = await get(path, auth);
      expect(r.status).toBe(401);
      expect(r.body).toEqual({
        message: "The consumer isn't authorized to access %resources.",
        parameters: { resources: "Magento_Sales::actions_view" },
      });
    }
    expect((await get("/rest/V1/directory/countries", null)).status).toBe(200);
  });

  it("issues admin tokens and refuses wrong credentials", async () => {
    const ok = await call("POST", "/rest/V1/integration/admin/token", { auth: null, body: sim.admin });
    expect(ok.status).toBe(200);
    expect(typeof ok.body).toBe("string");
    expect((await get(path, `Bearer ${ok.body as string}`)).status).toBe(200);
    const bad = await call("POST", "/rest/V1/integration/admin/token", { auth: null, body: { username: "admin", password: "wrong" } });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({
      message: "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.",
    });
    const missing = await call("POST", "/rest/V1/integration/admin/token", { auth: null, body: {} });
    expect(missing.status).toBe(400);
    expect((await get(path, `Bearer ${sim.integration.accessToken}`)).status).toBe(200);
  });

  it("verifies OAuth 1.0a HMAC-SHA256 signatures, timestamps and nonces", async () => {
    const target = `/rest/default/V1/orders?${q({ "searchCriteria[filter_groups][0][filters][0][field]": "state", "searchCriteria[filter_groups][0][filters][0][value]": "new", "searchCriteria[pageSize]": 2 })}`;
    const url = `${sim.baseUrl}${target}`;
    const good = signOAuthRequest("GET", url, sim.integration, { nonce: "n-good" });
    expect((await get(target, good)).status).toBe(200);
    expect((await get(target, good)).status).toBe(401); // same nonce again
    const wrongSecret = signOAuthRequest("GET", url, { ...sim.integration, consumerSecret: "x" }, { nonce: "n-bad" });
    expect((await get(target, wrongSecret)).status).toBe(401);
    const otherUrl = signOAuthRequest("GET", `${sim.baseUrl}/rest/default/V1/orders/2`, sim.integration, { nonce: "n-url" });
    expect((await get(target, otherUrl)).status).toBe(401);
    const stale = signOAuthRequest("GET", url, sim.integration, { nonce: "n-old", timestamp: Math.floor(Date.now() / 1000) - 11 * 60 });
    const staleRes = await get(target, stale);
    expect(staleRes.status).toBe(401);
    expect(staleRes.body).toHaveProperty("message");
    const unknown = signOAuthRequest("GET", url, { ...sim.integration, consumerKey: "someone-else" }, { nonce: "n-who" });
    expect((await get(target, unknown)).status).toBe(401);
    const sha1 = signOAuthRequest("GET", url, sim.integration, { nonce: "n-sha1", signatureMethod: "HMAC-SHA1" });
    expect((await get(target, sha1)).status).toBe(200);
  });
});

describe("checkout and place order", () => {
  it("places an order from a customer cart and deactivates the cart", async () => {
    const customer = [...sim.store.customers.values()].find((c) => !sim.store.activeCartByCustomer.has(c.id))!;
    const created = await call("POST", `/rest/V1/customers/${customer.id}/carts`);
    expect(created.status).toBe(200);
    const cartId = created.body as number;
    expect(typeof cartId).toBe("number");
    expect((await call("POST", `/rest/V1/customers/${customer.id}/carts`)).body).toBe(cartId);

    const empty = await call("PUT", `/rest/V1/carts/${cartId}/order`, { body: { paymentMethod: { method: "checkmo" } } });
    expect(empty.status).toBe(400);
    expect((empty.body as { message: string }).message).toMatch(/^Unable to place order/);

    const inStock = sim.store.products.filter((p) => p.qty > 10);
    const outOfStock = sim.store.products.find((p) => p.qty === 0)!;
    const add = await call("POST", `/rest/V1/carts/${cartId}/items`, {
      body: { cartItem: { sku: inStock[0]!.sku, qty: 2, quote_id: String(cartId) } },
    });
    expect(add.status).toBe(200);
    expect(add.body).toMatchObject({ sku: inStock[0]!.sku, qty: 2, quote_id: String(cartId), product_type: "simple" });
    await call("POST", `/rest/V1/carts/${cartId}/items`, {
      body: { cartItem: { sku: inStock[1]!.sku, qty: 1, quote_id: String(cartId) } },
    });
    const unknownSku = await call("POST", `/rest/V1/carts/${cartId}/items`, {
      body: { cartItem: { sku: "NOPE-123", qty: 1, quote_id: String(cartId) } },
    });
    expect(unknownSku.status).toBe(404);
    const oos = await call("POST", `/rest/V1/carts/${cartId}/items`, {
      body: { cartItem: { sku: outOfStock.sku, qty: 1, quote_id: String(cartId) } },
    });
    expect(oos.status).toBe(400);
    expect(oos.body).toEqual({ message: "The requested qty is not available" });

    const address = {
      region: "New York",
      region_id: 43,
      region_code: "NY",
      country_id: "US",
      street: ["123 Oak Ave"],
      postcode: "10577",
      city: "Purchase",
      firstname: "Jane",
      lastname: "Doe",
      email: customer.email,
      telephone: "512-555-1111",
    };
    const rates = await call("POST", `/rest/V1/carts/${cartId}/estimate-shipping-methods`, { body: { address } });
    expect((rates.body as { carrier_code: string }[]).map((r) => r.carrier_code)).toContain("flatrate");
    const info = await call("POST", `/rest/V1/carts/${cartId}/shipping-information`, {
      body: {
        addressInformation: {
          shipping_address: address,
          billing_address: address,
          shipping_carrier_code: "flatrate",
          shipping_method_code: "flatrate",
        },
      },
    });
    expect(info.status).toBe(200);
    const totals = (info.body as { totals: Record<string, number> }).totals;
    expect(cents(totals.grand_total)).toBe(
      cents(totals.subtotal) + cents(totals.shipping_amount) + cents(totals.tax_amount) + cents(totals.discount_amount),
    );
    expect(totals.shipping_amount).toBe(15);
    const badCarrier = await call("POST", `/rest/V1/carts/${cartId}/shipping-information`, {
      body: { addressInformation: { shipping_address: address, shipping_carrier_code: "ups", shipping_method_code: "ground" } },
    });
    expect(badCarrier.status).toBe(404);
    const methods = await call("GET", `/rest/V1/carts/${cartId}/payment-methods`);
    expect((methods.body as { code: string }[]).map((m) => m.code).sort()).toEqual([
      "banktransfer",
      "cashondelivery",
      "checkmo",
      "purchaseorder",
    ]);
    const selected = await call("PUT", `/rest/V1/carts/${cartId}/selected-payment-method`, {
      body: { method: { method: "banktransfer" } },
    });
    expect(typeof selected.body).toBe("string");

    const placed = await call("PUT", `/rest/V1/carts/${cartId}/order`, { body: { paymentMethod: { method: "checkmo" } } });
    expect(placed.status).toBe(200);
    const orderId = placed.body as number;
    expect(typeof orderId).toBe("number");
    const order = (await get(`/rest/V1/orders/${orderId}`)).body as Record<string, unknown>;
    expect(order).toMatchObject({ quote_id: cartId, state: "new", status: "pending", customer_id: customer.id, customer_is_guest: 0 });
    expect((order.payment as Record<string, unknown>).method).toBe("checkmo");
    expect(order.grand_total).toBe(totals.grand_total);
    const prevMax = allOrders
      .filter((o) => o.store_id === order.store_id)
      .map((o) => String(o.increment_id))
      .sort()
      .at(-1)!;
    expect(String(order.increment_id) > prevMax).toBe(true);
    const cart = (await get(`/rest/V1/carts/${cartId}`)).body as Record<string, unknown>;
    expect(cart.is_active).toBe(false);
    expect(cart.reserved_order_id).toBe(order.increment_id);

    const again = await call("PUT", `/rest/V1/carts/${cartId}/order`, { body: { paymentMethod: { method: "checkmo" } } });
    expect(again.status).toBe(404);
    expect(again.body).toEqual({
      message: "No such entity with %fieldName = %fieldValue",
      parameters: { fieldName: "cartId", fieldValue: String(cartId) },
    });
    expect(sim.control.pushed().placedOrders.some((p) => p.orderId === orderId && p.cartId === cartId)).toBe(true);
    const fresh = await call("POST", `/rest/V1/customers/${customer.id}/carts`);
    expect(fresh.body).not.toBe(cartId);
  });

  it("replaces a customer on PUT and records subscription changes", async () => {
    const before = (await get("/rest/V1/customers/2")).body as Record<string, unknown>;
    const ext = before.extension_attributes as { is_subscribed: boolean };
    const put = await call("PUT", "/rest/V1/customers/2", {
      body: { customer: { ...before, lastname: "Changed", extension_attributes: { is_subscribed: !ext.is_subscribed } } },
    });
    expect(put.status).toBe(200);
    const after = put.body as Record<string, unknown>;
    expect(after.lastname).toBe("Changed");
    expect(String(after.updated_at) >= String(before.updated_at)).toBe(true);
    expect((after.extension_attributes as { is_subscribed: boolean }).is_subscribed).toBe(!ext.is_subscribed);
    const pushed = sim.control.pushed();
    expect(pushed.subscriptionChanges.at(-1)).toMatchObject({ customerId: 2, from: ext.is_subscribed, to: !ext.is_subscribed });
    expect(pushed.customerUpdates.at(-1)!.before.lastname).toBe(before.lastname);
    const invalid = await call("PUT", "/rest/V1/customers/2", { body: { customer: { ...before, firstname: "" } } });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({ message: '"%fieldName" is required. Enter and try again.', parameters: { fieldName: "firstname" } });
    expect((await call("PUT", "/rest/V1/customers/2", { body: {} })).body).toEqual({
      message: "%fieldName is a required field.",
      parameters: { fieldName: "customer" },
    });
  });
});

describe("errors", () => {
  it("shapes 404s and type errors like Magento", async () => {
    expect((await get("/rest/V1/nothing/here")).body).toEqual({ message: "Request does not match any route." });
    const store = await get("/rest/xx/V1/orders/1");
    expect(store.status).toBe(404);
    expect(store.body).toEqual({ message: "Request does not match any route." });
    expect((await call("DELETE", "/rest/V1/orders/1")).status).toBe(404);
    const order = await get("/rest/V1/orders/999999");
    expect(order.status).toBe(404);
    expect(order.body).toEqual({ message: "The entity that was requested doesn't exist. Verify the entity and try again." });
    const customer = await get("/rest/V1/customers/999999");
    expect(customer.body).toEqual({
      message: "No such entity with %fieldName = %fieldValue",
      parameters: { fieldName: "customerId", fieldValue: "999999" },
    });
    const type = await get("/rest/V1/orders/abc");
    expect(type.status).toBe(400);
    expect(type.body).toEqual({
      message: 'The "%value" value\'s type is invalid. The "%type" type was expected. Verify and try again.',
      parameters: { value: "abc", type: "int" },
    });
    for (const code of ["default", "fr", "de", "all"]) expect((await get(`/rest/${code}/V1/orders/1`)).status).toBe(200);
  });
});

describe("control API", () => {
  const ctl = async (method: string, path: string, body?: unknown, auth?: string | null) =>
    call(method, `/__simulator${path}`, { body, auth, validate: false });

  it("needs the token and reports state", async () => {
    expect((await ctl("GET", "/state", undefined, null)).status).toBe(401);
    const state = (await ctl("GET", "/state")).body as { orders: { total: number } };
    expect(state.orders.total).toBeGreaterThanOrEqual(1500);
  });

  it("tick adds orders with a later updated_at, progresses, refunds and deletes", async () => {
    const maxBefore = allOrders
      .map((o) => String(o.updated_at))
      .sort()
      .at(-1)!;
    const r = await ctl("POST", "/tick", {
      newOrders: 3,
      newCarts: 2,
      progressOrders: 2,
      refundOrders: 1,
      editCustomers: 2,
      deleteCustomers: 1,
      deleteCarts: 1,
    });
    expect(r.status).toBe(200);
    const t = r.body as {
      at: string;
      created: { orders: number[] };
      creditmemos: number[];
      deleted: { customers: number[]; carts: number[] };
    };
    expect(t.created.orders).toHaveLength(3);
    expect(t.creditmemos).toHaveLength(1);
    const changed = await get(
      `/rest/V1/orders?${q({ "searchCriteria[filter_groups][0][filters][0][field]": "updated_at", "searchCriteria[filter_groups][0][filters][0][value]": maxBefore, "searchCriteria[filter_groups][0][filters][0][condition_type]": "gt", "searchCriteria[pageSize]": 100 })}`,
    );
    const ids = (changed.body as Env<OrderRow>).items.map((o) => o.entity_id);
    for (const id of t.created.orders) expect(ids).toContain(id);
    const memo = await get(`/rest/V1/creditmemo/${t.creditmemos[0]}`);
    expect(memo.status).toBe(200);
    const gone = t.deleted.customers[0]!;
    expect((await get(`/rest/V1/customers/${gone}`)).status).toBe(404);
    const found = await get(
      `/rest/V1/customers/search?${q({ "searchCriteria[filter_groups][0][filters][0][field]": "entity_id", "searchCriteria[filter_groups][0][filters][0][value]": gone })}`,
    );
    expect((found.body as Env).total_count).toBe(0);
    expect((await get(`/rest/V1/carts/${t.deleted.carts[0]}`)).status).toBe(404);
    expect((await ctl("POST", "/tick", { newOrders: -1 })).status).toBe(400);
  });

  it("places an order on a given store view at a given created_at", async () => {
    const customer = [...sim.store.customers.values()].find((c) => c.website_id === 2)!;
    const placed = await ctl("POST", "/orders", { storeId: 3, createdAt: "2025-12-31 22:59:59", customerId: customer.id });
    expect(placed.status).toBe(200);
    const p = placed.body as {
      orderId: number;
      cartId: number;
      createdAt: string;
      updatedAt: string;
      baseCurrency: string;
      grandTotal: number;
      baseGrandTotal: number;
    };
    expect(p).toMatchObject({ createdAt: "2025-12-31 22:59:59", baseCurrency: "EUR" });
    expect(p.baseGrandTotal).toBe(p.grandTotal);
    const order = (await get(`/rest/V1/orders/${p.orderId}`)).body as Record<string, unknown>;
    expect(order).toMatchObject({
      store_id: 3,
      created_at: "2025-12-31 22:59:59",
      customer_id: customer.id,
      base_currency_code: "EUR",
      base_to_global_rate: 1.0815,
      quote_id: p.cartId,
      state: "new",
    });
    // updated_at is the simulator's clock: an incremental sync asking for recent changes sees the order.
    expect(String(order.updated_at) > "2025-12-31 22:59:59").toBe(true);
    expect((await get(`/rest/V1/carts/${p.cartId}`)).body).toMatchObject({ is_active: false, store_id: 3 });

    const iso = await ctl("POST", "/orders", { storeId: 2, createdAt: "2026-01-01T00:30:00+01:00" });
    expect(iso.status).toBe(200);
    const guest = (await get(`/rest/V1/orders/${(iso.body as { orderId: number }).orderId}`)).body as Record<string, unknown>;
    expect(guest).toMatchObject({
      store_id: 2,
      created_at: "2025-12-31 23:30:00",
      customer_is_guest: 1,
      order_currency_code: "EUR",
      base_currency_code: "USD",
    });

    for (const body of [
      { storeId: 9, createdAt: "2026-01-01 00:00:00" },
      { storeId: 1, createdAt: "yesterday" },
      { storeId: 1, createdAt: "2026-01-01 00:00:00", customerId: customer.id },
      { storeId: 1, createdAt: "2026-01-01 00:00:00", qty: 2 },
    ]) {
      expect((await ctl("POST", "/orders", body)).status, JSON.stringify(body)).toBe(400);
    }
  });

  it("injects 500s, 429s, latency, malformed records and hangs", async () => {
    await ctl("POST", "/faults", { path: "/V1/orders", status: 500, times: 1 });
    const e500 = await get("/rest/V1/orders/1");
    expect(e500.status).toBe(500);
    expect((e500.body as { message: string }).message).toMatch(/Report ID: webapi-/);
    expect((await get("/rest/V1/orders/1")).status).toBe(200);

    await ctl("POST", "/faults", { rules: [{ path: "/V1/customers", status: 429, retryAfter: 7, times: 1 }] });
    const e429 = await get("/rest/V1/customers/1");
    expect(e429.status).toBe(429);
    expect(e429.headers.get("retry-after")).toBe("7");

    await ctl("POST", "/faults", { path: "/V1/store/websites", latencyMs: 300, times: 1 });
    const started = Date.now();
    expect((await get("/rest/V1/store/websites")).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    await ctl("POST", "/faults", { path: "/V1/orders", malformed: { field: "grand_total", mode: "string" }, times: 1 });
    const bad = await call("GET", "/rest/V1/orders?searchCriteria[pageSize]=2", { validate: false });
    expect(typeof (bad.body as Env).items[0]!.grand_total).toBe("string");
    expect(validateResponse("GET", "/rest/V1/orders", 200, bad.body).ok).toBe(false);
    await ctl("POST", "/faults", { path: "/V1/orders/3", malformed: { field: "increment_id", mode: "delete" }, times: 1 });
    expect((await call("GET", "/rest/V1/orders/3", { validate: false })).body).not.toHaveProperty("increment_id");

    await ctl("POST", "/faults", { path: "/V1/carts/search", hang: true, times: 1 });
    await expect(
      fetch(`${sim.baseUrl}/rest/V1/carts/search?searchCriteria=`, {
        headers: { Authorization: `Bearer ${sim.adminToken}` },
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();

    const ruleSet = await ctl("POST", "/faults", { status: 503, percent: 0 });
    expect((ruleSet.body as { rules: unknown[] }).rules).toHaveLength(1);
    expect((await get("/rest/V1/orders/1")).status).toBe(200);
    await ctl("DELETE", "/faults");
    expect(((await ctl("GET", "/faults")).body as { rules: unknown[] }).rules).toEqual([]);
    expect((await ctl("POST", "/faults", { status: 200 })).status).toBe(400);

    const requests = (await ctl("GET", "/requests")).body as {
      total: number;
      byStatus: Record<string, number>;
      log: { route: string | null }[];
    };
    expect(requests.total).toBeGreaterThan(10);
    expect(requests.byStatus["429"]).toBeGreaterThanOrEqual(1);
  });

  it("reports the most requests in flight at once (injected latency and hangs included) and per second; DELETE resets them", async () => {
    type Pressure = { inFlight: number; maxConcurrent: number; maxPerSecond: number; total: number };
    const pressure = async () => (await ctl("GET", "/requests?limit=1")).body as Pressure;
    const cleared = (await ctl("DELETE", "/requests")).body as Pressure;
    expect(cleared).toMatchObject({ inFlight: 0, maxConcurrent: 0, maxPerSecond: 0, total: 0 });

    // The latency rule for all requests: five at once spend 250 ms each in the simulator together.
    await ctl("POST", "/faults", { latencyMs: 250 });
    const answers = await Promise.all([1, 2, 3, 4, 5].map((id) => get(`/rest/V1/orders/${id}`)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    await ctl("DELETE", "/faults");
    for (const id of [6, 7, 8]) expect((await get(`/rest/V1/orders/${id}`)).status).toBe(200);
    // Control API calls (these reads included) do not count.
    expect(await pressure()).toMatchObject({ maxConcurrent: 5, maxPerSecond: 8, total: 8 });

    // A request that never gets an answer stays in flight until its connection closes.
    await ctl("POST", "/faults", { path: "/V1/carts/search", hang: true, times: 1 });
    const abandoned = fetch(`${sim.baseUrl}/rest/V1/carts/search?searchCriteria=`, {
      headers: { Authorization: `Bearer ${sim.adminToken}` },
      signal: AbortSignal.timeout(400),
    }).catch(() => "aborted");
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await pressure()).inFlight).toBe(1);
    expect(await abandoned).toBe("aborted");
    for (let i = 0; i < 40 && (await pressure()).inFlight > 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect((await pressure()).inFlight).toBe(0);

    expect((await ctl("DELETE", "/requests")).body).toMatchObject({ inFlight: 0, maxConcurrent: 0, maxPerSecond: 0, total: 0 });
    expect((await get("/rest/V1/orders/1")).status).toBe(200);
    expect(await pressure()).toMatchObject({ maxConcurrent: 1, maxPerSecond: 1 });
  });
});
