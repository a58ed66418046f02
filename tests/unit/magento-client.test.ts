import { describe, expect, it } from "vitest";
import { createMagentoClient, requestAdminToken } from "@/lib/magento/client";
import { MagentoSchemaError } from "@/lib/magento/errors";
import type { RequestTiming } from "@/lib/magento/http";
import { customerSubscription } from "@/lib/magento/newsletter";
import { searchCriteria, SearchCriteriaError } from "@/lib/magento/search-criteria";

// The client's routes, bodies and answers, with an in-memory fetch that plays Magento.

interface Call {
  method: string;
  url: URL;
  body: unknown;
  headers: Headers;
}

type Route = (call: Call) => { status?: number; body: unknown } | undefined;

function fakeMagento(route: Route) {
  const calls: Call[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const call: Call = {
      method: init?.method ?? "GET",
      url: new URL(String(input)),
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
      headers: new Headers(init?.headers),
    };
    calls.push(call);
    const answer = route(call) ?? { status: 404, body: { message: "Request does not match any route." } };
    return new Response(JSON.stringify(answer.body), { status: answer.status ?? 200, headers: { "Content-Type": "application/json" } });
  };
  const timings: RequestTiming[] = [];
  const client = createMagentoClient({
    baseUrl: "https://shop.example.com/",
    auth: { type: "bearer", token: "token-123456" },
    fetch,
    requestsPerSecond: null,
    maxRetries: 0,
    onRequest: (timing) => timings.push(timing),
  });
  return { client, calls, timings };
}

const customer = {
  id: 5,
  group_id: 1,
  created_at: "2024-01-01 10:00:00",
  updated_at: "2024-01-02 10:00:00",
  email: "jane@example.com",
  firstname: "Jane",
  lastname: "Doe",
  store_id: 1,
  website_id: 1,
  addresses: [{ id: 9, customer_id: 5, country_id: "US", street: ["1 Main St"], city: "Austin", firstname: "Jane", lastname: "Doe" }],
  extension_attributes: { is_subscribed: false, company_attributes: { company_id: 3 } },
  custom_attributes: [{ attribute_code: "loyalty", value: "gold" }],
};

const order = (id: number) => ({ entity_id: id, base_grand_total: 1, grand_total: 1, customer_email: "a@b.c", items: [] });

describe("newsletter", () => {
  it("derives the subscription from a customer", () => {
    const base = { email: "a@b.c", firstname: "A", lastname: "B", id: 1, store_id: 2 };
    expect(customerSubscription({ ...base, extension_attributes: { is_subscribed: true } })).toEqual({
      customerId: 1,
      email: "a@b.c",
      storeId: 2,
      status: "subscribed",
    });
    expect(customerSubscription({ ...base, extension_attributes: { is_subscribed: false } }).status).toBe("unsubscribed");
    expect(customerSubscription(base).status).toBe("unknown");
  });

  it("subscribes by PUTting the whole customer back with is_subscribed set", async () => {
    const { client, calls } = fakeMagento((call) => {
      if (call.method === "GET" && call.url.pathname === "/rest/default/V1/customers/5") return { body: customer };
      if (call.method === "PUT" && call.url.pathname === "/rest/default/V1/customers/5")
        return { body: (call.body as { customer: unknown }).customer };
    });
    const subscription = await client.setNewsletterSubscription(5, true);
    expect(subscription).toEqual({ customerId: 5, email: "jane@example.com", storeId: 1, status: "subscribed" });
    expect(calls.map((c) => c.method)).toEqual(["GET", "PUT"]);
    expect(calls[1]!.body).toEqual({
      customer: { ...customer, extension_attributes: { is_subscribed: true, company_attributes: { company_id: 3 } } },
    });
  });

  it("updateCustomer sends what Magento sent, with the change applied", async () => {
    const { client, calls } = fakeMagento((call) =>
      call.method === "GET" ? { body: customer } : { body: (call.body as { customer: unknown }).customer },
    );
    const updated = await client.updateCustomer(5, (current) => ({ ...current, lastname: "Smith" }));
    expect(updated.lastname).toBe("Smith");
    expect((calls[1]!.body as { customer: { created_at: unknown } }).customer.created_at).toBe("2024-01-01 10:00:00");
  });
});

