import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createMagentoClient, type MagentoClient } from "@/lib/magento/client";
import { MagentoHttpError } from "@/lib/magento/errors";

// Every official response sample (shared/magento/samples) goes through the client method that
// receives it, and must parse without issues. A fake fetch serves the sample for the route.

const SAMPLES = path.resolve(process.cwd(), "..", "shared", "magento", "samples");
const sample = (name: string) => readFileSync(path.join(SAMPLES, name), "utf8");

function clientServing(file: string, status = 200): { client: MagentoClient; urls: string[] } {
  const urls: string[] = [];
  const fetch: typeof globalThis.fetch = async (input) => {
    urls.push(String(input));
    return new Response(sample(file), { status, headers: { "Content-Type": "application/json" } });
  };
  const client = createMagentoClient({
    baseUrl: "https://shop.example.com",
    auth: { type: "bearer", token: "t" },
    fetch,
    maxRetries: 0,
    requestsPerSecond: null,
  });
  return { client, urls };
}

describe("official samples through the client", () => {
  it("customers_search_response.json", async () => {
    const page = await clientServing("customers_search_response.json").client.searchCustomers({ pageSize: 20 });
    expect(page.invalid).toEqual([]);
    expect(page.totalCount).toBe(1);
    const [customer] = page.items;
    expect(customer!.email).toBe("roni_cost@example.com");
    expect(customer!.default_billing).toBe("1");
    expect(customer!.dob).toBe("1973-12-15");
    expect(customer!.updated_at).toEqual(new Date("2018-09-22T06:32:50Z"));
    expect(customer!.addresses).toHaveLength(2);
  });

  it("customer_create_response.json (same shape as GET /V1/customers/{id})", async () => {
    const customer = await clientServing("customer_create_response.json").client.getCustomer(2);
    expect(customer.id).toBe(2);
    expect(customer.created_at).toEqual(new Date("2017-01-31T01:18:13Z"));
    expect(customer.addresses?.[0]?.region?.region_code).toBe("NY");
  });

  it("order_get_response.json", async () => {
    const { client, urls } = clientServing("order_get_response.json");
    const order = await client.getOrder(3);
    expect(urls).toEqual(["https://shop.example.com/rest/default/V1/orders/3"]);
    expect(order).toMatchObject({ entity_id: 3, increment_id: "000000003", quote_id: 4, state: "new", status: "pending" });
    expect(order.grand_total).toBe("165");
    expect(order.base_to_global_rate).toBe("1");
    expect(order.created_at).toEqual(new Date("2017-08-21T22:22:19Z"));
    expect(order.payment?.cc_last4).toBeNull();
    expect(order.items.length).toBeGreaterThan(0);
    expect(order.items[0]!.qty_ordered).toBe("1");
    expect(order.extension_attributes?.shipping_assignments?.[0]?.shipping?.address?.city).toBe("Purchase");
  });

  it("cart_get_response_b2b.json", async () => {
    const cart = await clientServing("cart_get_response_b2b.json").client.getCart(4);
    expect(cart).toMatchObject({ id: 4, is_active: true, store_id: 1 });
    expect(cart.items?.map((item) => item.price)).toEqual(["12.48", "17.16"]);
    expect(cart.items_qty).toBe("25");
    expect(cart.billing_address?.country_id).toBeNull();
    expect(cart.customer?.email).toBe("mshaw@example.com");
    expect(cart.extension_attributes?.negotiable_quote).toMatchObject({ quote_id: 4 });
  });

  it("cart_estimate_shipping_methods_response.json", async () => {
    const { client, urls } = clientServing("cart_estimate_shipping_methods_response.json");
    const request = JSON.parse(sample("cart_estimate_shipping_methods_request.json")) as {
      address: Parameters<MagentoClient["estimateShippingMethods"]>[1];
    };
    const methods = await client.estimateShippingMethods(4, request.address);
    expect(urls).toEqual(["https://shop.example.com/rest/default/V1/carts/4/estimate-shipping-methods"]);
    expect(methods.map((m) => [m.carrier_code, m.method_code, m.amount])).toEqual([
      ["flatrate", "flatrate", "15"],
      ["tablerate", "bestway", "5"],
    ]);
  });

  it("cart_shipping_information_response.json", async () => {
    const request = JSON.parse(sample("cart_shipping_information_request.json")) as {
      addressInformation: Parameters<MagentoClient["setShippingInformation"]>[1];
    };
    const details = await clientServing("cart_shipping_information_response.json").client.setShippingInformation(
      4,
      request.addressInformation,
    );
    expect(details.payment_methods.map((m) => m.code)).toContain("banktransfer");
    expect(details.totals.grand_total).toBe("165");
    expect(details.totals.weee_tax_applied_amount).toBeNull();
    expect(details.totals.total_segments?.find((s) => s.code === "grand_total")?.value).toBe("165");
  });

  it("cart_add_item_response.json", async () => {
    const item = await clientServing("cart_add_item_response.json").client.addCartItem(4, { sku: "WS12-M-Orange", qty: 1 });
    expect(item).toMatchObject({ item_id: 7, sku: "WS12-M-Orange", qty: "1", price: "19.99", quote_id: "4" });
  });

  it("orders_search_fields_response.json (a fields= projection)", async () => {
    const { client, urls } = clientServing("orders_search_fields_response.json");
    const page = await client.searchProjected("orders", { pageSize: 3, fields: "items[increment_id,entity_id]" });
    expect(page.invalid).toEqual([]);
    expect(page.totalCount).toBeNull();
    expect(page.items).toEqual([
      { entity_id: 3003, increment_id: "WA0003003" },
      { entity_id: 3140, increment_id: "WA0003140" },
      { entity_id: 9435, increment_id: "WA0009435" },
    ]);
    expect(new URL(urls[0]!).searchParams.get("fields")).toBe("items[increment_id,entity_id],total_count");
  });

  it("error_response.json", async () => {
    const error = await clientServing("error_response.json", 400)
      .client.getOrder(1)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MagentoHttpError);
    expect((error as MagentoHttpError).magentoMessage).toBe("Invalid product data: Invalid attribute set entity type");
    expect((error as MagentoHttpError).body).toEqual(JSON.parse(sample("error_response.json")));
  });
});
