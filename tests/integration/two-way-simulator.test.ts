import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMagentoClient } from "@/lib/magento/client";
import { MagentoHttpError } from "@/lib/magento/errors";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { SHARED_MAGENTO, validateDefinition } from "@/tests/helpers/magento-schema";

// POST /V1/customers in the simulator, as Magento's AccountManagement::createAccount answers it:
// the official docs sample (camelCase keys) creates an account, the answer is a customer object
// by the schema, a taken email in the same website and weak passwords are refused with Magento's words.

let sim: RunningSimulator;

async function post(body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${sim.baseUrl}/rest/default/V1/customers`, {
    method: "POST",
    headers: { Authorization: `Bearer ${sim.adminToken}`, "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  sim = await startMagentoSimulator({ port: 0, seed: 404, customers: 10, orders: 2 });
});

afterAll(async () => {
  await sim?.close();
});

describe("POST /V1/customers", () => {
  it("creates the account from the official sample and answers the customer object", async () => {
    const sample = JSON.parse(readFileSync(path.join(SHARED_MAGENTO, "samples", "customer_create_request.json"), "utf8")) as Record<
      string,
      unknown
    >;
    const created = await post(sample);
    expect(created.status).toBe(200);
    expect(validateDefinition("customer-data-customer-interface", created.body).errors).toEqual([]);
    expect(created.body).toMatchObject({
      email: "jdoe@example.com",
      firstname: "Jane",
      lastname: "Doe",
      website_id: 1,
      store_id: 1,
      group_id: 1,
    });
    const [address] = created.body.addresses as Record<string, unknown>[];
    expect(address).toMatchObject({ city: "Purchase", country_id: "US", region_id: 43, default_billing: true, default_shipping: true });
    expect(created.body.default_billing).toBe(String(address!.id));
    expect(sim.control.pushed().registrations.at(-1)).toMatchObject({ email: "jdoe@example.com", websiteId: 1 });

    // The same email again in the same website: Magento's refusal, word for word.
    const again = await post(sample);
    expect(again).toEqual({
      status: 400,
      body: { message: "A customer with the same email address already exists in an associated website." },
    });
    // Another website (the German store view's) may have its own account with that email.
    const de = await fetch(`${sim.baseUrl}/rest/de/V1/customers`, {
      method: "POST",
      headers: { Authorization: `Bearer ${sim.adminToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ customer: (sample as { customer: unknown }).customer }),
    });
    expect(de.status).toBe(200);
    expect(await de.json()).toMatchObject({ website_id: 2, store_id: 3 });
  });

  it("refuses missing names, weak passwords and a body without customer", async () => {
    expect(await post({ customer: { email: "x@example.org", firstname: "X" } })).toMatchObject({
      status: 400,
      body: { parameters: { fieldName: "lastname" } },
    });
    expect(await post({ customer: { email: "y@example.org", firstname: "Y", lastname: "Z" }, password: "short" })).toMatchObject({
      status: 400,
      body: { message: "The password needs at least %1 characters. Create a new password and try again.", parameters: ["8"] },
    });
    expect(
      (await post({ customer: { email: "y@example.org", firstname: "Y", lastname: "Z" }, password: "alllowercase" })).body.message,
    ).toMatch(/classes of characters/);
    expect(await post({})).toMatchObject({
      status: 400,
      body: { message: "%fieldName is a required field.", parameters: { fieldName: "customer" } },
    });
  });

  it("the client creates a customer and finds it again by email", async () => {
    const client = createMagentoClient({ baseUrl: sim.baseUrl, auth: { type: "bearer", token: sim.adminToken }, requestsPerSecond: null });
    const created = await client.createCustomer({ email: "client@example.org", firstname: "Cli", lastname: "Ent" });
    expect(created.id).toBeGreaterThan(0);
    expect((await client.findCustomersByEmail("client@example.org")).map((c) => c.id)).toEqual([created.id]);
    const refused = await client
      .createCustomer({ email: "client@example.org", firstname: "Cli", lastname: "Ent" })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MagentoHttpError);
    expect((refused as MagentoHttpError).status).toBe(400);
    expect((refused as MagentoHttpError).magentoMessage).toBe(
      "A customer with the same email address already exists in an associated website.",
    );
  });
});
