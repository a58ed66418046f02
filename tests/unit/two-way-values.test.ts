import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { MagentoCustomerWire } from "@/lib/magento/schemas/customer";
import { pushBackoffMs } from "@/lib/customers/two-way/pusher";
import type { CustomerValues } from "@/lib/customers/two-way/types";
import {
  applyToWire,
  changedFields,
  customerValuesSchema,
  decodeBaseToken,
  displayValue,
  encodeBaseToken,
  fieldErrorsOf,
  valuesFromWire,
} from "@/lib/customers/two-way/values";

// The pure parts of two-way sync: comparing values field by field, mapping Magento's customer to
// the form's values and back (a PUT sends the whole customer), the base token, the backoff.

const wire: MagentoCustomerWire = {
  id: 7,
  group_id: 1,
  default_billing: "11",
  default_shipping: "12",
  email: "ann@example.com",
  firstname: "Ann",
  lastname: "Lee",
  website_id: 1,
  store_id: 1,
  dob: "1990-05-06",
  gender: 2,
  taxvat: "X1",
  custom_attributes: [{ attribute_code: "loyalty", value: "gold" }],
  extension_attributes: { is_subscribed: true },
  addresses: [
    {
      id: 11,
      customer_id: 7,
      firstname: "Ann",
      lastname: "Lee",
      street: ["1 Main St"],
      city: "Austin",
      postcode: "73301",
      country_id: "US",
      region: { region_code: "TX", region: "Texas", region_id: 57 },
      region_id: 57,
      telephone: "555",
      vat_id: "V1",
    },
    {
      id: 12,
      customer_id: 7,
      firstname: "Ann",
      lastname: "Lee",
      street: ["2 Side St", ""],
      city: "Paris",
      postcode: "75001",
      country_id: "FR",
      region: { region_code: "", region: "", region_id: 0 },
      region_id: 0,
      telephone: "666",
      company: "ACME",
    },
  ],
};

const noRegions = () => undefined;

describe("values from Magento", () => {
  it("maps the customer, with the default addresses from the customer's ids", () => {
    const v = valuesFromWire(wire);
    expect(v).toMatchObject({ firstname: "Ann", email: "ann@example.com", groupOriginId: 1, dob: "1990-05-06", gender: 2 });
    expect(v.addresses[0]).toMatchObject({
      id: 11,
      regionId: 57,
      region: "Texas",
      defaultBilling: true,
      defaultShipping: false,
      company: null,
    });
    expect(v.addresses[1]).toMatchObject({ id: 12, regionId: null, defaultShipping: true, company: "ACME" });
  });

  it("compares field by field, blind to blanks, case of email and address order or ids", () => {
    const v = valuesFromWire(wire);
    const same: CustomerValues = {
      ...v,
      firstname: " Ann ",
      email: "ANN@example.com",
      addresses: [{ ...v.addresses[1]!, id: null, street: ["2 Side St"] }, v.addresses[0]!],
    };
    expect(changedFields(v, same)).toEqual([]);
    expect(changedFields(v, { ...v, lastname: "Li", gender: null, addresses: [v.addresses[0]!] })).toEqual([
      "lastname",
      "gender",
      "addresses",
    ]);
  });
});

