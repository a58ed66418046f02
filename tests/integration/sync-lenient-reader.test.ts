import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db, DbTx } from "@/db/client";
import { channels } from "@/db/schema";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { SEARCH_ENTITIES, type SearchEntity } from "@/lib/magento/search-entities";
import { touchesStrict, validateSearchPage, type FieldWarning } from "@/lib/magento/validate";
import { writeCarts } from "@/lib/sync/connectors/carts";
import { writeCreditMemos } from "@/lib/sync/connectors/credit_memos";
import { writeCustomers } from "@/lib/sync/connectors/customers";
import { writeOrders } from "@/lib/sync/connectors/orders";
import { storesConnector } from "@/lib/sync/connectors/stores";
import type { ChannelRow, SyncContext, WriteResult } from "@/lib/sync/types";
import { rowsOf } from "@/db/rows";
import { createMagentoClient } from "@/lib/magento/client";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// The tolerant reader, record by record: whatever Magento sends in a field the portal does not
// need to get a figure or a link right, the record is stored. Each non-strict property of a real
// record (from the simulator, over HTTP) is set to null in turn, then to a value of the wrong
// type; each strict one to a wrong type must still refuse the record.

type Json = Record<string, unknown>;
type Writer = (tx: DbTx, ctx: SyncContext, records: never[]) => Promise<WriteResult>;
type Case = {
  entity: SearchEntity;
  path: string;
  table: string;
  idKey: string;
  write: Writer;
  items?: { table: string; key: string; list: string };
};

const CASES: Case[] = [
  {
    entity: "customers",
    path: "/V1/customers/search",
    table: "magento_customers",
    idKey: "id",
    write: writeCustomers as Writer,
    items: { table: "magento_customer_addresses", key: "customer_id", list: "addresses" },
  },
  {
    entity: "carts",
    path: "/V1/carts/search",
    table: "magento_carts",
    idKey: "id",
    write: writeCarts as Writer,
    items: { table: "magento_cart_items", key: "cart_id", list: "items" },
  },
  {
    entity: "orders",
    path: "/V1/orders",
    table: "magento_orders",
    idKey: "entity_id",
    write: writeOrders as Writer,
    items: { table: "magento_order_items", key: "order_id", list: "items" },
  },
  {
    entity: "creditMemos",
    path: "/V1/creditmemos",
    table: "magento_credit_memos",
    idKey: "entity_id",
    write: writeCreditMemos as Writer,
    items: { table: "magento_credit_memo_items", key: "credit_memo_id", list: "items" },
  },
];

let sim: RunningSimulator;
let test: TestDatabase;
let db: Db;
let channel: ChannelRow;

beforeAll(async () => {
  sim = await startMagentoSimulator({ port: 0, seed: 77, customers: 60, orders: 200 });
  test = await createTestDatabase();
  db = test.db;
  [channel] = (await db.insert(channels).values({ name: "lenient", baseUrl: sim.baseUrl }).returning()) as [ChannelRow];
  const client = createMagentoClient({ baseUrl: sim.baseUrl, auth: { type: "bearer", token: sim.adminToken }, requestsPerSecond: null });
  const ctx: SyncContext = { db, channel, client, runId: 0 };
  const page = await storesConnector.fetchPage(ctx, { window: { from: null, to: null }, page: 1, cursor: null }, 300);
  await db.transaction((tx) => storesConnector.writePage(tx, ctx, page.records));
}, 60_000);

afterAll(async () => {
  await sim?.close();
  await test?.drop();
});

/** The richest record of the first page of a search route, as Magento's JSON. */
async function sample(path: string): Promise<Json> {
  const url = new URL(`${sim.baseUrl}/rest/default${path}`);
  url.searchParams.set("searchCriteria[pageSize]", "100");
  url.searchParams.set("searchCriteria[currentPage]", "1");
  const response = await fetch(url, { headers: { Authorization: `Bearer ${sim.adminToken}` } });
  const body = (await response.json()) as { items: Json[] };
  const size = (value: unknown) => JSON.stringify(value).length;
  return body.items.sort((a, b) => size(b) - size(a))[0]!;
}

