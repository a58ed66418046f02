import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { FAIL, fastParser } from "@/lib/magento/schemas/fast";
import { parseMagentoDateTime, parseMagentoDateTimeReference } from "@/lib/magento/schemas/primitives";
import { SEARCH_ENTITIES, type SearchEntity } from "@/lib/magento/search-entities";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { validateSearchPage, validateValue, validateValueWithZod } from "@/lib/magento/validate";

// The compiled fast path (lib/magento/schemas/fast.ts) must give exactly what zod gives: same
// values, same types, same key order, and for a record it does not accept, zod's issues.

/** A comparable form that keeps what toStrictEqual would not show: key order, Dates, -0, undefined. */
function canon(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.getTime() };
  if (value === undefined) return { $undefined: true };
  if (Object.is(value, -0)) return { $negativeZero: true };
  if (Array.isArray(value)) return value.map(canon);
  if (value && typeof value === "object") return Object.keys(value).map((key) => [key, canon((value as Record<string, unknown>)[key])]);
  return value;
}

function expectSame(schema: z.ZodType, record: unknown, prefix = "items[0]") {
  const fast = validateValue(schema, record, prefix);
  const reference = validateValueWithZod(schema, record, prefix);
  expect(canon(fast)).toStrictEqual(canon(reference));
  return { fast, reference };
}

const ROUTES: Partial<Record<SearchEntity, string>> = {
  orders: "/rest/V1/orders",
  customers: "/rest/V1/customers/search",
  carts: "/rest/V1/carts/search",
  creditMemos: "/rest/V1/creditmemos",
  customerGroups: "/rest/V1/customerGroups/search",
  products: "/rest/V1/products",
};

let sim: RunningSimulator;
let untidySim: RunningSimulator;
/** Schema-only records (strictSchema): every one must parse. */
const records: Partial<Record<SearchEntity, Record<string, unknown>[]>> = {};
/** The same store with Magento's nulls (the default shapes): the two parsers must agree on each. */
const untidy: Partial<Record<SearchEntity, Record<string, unknown>[]>> = {};