describe("routes", () => {
  it("sends each call to its route with the right method and body", async () => {
    const { client, calls } = fakeMagento((call) => {
      const path = call.url.pathname.replace("/rest/default", "");
      const answers: Record<string, unknown> = {
        "POST /V1/customers/5/carts": 12,
        "POST /V1/carts/12/items": { item_id: 1, sku: "A/B 1", qty: 2, quote_id: "12" },
        "PUT /V1/carts/12/selected-payment-method": "8",
        "PUT /V1/carts/12/order": "31",
        "GET /V1/carts/12/payment-methods": [{ code: "checkmo", title: "Check / Money order" }],
        "GET /V1/stockItems/A%2FB%201": {
          qty: 5,
          is_in_stock: true,
          is_qty_decimal: false,
          show_default_notification_message: false,
          use_config_min_qty: true,
          min_qty: 0,
          use_config_min_sale_qty: 1,
          min_sale_qty: 1,
          use_config_max_sale_qty: true,
          max_sale_qty: 10000,
          use_config_backorders: true,
          backorders: 0,
          use_config_notify_stock_qty: true,
          notify_stock_qty: 1,
          use_config_qty_increments: true,
          qty_increments: 0,
          use_config_enable_qty_inc: true,
          enable_qty_increments: false,
          use_config_manage_stock: true,
          manage_stock: true,
          low_stock_date: null,
          is_decimal_divided: false,
          stock_status_changed_auto: 0,
        },
        "GET /V1/store/storeConfigs": [],
        "GET /V1/directory/countries/US": {
          id: "US",
          two_letter_abbreviation: "US",
          three_letter_abbreviation: "USA",
          full_name_locale: "United States",
          full_name_english: "United States",
          available_regions: [{ id: "43", code: "NY", name: "New York" }],
        },
      };
      const key = `${call.method} ${path}`;
      return key in answers ? { body: answers[key] } : undefined;
    });
    expect(await client.createCustomerCart(5)).toBe(12);
    expect((await client.addCartItem(12, { sku: "A/B 1", qty: 2 })).qty).toBe("2");
    expect(await client.setPaymentMethod(12, { method: "checkmo" })).toBe("8");
    expect(await client.placeOrder(12, { method: "checkmo" })).toBe(31);
    expect(await client.listPaymentMethods(12)).toEqual([{ code: "checkmo", title: "Check / Money order" }]);
    expect((await client.getStockItem("A/B 1")).qty).toBe("5");
    await client.listStoreConfigs(["default", "fr"]);
    expect((await client.getCountry("US")).available_regions?.[0]?.code).toBe("NY");

    expect(calls[1]!.body).toEqual({ cartItem: { sku: "A/B 1", qty: 2, quote_id: "12" } });
    expect(calls[2]!.body).toEqual({ method: { method: "checkmo" } });
    expect(calls[3]!.body).toEqual({ paymentMethod: { method: "checkmo" } });
    expect(calls[6]!.url.search).toBe("?storeCodes[]=default&storeCodes[]=fr");
    expect(calls.every((c) => c.headers.get("authorization") === "Bearer token-123456")).toBe(true);
  });

  it("reports timings per request", async () => {
    const { client, timings } = fakeMagento(() => ({ body: [] }));
    await client.listWebsites();
    expect(timings).toEqual([{ method: "GET", path: "/rest/default/V1/store/websites", status: 200, ms: expect.any(Number), attempt: 1 }]);
  });

  it("throws a schema error naming the path when a single answer breaks the contract", async () => {
    const { client } = fakeMagento(() => ({ body: { entity_id: 1, grand_total: "lots", base_grand_total: "n/a", base_subtotal: null } }));
    const error = await client.getOrder(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MagentoSchemaError);
    expect((error as MagentoSchemaError).issues.map((i) => i.path).sort()).toEqual(["base_grand_total", "grand_total", "items"]);
    expect((error as Error).message).toContain("[GET /rest/default/V1/orders/1]");
  });

  it("gets an admin token without sending any Authorization header", async () => {
    let seen: Call | undefined;
    const fetch: typeof globalThis.fetch = async (input, init) => {
      seen = {
        method: init?.method ?? "GET",
        url: new URL(String(input)),
        body: JSON.parse(String(init?.body)),
        headers: new Headers(init?.headers),
      };
      return new Response(JSON.stringify("abc123token"), { status: 200, headers: { "Content-Type": "application/json" } });
    };
    const token = await requestAdminToken({ baseUrl: "https://shop.example.com", fetch }, { username: "admin", password: "pw" });
    expect(token).toBe("abc123token");
    expect(seen!.url.pathname).toBe("/rest/default/V1/integration/admin/token");
    expect(seen!.headers.has("authorization")).toBe(false);
    expect(seen!.body).toEqual({ username: "admin", password: "pw" });
  });
});