describe("values to Magento", () => {
  it("applies only the winning fields to the customer as Magento sent it", () => {
    const v = valuesFromWire(wire);
    const out = applyToWire(wire, { ...v, firstname: "Anna", lastname: "Ignored" }, ["firstname"], noRegions);
    expect(out).toMatchObject({
      firstname: "Anna",
      lastname: "Lee",
      taxvat: "X1",
      custom_attributes: wire.custom_attributes,
      extension_attributes: { is_subscribed: true },
    });
    expect(out.addresses).toEqual(wire.addresses);
    expect(wire.firstname).toBe("Ann"); // the input is not changed
  });

  it("sends addresses with their untouched attributes, new ones without an id, defaults as flags", () => {
    const v = valuesFromWire(wire);
    const next: CustomerValues = {
      ...v,
      addresses: [
        { ...v.addresses[0]!, city: "Dallas", defaultShipping: true },
        {
          id: null,
          firstname: "N",
          lastname: "E",
          street: ["3 New Rd"],
          city: "Houston",
          postcode: "77001",
          countryId: "US",
          regionId: 57,
          region: null,
          telephone: "777",
          company: null,
          defaultBilling: false,
          defaultShipping: false,
        },
      ],
    };
    const out = applyToWire(wire, next, ["addresses"], (country, id) =>
      country === "US" && id === 57 ? { code: "TX", name: "Texas" } : undefined,
    );
    expect(out.default_billing).toBeUndefined();
    expect(out.addresses).toHaveLength(2);
    expect(out.addresses![0]).toMatchObject({ id: 11, city: "Dallas", vat_id: "V1", default_billing: true, default_shipping: true });
    expect(out.addresses![1]).not.toHaveProperty("id");
    expect(out.addresses![1]).toMatchObject({
      customer_id: 7,
      region: { region_id: 57, region_code: "TX", region: "Texas" },
      region_id: 57,
    });
  });

  it("clears dob and gender by leaving them out (PUT replaces the customer)", () => {
    const v = valuesFromWire(wire);
    const out = applyToWire(wire, { ...v, dob: null, gender: null }, ["dob", "gender"], noRegions);
    expect(out).not.toHaveProperty("dob");
    expect(out).not.toHaveProperty("gender");
  });
});

describe("form values", () => {
  it("refuses invalid input with field errors on the right inputs", () => {
    const v = valuesFromWire(wire);
    const parsed = customerValuesSchema.safeParse({
      ...v,
      email: "nope",
      dob: "1990-02-30",
      addresses: [
        { ...v.addresses[0]!, city: "" },
        { ...v.addresses[1]!, defaultBilling: true },
      ],
    });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const errors = fieldErrorsOf(parsed.error);
    expect(Object.keys(errors).sort()).toEqual(["addresses", "addresses.0.city", "dob", "email"]);
  });

  it("round-trips the base token of one customer and rejects a forged, altered, foreign or unsigned one", () => {
    process.env.AUTH_SECRET = randomBytes(32).toString("base64");
    const v = valuesFromWire(wire);
    const token = encodeBaseToken(7, v);
    expect(decodeBaseToken(token, 7)).toEqual(v);
    // Another customer's form.
    expect(decodeBaseToken(token, 8)).toBeNull();
    expect(decodeBaseToken("not-a-token", 7)).toBeNull();
    // The values the form showed, edited in the browser: the signature no longer fits.
    const [, signature] = token.split(".");
    const altered = Buffer.from(JSON.stringify({ v: 2, customerId: 7, values: { ...v, email: "other@example.com" } })).toString(
      "base64url",
    );
    expect(decodeBaseToken(`${altered}.${signature}`, 7)).toBeNull();
    // The unsigned form of earlier versions.
    expect(decodeBaseToken(Buffer.from(JSON.stringify({ v: 1, values: v })).toString("base64url"), 7)).toBeNull();
    // Signed under another secret (AUTH_SECRET changed since the form was opened).
    process.env.AUTH_SECRET = randomBytes(32).toString("base64");
    expect(decodeBaseToken(token, 7)).toBeNull();
  });

  it("shows values as people read them", () => {
    const v = valuesFromWire(wire);
    expect(displayValue(v, "gender")).toBe("Female");
    expect(displayValue(v, "groupOriginId", (id) => (id === 1 ? "General" : undefined))).toBe("General");
    expect(displayValue({ ...v, dob: null }, "dob")).toBe("—");
  });
});

describe("backoff", () => {
  it("doubles from 15 s to a 30 min cap, ±20 %", () => {
    expect(pushBackoffMs(1, () => 0.5)).toBe(15_000);
    expect(pushBackoffMs(2, () => 0.5)).toBe(30_000);
    expect(pushBackoffMs(4, () => 0.5)).toBe(120_000);
    expect(pushBackoffMs(20, () => 0.5)).toBe(30 * 60_000);
    expect(pushBackoffMs(1, () => 0)).toBe(12_000);
    expect(pushBackoffMs(1, () => 1)).toBe(18_000);
  });
});