async function readAll(from: RunningSimulator, into: typeof records) {
  for (const [entity, route] of Object.entries(ROUTES) as [SearchEntity, string][]) {
    const list: Record<string, unknown>[] = [];
    for (let page = 1; page <= 3; page++) {
      const response = await fetch(`${from.baseUrl}${route}?searchCriteria[pageSize]=300&searchCriteria[currentPage]=${page}`, {
        headers: { authorization: `Bearer ${from.adminToken}` },
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { items: Record<string, unknown>[] };
      if (body.items.length === 0) break;
      list.push(...body.items);
    }
    into[entity] = list;
  }
}

beforeAll(async () => {
  sim = await startMagentoSimulator({ port: 0, seed: 11, customers: 300, orders: 900, strictSchema: true });
  untidySim = await startMagentoSimulator({ port: 0, seed: 11, customers: 300, orders: 900 });
  await readAll(sim, records);
  await readAll(untidySim, untidy);
});

afterAll(async () => {
  await sim?.close();
  await untidySim?.close();
});

describe("fast parser vs zod on simulator records", () => {
  it.each(Object.keys(ROUTES) as SearchEntity[])("%s: every record gives the same value, through the fast path", (entity) => {
    const { schema } = SEARCH_ENTITIES[entity];
    const list = records[entity]!;
    expect(list.length).toBeGreaterThan(entity === "customerGroups" ? 0 : 50);
    const parse = fastParser(schema);
    for (const record of list) {
      if (entity !== "products") expect(parse(record)).not.toBe(FAIL);
      expectSame(schema, record);
    }
  });

  // Whatever the portal's schemas make of Magento's nulls, the fast path must make the same.
  it.each(Object.keys(ROUTES) as SearchEntity[])("%s with Magento's nulls: the fast path agrees with zod on every record", (entity) => {
    const { schema } = SEARCH_ENTITIES[entity];
    for (const record of untidy[entity]!) expectSame(schema, record);
  });

  it.each(["orders", "customers", "carts", "creditMemos"] as const)("%s: fields= projections (partial schema) agree too", (entity) => {
    const schema = SEARCH_ENTITIES[entity].schema.partial();
    for (const record of records[entity]!.slice(0, 50)) {
      expectSame(schema, record);
      const [firstKey] = Object.keys(record);
      expectSame(schema, { [firstKey!]: record[firstKey!] });
    }
  });

  it("a whole page agrees, including its invalid records", () => {
    const orders = records.orders!.slice(0, 40).map((o) => structuredClone(o));
    orders[3]!.grand_total = "ten";
    (orders[7]!.items as Record<string, unknown>[])[1]!.price = "1.5";
    orders[9]!.created_at = "2023-02-29 00:00:00";
    const body = { items: orders, search_criteria: {}, total_count: 40 };
    const page = validateSearchPage(SEARCH_ENTITIES.orders.schema, body);
    expect(page.ok).toBe(true);
    if (!page.ok) return;
    expect(page.page.invalid.map((i) => i.index)).toEqual([3, 7, 9]);
    expect(page.page.invalid.map((i) => i.issues.map((issue) => issue.path))).toEqual([
      ["items[3].grand_total"],
      ["items[7].items[1].price"],
      ["items[9].created_at"],
    ]);
    const reference = orders.map((o, i) => validateValueWithZod(SEARCH_ENTITIES.orders.schema, o, `items[${i}]`));
    expect(canon(page.page.items)).toStrictEqual(canon(reference.filter((r) => r.ok).map((r) => r.ok && r.value)));
    expect(canon(page.page.invalid.map((i) => i.issues))).toStrictEqual(
      canon(reference.filter((r) => !r.ok).map((r) => !r.ok && r.issues)),
    );
  });
});

describe("fast parser vs zod on edited records", () => {
  const order = () =>
    structuredClone(records.orders!.find((o) => Array.isArray(o.items) && (o.items as unknown[]).length > 1 && o.billing_address)!);
  const customer = () =>
    structuredClone(records.customers!.find((c) => Array.isArray(c.addresses) && (c.addresses as unknown[]).length > 0)!);
  const orderSchema = SEARCH_ENTITIES.orders.schema;
  const item = (o: Record<string, unknown>, i: number) => (o.items as Record<string, unknown>[])[i]!;

  const broken: [string, (o: Record<string, unknown>) => void][] = [
    [
      "money as text",
      (o) => {
        o.grand_total = "10.00";
      },
    ],
    [
      "money null where required",
      (o) => {
        o.grand_total = null;
      },
    ],
    [
      "base money as text",
      (o) => {
        o.base_grand_total = "10.00";
      },
    ],
    [
      "rate as text",
      (o) => {
        o.base_to_global_rate = "1.0815";
      },
    ],
    [
      "required money missing",
      (o) => {
        delete o.grand_total;
      },
    ],
    [
      "nested item money as text",
      (o) => {
        item(o, 1).price = "1.5";
      },
    ],
    [
      "nested sku not a string",
      (o) => {
        item(o, 0).sku = 5;
      },
    ],
    [
      "impossible date",
      (o) => {
        o.created_at = "2023-02-29 00:00:00";
      },
    ],
    [
      "zoned date",
      (o) => {
        o.updated_at = "2017-08-21T22:22:19+02:00";
      },
    ],
    [
      "hour 24",
      (o) => {
        o.updated_at = "2017-08-21 24:00:00";
      },
    ],
    [
      "int as float",
      (o) => {
        o.store_id = 1.5;
      },
    ],
    [
      "int as string",
      (o) => {
        o.customer_id = "148";
      },
    ],
    [
      "unsafe int",
      (o) => {
        o.entity_id = 2 ** 60;
      },
    ],
    [
      "items not an array",
      (o) => {
        o.items = {};
      },
    ],
    [
      "address city not a string",
      (o) => {
        (o.billing_address as Record<string, unknown>).city = 5;
      },
    ],
    [
      "address street not strings",
      (o) => {
        (o.billing_address as Record<string, unknown>).street = [1];
      },
    ],
    [
      "required key present but undefined",
      (o) => {
        o.grand_total = undefined;
      },
    ],
    [
      "several problems",
      (o) => {
        o.grand_total = "x";
        item(o, 0).qty_ordered = "1";
        o.created_at = "yesterday";
      },
    ],
  ];

  it.each(broken)("%s: the fast path declines and the issues are zod's", (_, edit) => {
    const o = order();
    edit(o);
    expect(fastParser(orderSchema)(o)).toBe(FAIL);
    const { fast } = expectSame(orderSchema, o, "items[3]");
    expect(fast.ok).toBe(false);
  });

  it("a record that is not an object: declined, zod's issue", () => {
    for (const value of [null, "order", 5, [], [records.orders![0]], undefined]) {
      expect(fastParser(orderSchema)(value)).toBe(FAIL);
      expect(expectSame(orderSchema, value).fast.ok).toBe(false);
    }
  });

  const accepted: [string, (o: Record<string, unknown>) => void][] = [
    [
      "0.1 + 0.2",
      (o) => {
        o.grand_total = 0.1 + 0.2;
      },
    ],
    [
      "negative amounts",
      (o) => {
        o.discount_amount = -12.35;
        item(o, 0).discount_amount = -0.01;
      },
    ],
    [
      "negative zero",
      (o) => {
        o.discount_amount = -0;
        o.store_id = -0;
      },
    ],
    [
      "tiny and huge amounts (exponent form)",
      (o) => {
        o.grand_total = 1.5e-7;
        o.subtotal = -2.5e-7;
        o.base_grand_total = 1.234e22;
        o.tax_amount = 1e21;
      },
    ],
    [
      "many digits",
      (o) => {
        o.grand_total = 123456789.12345678;
        o.weight = 5e-324;
      },
    ],
    [
      "optional fields null",
      (o) => {
        o.coupon_code = null;
        o.customer_id = null;
        o.payment = null;
        o.created_at = null;
      },
    ],
    [
      "optional key present but undefined",
      (o) => {
        o.coupon_code = undefined;
        o.subtotal = undefined;
      },
    ],
    [
      "unknown extra fields kept in place",
      (o) => {
        o.zz_extra = { a: 1 };
        o.aa_extra = [1, "x"];
        item(o, 0).gift_message = null;
      },
    ],
    [
      "extension attributes kept as they came",
      (o) => {
        o.extension_attributes = { ...(o.extension_attributes as object), custom: { deep: [1] } };
      },
    ],
    [
      "ISO-ish dates the general parser reads",
      (o) => {
        o.created_at = "2024-01-02T03:04:05.123Z";
        o.updated_at = "2024-01-02 03:04:05.5";
      },
    ],
    [
      "leap day and year edges",
      (o) => {
        o.created_at = "2024-02-29 23:59:59";
        o.updated_at = "2000-02-29 00:00:00";
        item(o, 0).created_at = "9999-12-31 23:59:59";
      },
    ],
    [
      "shuffled key order",
      (o) => {
        const entries = Object.entries(o).reverse();
        for (const [k] of entries) delete o[k];
        for (const [k, v] of entries) o[k] = v;
      },
    ],
    [
      "__proto__ key from JSON",
      (o) => {
        Object.assign(o, JSON.parse('{"__proto__": {"x": 1}}') as object);
      },
    ],
  ];

  it.each(accepted)("%s: same value as zod", (_, edit) => {
    const o = order();
    edit(o);
    const { fast } = expectSame(orderSchema, o);
    expect(fast.ok).toBe(true);
  });

  it("keeps old-year dates (Date.UTC's 1900 mapping) identical", () => {
    for (const text of ["0050-01-01 00:00:00", "0099-12-31 23:59:59", "0100-01-01 00:00:00", "1900-02-29 00:00:00"]) {
      const o = order();
      o.created_at = text;
      expectSame(orderSchema, o);
    }
  });

  it("customers: dob, addresses, broken and accepted", () => {
    const schema = SEARCH_ENTITIES.customers.schema;
    const edits: ((c: Record<string, unknown>) => void)[] = [
      (c) => {
        c.dob = "1973-12-15";
      },
      (c) => {
        c.dob = "1973-13-15";
      },
      (c) => {
        c.dob = "1973-02-29";
      },
      (c) => {
        c.dob = null;
      },
      (c) => {
        c.email = null;
      },
      (c) => {
        (c.addresses as Record<string, unknown>[])[0]!.default_billing = "yes";
      },
      (c) => {
        c.extension_attributes = { is_subscribed: "true" };
      },
      (c) => {
        c.custom_attributes = [{ attribute_code: "x", value: ["1", "2"] }, { attribute_code: "y" }];
      },
    ];
    for (const edit of edits) {
      const c = customer();
      edit(c);
      expectSame(schema, c);
    }
  });
});

describe("parseMagentoDateTime fast path", () => {
  it("agrees with the regex parser", () => {
    const samples = [
      "2024-02-29 00:00:00",
      "2023-02-29 00:00:00",
      "2024-04-31 12:00:00",
      "2024-12-31 23:59:59",
      "2024-00-10 00:00:00",
      "2024-13-01 00:00:00",
      "2024-01-00 00:00:00",
      "2024-01-01 24:00:00",
      "2024-01-01 23:60:00",
      "2024-01-01 23:59:60",
      "0000-01-01 00:00:00",
      "0099-01-01 00:00:00",
      "0100-02-29 00:00:00",
      "1600-02-29 00:00:00",
      "1700-02-29 00:00:00",
      "2024-01-01T00:00:00",
      "2024-01-01 00:00:00Z",
      "2024-01-01 0a:00:00",
      "2024/01/01 00:00:00",
      "２０24-01-01 00:00:00",
      "2024-01-01 00:00:0",
      "",
      "2024-01-01  0:00:00",
      "+024-01-01 00:00:00",
      "-024-01-01 00:00:00",
      "2024-1-01 00:00:00",
    ];
    let seed = 1;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pad = (n: number, w: number) => String(n).padStart(w, "0");
    for (let i = 0; i < 5000; i++) {
      samples.push(`${pad(rnd(10000), 4)}-${pad(rnd(14), 2)}-${pad(rnd(33), 2)} ${pad(rnd(26), 2)}:${pad(rnd(62), 2)}:${pad(rnd(62), 2)}`);
    }
    for (const text of samples) {
      expect(parseMagentoDateTime(text)?.getTime() ?? null, text).toBe(parseMagentoDateTimeReference(text)?.getTime() ?? null);
    }
  });
});