describe("search", () => {
  it("reports a malformed record and keeps the rest of the page", async () => {
    const { client } = fakeMagento(() => ({
      body: { items: [order(1), { ...order(2), grand_total: null }, order(3)], search_criteria: {}, total_count: 3 },
    }));
    const page = await client.searchOrders(searchCriteria().pageSize(10).build());
    expect(page.items.map((o) => o.entity_id)).toEqual([1, 3]);
    expect(page.invalid).toMatchObject([{ index: 1, id: 2, issues: [{ path: "items[1].grand_total" }] }]);
  });

  it("throws on a malformed envelope", async () => {
    const { client } = fakeMagento(() => ({ body: { items: [] } }));
    await expect(client.searchOrders({ pageSize: 10 })).rejects.toThrow(/orders search result.*total_count/);
  });

  it("refuses a projection on a typed search", async () => {
    const { client } = fakeMagento(() => undefined);
    await expect(client.searchOrders({ pageSize: 10, fields: "items[entity_id]" })).rejects.toThrow(SearchCriteriaError);
  });

  it.each(["empty", "lastPageAgain"] as const)("searchAll pages in a stable order and stops (%s past the end)", async (pastEnd) => {
    const all = Array.from({ length: 7 }, (_, i) => order(i + 1));
    const { client, calls } = fakeMagento((call) => {
      const size = Number(call.url.searchParams.get("searchCriteria[pageSize]"));
      const requested = Number(call.url.searchParams.get("searchCriteria[currentPage]"));
      const last = Math.ceil(all.length / size);
      const page = pastEnd === "lastPageAgain" ? Math.min(requested, last) : requested;
      // A total_count that lies, so only the empty / repeated page can stop the walk.
      return { body: { items: all.slice((page - 1) * size, page * size), search_criteria: {}, total_count: 100 } };
    });
    const ids: number[] = [];
    for await (const page of client.searchAll(
      "orders",
      searchCriteria().where("status", "eq", "pending").sortBy("updated_at").pageSize(3).build(),
    )) {
      ids.push(...page.records.map((o) => o.entity_id!));
    }
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // Pages 1, 2, 3 (short page of 1 record ends the walk).
    expect(calls.map((c) => c.url.searchParams.get("searchCriteria[currentPage]"))).toEqual(["1", "2", "3"]);
    const first = calls[0]!.url.searchParams;
    expect(first.get("searchCriteria[sortOrders][0][field]")).toBe("updated_at");
    expect(first.get("searchCriteria[sortOrders][1][field]")).toBe("entity_id");
    expect(first.get("searchCriteria[sortOrders][1][direction]")).toBe("ASC");
  });

  it("searchAll stops on a replayed full last page without yielding duplicates", async () => {
    const all = Array.from({ length: 6 }, (_, i) => order(i + 1));
    const { client, calls } = fakeMagento((call) => {
      const page = Math.min(Number(call.url.searchParams.get("searchCriteria[currentPage]")), 2);
      return { body: { items: all.slice((page - 1) * 3, page * 3), search_criteria: {}, total_count: 999 } };
    });
    const ids: number[] = [];
    for await (const page of client.searchAll("orders", { pageSize: 3 })) ids.push(...page.records.map((o) => o.entity_id!));
    expect(ids).toEqual([1, 2, 3, 4, 5, 6]);
    expect(calls).toHaveLength(3);
  });
});