/** Every property path of a record (arrays: their first element), e.g. ["items", 0, "sku"]. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== "object") return [];
  if (Array.isArray(value)) return value.length > 0 ? [[...prefix, 0], ...paths(value[0], [...prefix, 0])] : [];
  return Object.entries(value).flatMap(([key, child]) => [[...prefix, key], ...paths(child, [...prefix, key])]);
}

function setAt(record: Json, path: (string | number)[], value: unknown): Json {
  const copy = structuredClone(record);
  let target: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  target[path.at(-1)!] = value;
  return copy;
}

function getAt(record: Json, path: (string | number)[]): unknown {
  return path.reduce<unknown>((value, key) => (value as Record<string | number, unknown> | null)?.[key], record);
}

const label = (path: (string | number)[]) =>
  path
    .map((k) => (typeof k === "number" ? `[${k}]` : `.${k}`))
    .join("")
    .replace(/^\./, "");

/** Validates the record as a search page would, writes it, and reads back what was stored; rolled back. */
async function store(
  c: Case,
  record: Json,
): Promise<{ kept: boolean; warnings: FieldWarning[]; rows: number; items: number; issues: string[] }> {
  const checked = validateSearchPage(
    SEARCH_ENTITIES[c.entity].schema,
    { items: [record], total_count: 1 },
    { strict: SEARCH_ENTITIES[c.entity].strict },
  );
  if (!checked.ok) throw new Error("envelope refused");
  const { items, invalid, warnings = [] } = checked.page;
  if (items.length === 0) return { kept: false, warnings, rows: 0, items: 0, issues: invalid.flatMap((i) => i.issues.map((x) => x.path)) };
  let found = { rows: 0, items: 0 };
  const ctx: SyncContext = { db, channel, client: null as never, runId: 0 };
  await db
    .transaction(async (tx) => {
      const result = await c.write(tx, ctx, items as never[]);
      expect(result.failed).toEqual([]);
      const id = Number(record[c.idKey]);
      const [row] = rowsOf<{ n: string; items: string }>(
        await tx.execute(sql`
      SELECT count(*)::text AS n, (SELECT count(*) FROM ${sql.raw(c.items!.table)} i WHERE i.${sql.raw(c.items!.key)} = min(t.id))::text AS items
      FROM ${sql.raw(c.table)} t WHERE t.channel_id = ${channel.id} AND t.origin_id = ${id}`),
      );
      found = { rows: Number(row!.n), items: Number(row!.items) };
      tx.rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Error && error.message === "Rollback")) throw error;
    });
  return { kept: true, warnings, ...found, issues: [] };
}

