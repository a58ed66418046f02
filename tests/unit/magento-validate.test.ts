import { describe, expect, it } from "vitest";
import { orderSchema } from "@/lib/magento/schemas/order";
import { formatIssuePath, readRecordId, validateLeniently, validateSearchPage } from "@/lib/magento/validate";

// A search page: the envelope is checked strictly, each record on its own; a malformed record
// is reported with its index, id and paths, and the rest of the page is still returned.

const order = (id: number, grandTotal: unknown = 10) => ({
  entity_id: id,
  increment_id: String(id).padStart(9, "0"),
  base_grand_total: 10,
  grand_total: grandTotal,
  customer_email: `c${id}@example.com`,
  created_at: "2024-01-02 03:04:05",
  items: [{ sku: "A", qty_ordered: 1, price: 10 }],
});

describe("validateSearchPage", () => {
  it("returns valid records parsed and reports the malformed one without failing the page", () => {
    const body = { items: [order(1), order(2), order(3), order(4, "ten"), order(5)], search_criteria: {}, total_count: 5 };
    const result = validateSearchPage(orderSchema, body);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.page.items.map((o) => o.entity_id)).toEqual([1, 2, 3, 5]);
    expect(result.page.items[0]!.grand_total).toBe("10");
    expect(result.page.items[0]!.created_at).toEqual(new Date("2024-01-02T03:04:05Z"));
    expect(result.page.totalCount).toBe(5);
    expect(result.page.invalid).toHaveLength(1);
    const [invalid] = result.page.invalid;
    expect(invalid!.index).toBe(3);
    expect(invalid!.id).toBe(4);
    expect(invalid!.raw).toEqual(order(4, "ten"));
    expect(invalid!.issues.map((i) => i.path)).toEqual(["items[3].grand_total"]);
  });

  it("reports nested paths and records without a readable id", () => {
    const broken = { ...order(7), entity_id: undefined, items: [{ sku: 5 }] };
    const result = validateSearchPage(orderSchema, { items: [broken], total_count: 1 });
    if (!result.ok) throw new Error("envelope should pass");
    expect(result.page.invalid[0]!.id).toBeNull();
    expect(result.page.invalid[0]!.issues.map((i) => i.path)).toEqual(["items[0].items[0].sku"]);
  });

  it("rejects a malformed envelope", () => {
    expect(validateSearchPage(orderSchema, { total_count: 1 }).ok).toBe(false);
    expect(validateSearchPage(orderSchema, { items: [] }).ok).toBe(false);
    expect(validateSearchPage(orderSchema, { items: {}, total_count: 0 }).ok).toBe(false);
    expect(validateSearchPage(orderSchema, "<html>").ok).toBe(false);
    const missing = validateSearchPage(orderSchema, { items: [] });
    expect(!missing.ok && missing.issues.map((i) => i.path)).toEqual(["total_count"]);
  });

  it("lets a fields= projection leave out total_count", () => {
    const result = validateSearchPage(orderSchema.partial(), { items: [{ entity_id: 1 }] }, { projected: true });
    expect(result.ok && result.page.totalCount).toBeNull();
  });
});

describe("helpers", () => {
  it("formats issue paths and reads ids", () => {
    expect(formatIssuePath("items[3]", ["billing_address", "street", 0])).toBe("items[3].billing_address.street[0]");
    expect(formatIssuePath("", ["total_count"])).toBe("total_count");
    expect(readRecordId({ id: 9 })).toBe(9);
    expect(readRecordId({ entity_id: 3, id: 9 })).toBe(3);
    expect(readRecordId(null)).toBeNull();
  });
});

describe("validateLeniently (search pages of synced entities)", () => {
  const strict = new Set(["entity_id", "grand_total", "base_grand_total", "items", "items[].price", "items[].qty_ordered"]);

  it("keeps a record whose non-strict fields are unreadable: each becomes null, with a warning holding what was sent", () => {
    const broken = { ...order(7), customer_email: 42, billing_address: { city: ["x"], street: "Main St 1", country_id: "NL" } };
    const result = validateLeniently(orderSchema, broken, strict);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.customer_email).toBeNull();
    expect(result.value.billing_address).toMatchObject({ city: null, street: null, country_id: "NL" });
    expect(result.value.grand_total).toBe("10");
    expect(result.warnings.map((w) => [w.field, w.raw])).toEqual([
      ["customer_email", 42],
      ["billing_address.city", ["x"]],
      ["billing_address.street", "Main St 1"],
    ]);
  });

  it("refuses a record only when a strict field cannot be read, naming it", () => {
    const result = validateLeniently(
      orderSchema,
      { ...order(8), customer_email: 42, items: [{ sku: "A", qty_ordered: 1, price: "ten" }] },
      strict,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path)).toContain("items[0].price");
  });

  it("returns a valid record untouched and without warnings (the fast path)", () => {
    const result = validateLeniently(orderSchema, order(9), strict);
    expect(result).toMatchObject({ ok: true, warnings: [] });
  });

  it("reports a kept record's warnings on the page, with its index and id", () => {
    const page = validateSearchPage(orderSchema, { items: [order(1), { ...order(2), status: 5 }], total_count: 2 }, { strict });
    expect(page.ok && page.page.items.length).toBe(2);
    expect(page.ok && page.page.warnings).toEqual([{ index: 1, id: 2, field: "status", message: expect.any(String) as string, raw: 5 }]);
  });
});