describe.each(CASES)("lenient reader: $entity", (c) => {
  it("stores the record with each non-strict property set to null in turn, and loses nothing else", async () => {
    const record = await sample(c.path);
    const strict = SEARCH_ENTITIES[c.entity].strict!;
    const itemCount = (getAt(record, [c.items!.list]) as unknown[] | undefined)?.length ?? 0;
    expect(itemCount).toBeGreaterThan(0);
    // Properties only: a list's element set to null is a broken list (the wrong-type case below).
    const candidates = paths(record).filter((p) => typeof p.at(-1) === "string" && !touchesStrict(p, strict) && getAt(record, p) !== null);
    expect(candidates.length).toBeGreaterThan(20);
    for (const path of candidates) {
      const outcome = await store(c, setAt(record, path, null));
      expect({ path: label(path), ...outcome }).toMatchObject({ path: label(path), kept: true, rows: 1, warnings: [] });
      // The record's lines stay whole unless the nulled property is their list (or inside it, for address books).
      if (path[0] !== c.items!.list) expect({ path: label(path), items: outcome.items }).toEqual({ path: label(path), items: itemCount });
    }
  }, 120_000);

  it("stores the record when a non-strict property has the wrong type, with a warning naming it and keeping what was sent", async () => {
    const record = await sample(c.path);
    const strict = SEARCH_ENTITIES[c.entity].strict!;
    const leaves = paths(record).filter(
      (p) => !touchesStrict(p, strict) && getAt(record, p) !== null && typeof getAt(record, p) !== "object",
    );
    let warned = 0;
    for (const path of leaves) {
      const original = getAt(record, path);
      const wrong = typeof original === "string" ? 12345 : typeof original === "number" ? "not a number" : "maybe";
      const outcome = await store(c, setAt(record, path, wrong));
      expect({ path: label(path), kept: outcome.kept, rows: outcome.rows }).toEqual({ path: label(path), kept: true, rows: 1 });
      // A warning, when the schema types the field, names it or the property holding it, with the raw value.
      for (const warning of outcome.warnings) {
        expect(
          label(path) === warning.field || label(path).startsWith(`${warning.field}.`) || label(path).startsWith(`${warning.field}[`),
        ).toBe(true);
        expect(getAt({ r: warning.raw }, ["r", ...path.slice(warning.field.split(/[.[]/).length)])).toEqual(wrong);
      }
      if (outcome.warnings.length > 0) warned++;
    }
    // Most typed fields are named in the schema (the rest are extension data kept as it came).
    expect(warned).toBeGreaterThan(leaves.length / 3);
  }, 120_000);

  it("refuses the record when a strict field has the wrong type, naming the field", async () => {
    const record = await sample(c.path);
    const strict = SEARCH_ENTITIES[c.entity].strict!;
    const strictLeaves = paths(record).filter(
      (p) => touchesStrict(p, strict) && getAt(record, p) !== null && typeof getAt(record, p) !== "object",
    );
    expect(strictLeaves.length).toBeGreaterThan(3);
    for (const path of strictLeaves) {
      const outcome = await store(c, setAt(record, path, { unreadable: true }));
      expect({ path: label(path), kept: outcome.kept }).toEqual({ path: label(path), kept: false });
      expect(outcome.issues.some((issue) => issue.endsWith(label(path)))).toBe(true);
    }
  }, 60_000);
});

/** Writes records through a connector writer in a transaction that stays (for reading back). */
async function keep<T>(
  entity: SearchEntity,
  write: Writer,
  records: Json[],
): Promise<{ items: T[]; warnings: FieldWarning[]; invalid: number }> {
  const checked = validateSearchPage(
    SEARCH_ENTITIES[entity].schema,
    { items: records, total_count: records.length },
    { strict: SEARCH_ENTITIES[entity].strict },
  );
  if (!checked.ok) throw new Error("envelope refused");
  const ctx: SyncContext = { db, channel, client: null as never, runId: 0 };
  if (checked.page.items.length > 0) {
    const result = await db.transaction((tx) => write(tx, ctx, checked.page.items as never[]));
    expect(result.failed).toEqual([]);
  }
  return { items: checked.page.items as T[], warnings: checked.page.warnings ?? [], invalid: checked.page.invalid.length };
}

async function one<T>(query: ReturnType<typeof sql>): Promise<T> {
  const [row] = rowsOf<T>(await db.execute(query));
  return row!;
}

// The shapes stock Magento 2.4 sends (shared/magento/README): each is stored, its nulls stay null,
// and nothing else of the record is lost. No warning: these nulls are Magento's own.
describe("lenient reader: the shapes real stores send", () => {
  it("a customer address in a country without regions", async () => {
    const customer = await sample("/V1/customers/search");
    const addresses = customer.addresses as Json[];
    expect(addresses.length).toBeGreaterThan(0);
    const id = 900_001;
    const shaped = {
      ...customer,
      id,
      email: "eu.customer@example.nl",
      addresses: addresses.map((a) => ({
        ...a,
        customer_id: id,
        id: Number(a.id) + 900_000,
        country_id: "NL",
        region: { region_code: null, region: null, region_id: 0 },
        region_id: 0,
      })),
      default_billing: String(Number(addresses[0]!.id) + 900_000),
    };
    const kept = await keep("customers", writeCustomers as Writer, [shaped]);
    expect(kept).toMatchObject({ invalid: 0, warnings: [] });
    const row = await one<{
      email: string;
      first_name: string;
      billing_country_id: string;
      billing_region: string | null;
      addresses: string;
      nulls: string;
    }>(sql`
      SELECT c.email, c.first_name, c.billing_country_id, c.billing_region,
        (SELECT count(*) FROM magento_customer_addresses a WHERE a.customer_id = c.id)::text AS addresses,
        (SELECT count(*) FROM magento_customer_addresses a WHERE a.customer_id = c.id AND a.region IS NULL AND a.region_code IS NULL AND a.region_origin_id IS NULL)::text AS nulls
      FROM magento_customers c WHERE c.channel_id = ${channel.id} AND c.origin_id = ${id}`);
    expect(row).toEqual({
      email: "eu.customer@example.nl",
      first_name: customer.firstname,
      billing_country_id: "NL",
      billing_region: null,
      addresses: String(addresses.length),
      nulls: String(addresses.length),
    });
  });

  it("a guest cart with the null customer block, and one whose guest left an email at checkout", async () => {
    const cart = await sample("/V1/carts/search");
    const empty = {
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
    };
    const itemsOf = (offset: number) => (cart.items as Json[]).map((item, index) => ({ ...item, item_id: offset + index }));
    const anonymous = {
      ...cart,
      id: 900_010,
      items: itemsOf(900_400),
      extension_attributes: null,
      customer: { email: null, firstname: null, lastname: null },
      customer_is_guest: true,
      billing_address: { id: 1, ...empty },
    };
    const checkout = {
      ...cart,
      id: 900_011,
      items: itemsOf(900_500),
      extension_attributes: null,
      customer: { email: null, firstname: null, lastname: null },
      customer_is_guest: true,
      billing_address: {
        id: 2,
        ...empty,
        email: "guest.buyer@example.be",
        firstname: "Lotte",
        lastname: "Peeters",
        country_id: "BE",
        region: null,
        region_code: null,
        region_id: 0,
        city: "Gent",
      },
    };
    const items = (cart.items as unknown[]).length;
    const kept = await keep("carts", writeCarts as Writer, [anonymous, checkout]);
    expect(kept).toMatchObject({ invalid: 0, warnings: [] });
    const rows = rowsOf<{
      origin_id: string;
      is_guest: boolean;
      customer_email: string | null;
      customer_first_name: string | null;
      billing_country_id: string | null;
      billing_region: string | null;
      guest: string | null;
      items: string;
      grand_total: string;
    }>(
      await db.execute(sql`
      SELECT x.origin_id::text, x.is_guest, x.customer_email, x.customer_first_name, x.billing_country_id, x.billing_region,
        (SELECT c.email FROM magento_customers c WHERE c.id = x.customer_id) AS guest,
        (SELECT count(*) FROM magento_cart_items i WHERE i.cart_id = x.id)::text AS items, x.grand_total::text
      FROM magento_carts x WHERE x.channel_id = ${channel.id} AND x.origin_id IN (900010, 900011) ORDER BY x.origin_id`),
    );
    const total = rows[0]!.grand_total;
    expect(rows).toEqual([
      {
        origin_id: "900010",
        is_guest: true,
        customer_email: null,
        customer_first_name: null,
        billing_country_id: null,
        billing_region: null,
        guest: null,
        items: String(items),
        grand_total: total,
      },
      {
        origin_id: "900011",
        is_guest: true,
        customer_email: "guest.buyer@example.be",
        customer_first_name: "Lotte",
        billing_country_id: "BE",
        billing_region: null,
        guest: "guest.buyer@example.be",
        items: String(items),
        grand_total: total,
      },
    ]);
  });

  it("a registered customer's cart with an empty address (no checkout yet)", async () => {
    const cart = await sample("/V1/carts/search");
    const empty = {
      id: 3,
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
    };
    const shaped = { ...cart, id: 900_020, billing_address: empty };
    expect(await keep("carts", writeCarts as Writer, [shaped])).toMatchObject({ invalid: 0, warnings: [] });
    const row = await one<{ is_guest: boolean; billing_country_id: string | null; items: string }>(sql`
      SELECT x.is_guest, x.billing_country_id, (SELECT count(*) FROM magento_cart_items i WHERE i.cart_id = x.id)::text AS items
      FROM magento_carts x WHERE x.channel_id = ${channel.id} AND x.origin_id = 900020`);
    expect(row).toEqual({
      is_guest: (cart.customer_is_guest as boolean) ?? false,
      billing_country_id: null,
      items: String((cart.items as unknown[]).length),
    });
  });

  it("credit memo items without cost", async () => {
    const memo = await sample("/V1/creditmemos");
    const items: Json[] = (memo.items as Json[]).map((item, index) => ({ ...item, entity_id: 900_100 + index, base_cost: null }));
    const shaped = { ...memo, entity_id: 900_030, items };
    expect(await keep("creditMemos", writeCreditMemos as Writer, [shaped])).toMatchObject({ invalid: 0, warnings: [] });
    const row = await one<{ grand_total: string; items: string; refunded: string }>(sql`
      SELECT m.grand_total::text, (SELECT count(*) FROM magento_credit_memo_items i WHERE i.credit_memo_id = m.id)::text AS items,
        (SELECT coalesce(sum(i.row_total), 0)::text FROM magento_credit_memo_items i WHERE i.credit_memo_id = m.id) AS refunded
      FROM magento_credit_memos m WHERE m.channel_id = ${channel.id} AND m.origin_id = 900030`);
    expect(Number(row.grand_total)).toBe(memo.grand_total);
    expect(row.items).toBe(String(items.length));
    expect(Number(row.refunded)).toBeCloseTo(
      items.reduce((sum, i) => sum + Number(i.row_total), 0),
      4,
    );
  });

  it("an order whose payment has null account_status and cc_last4, and addresses without region", async () => {
    const order = await sample("/V1/orders");
    const address = (a: Json) => ({ ...a, region: null, region_code: null, region_id: null, country_id: "IE", postcode: null });
    const shaped = {
      ...order,
      entity_id: 900_040,
      increment_id: "900040",
      items: (order.items as Json[]).map((i, index) => ({ ...i, item_id: 900_200 + index, parent_item_id: null, order_id: 900_040 })),
      payment: { ...(order.payment as Json), account_status: null, cc_last4: null, additional_information: null },
      billing_address: { ...address(order.billing_address as Json), entity_id: 900_300 },
      extension_attributes: null,
      status_histories: [{ comment: null, is_customer_notified: null, is_visible_on_front: 0, parent_id: 900_040 }],
    };
    expect(await keep("orders", writeOrders as Writer, [shaped])).toMatchObject({ invalid: 0, warnings: [] });
    const row = await one<{
      grand_total: string;
      items: string;
      payment_method: string;
      billing_country_id: string;
      billing_region: string | null;
    }>(sql`
      SELECT o.grand_total::text, (SELECT count(*) FROM magento_order_items i WHERE i.order_id = o.id)::text AS items, o.payment_method,
        o.billing_country_id, o.billing_region
      FROM magento_orders o WHERE o.channel_id = ${channel.id} AND o.origin_id = 900040`);
    expect(Number(row.grand_total)).toBe(order.grand_total);
    expect(row).toMatchObject({
      items: String((order.items as unknown[]).length),
      payment_method: (order.payment as Json).method,
      billing_country_id: "IE",
      billing_region: null,
    });
  });

  it("a stock item before it first ran low, and cart totals without WEEE", async () => {
    const { stockItemSchema } = await import("@/lib/magento/schemas/catalog");
    const { cartTotalsSchema } = await import("@/lib/magento/schemas/cart");
    const { validateValue } = await import("@/lib/magento/validate");
    const stock = await fetch(`${sim.baseUrl}/rest/default/V1/stockItems/${encodeURIComponent(sim.store.products[0]!.sku)}`, {
      headers: { Authorization: `Bearer ${sim.adminToken}` },
    });
    const item = (await stock.json()) as Json;
    expect(validateValue(stockItemSchema, { ...item, low_stock_date: null }).ok).toBe(true);
    const totals = { grand_total: 10, base_grand_total: 10, weee_tax_applied_amount: null, items: [], total_segments: [] };
    expect(validateValue(cartTotalsSchema, totals).ok).toBe(true);
  });
});
