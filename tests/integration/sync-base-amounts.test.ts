import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { MIGRATIONS_FOLDER } from "@/db/migrate";
import { channels } from "@/db/schema";
import { createMagentoClient, type MagentoClient } from "@/lib/magento/client";
import { decimalFromNumber } from "@/lib/magento/schemas/primitives";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { EUR_BASE_TO_GLOBAL_RATE } from "@/simulator/data";
import { computeCartTotals, renderCart, renderOrder } from "@/simulator/render";
import { runChannelSync, scheduledMode } from "@/lib/sync/runner";
import { rowsOf } from "@/db/rows";
import type { ChannelRow } from "@/lib/sync/types";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { globalText } from "@/tests/helpers/global-money";

// Base and global amounts (issue 16): the real runner against the two-currency simulator (Main
// Website USD base with a EUR French view, Europe Website EUR base at base_to_global_rate 1.0815).
// What Magento sent is stored as sent; customers' lifetime value is in the global currency; the
// backfill migration makes the next sync fill rows synced before; base money is read strictly.

const NOW = new Date(Date.UTC(2026, 2, 1));

let sim: RunningSimulator;
let client: MagentoClient;
let testDb: TestDatabase;
let channel: ChannelRow;

async function rows<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

/** One decimal spelling for Magento's JSON numbers and Postgres numeric text: "12.3400" and 12.34 → "12.34". */
function dec(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === "number" ? decimalFromNumber(value) : String(value);
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

function decimals<T extends Record<string, unknown>>(row: T, keys: readonly string[]): Record<string, string | null> {
  return Object.fromEntries(keys.map((key) => [key, dec(row[key])]));
}

async function makeChannel(db: Db): Promise<ChannelRow> {
  const [row] = await db
    .insert(channels)
    .values({ name: `two currencies ${Math.random()}`, baseUrl: sim.baseUrl })
    .returning();
  if (!row) throw new Error("channel not inserted");
  return row;
}

async function sync(target: ChannelRow, mode: "initial" | "incremental" = "initial") {
  return runChannelSync({ db: testDb.db, channelId: target.id, mode, trigger: "cli", client, pageSize: 100 });
}

const ORDER_KEYS = [
  "base_grand_total",
  "base_subtotal",
  "base_discount_amount",
  "base_shipping_amount",
  "base_tax_amount",
  "base_total_refunded",
  "base_total_canceled",
  "base_to_global_rate",
] as const;
const ITEM_KEYS = ["base_price", "base_row_total", "base_discount_amount", "base_tax_amount"] as const;
const MEMO_KEYS = [
  "base_grand_total",
  "base_subtotal",
  "base_tax_amount",
  "base_shipping_amount",
  "base_discount_amount",
  "base_adjustment",
  "base_to_global_rate",
] as const;

/** The channel's base columns by origin id, as text. */
async function storedBase(db: Db, channelId: number) {
  const orders = await rows<Record<string, unknown>>(
    db,
    sql`
    SELECT origin_id::text, base_currency_code, global_currency_code, order_currency_code, ${sql.raw(ORDER_KEYS.map((k) => `${k}::text`).join(", "))}
    FROM magento_orders WHERE channel_id = ${channelId} ORDER BY origin_id`,
  );
  const items = await rows<Record<string, unknown>>(
    db,
    sql`
    SELECT origin_id::text, ${sql.raw(ITEM_KEYS.map((k) => `${k}::text`).join(", "))}
    FROM magento_order_items WHERE channel_id = ${channelId} ORDER BY origin_id`,
  );
  const memos = await rows<Record<string, unknown>>(
    db,
    sql`
    SELECT origin_id::text, base_currency_code, global_currency_code, ${sql.raw(MEMO_KEYS.map((k) => `${k}::text`).join(", "))}
    FROM magento_credit_memos WHERE channel_id = ${channelId} ORDER BY origin_id`,
  );
  const carts = await rows<Record<string, unknown>>(
    db,
    sql`
    SELECT origin_id::text, base_currency_code, global_currency_code, base_to_global_rate::text, base_grand_total::text,
           totals_synced_at IS NOT NULL AS totals_read
    FROM magento_carts WHERE channel_id = ${channelId} ORDER BY origin_id`,
  );
  return { orders, items, memos, carts };
}

beforeAll(async () => {
  sim = await startMagentoSimulator({ port: 0, seed: 16, customers: 150, orders: 500, now: NOW });
  client = createMagentoClient({ baseUrl: sim.baseUrl, auth: { type: "bearer", token: sim.adminToken }, requestsPerSecond: null });
  testDb = await createTestDatabase();
  channel = await makeChannel(testDb.db);
  const run = await sync(channel);
  expect(run.status).toBe("succeeded");
}, 180_000);

afterAll(async () => {
  await testDb?.drop();
  await sim?.close();
});

describe("base and global amounts from a two-currency store", () => {
  it("stores the base amounts, currency codes and rates of orders, items, credit memos and carts as Magento sent them", async () => {
    const store = sim.store;
    const stored = await storedBase(testDb.db, channel.id);

    const orders = [...store.orders.values()];
    const ascending = (list: number[]) => list.sort((a, b) => a - b);
    expect(ascending(stored.orders.map((o) => Number(o.origin_id)))).toEqual(ascending(orders.map((o) => o.entityId)));
    const byOrder = new Map(stored.orders.map((o) => [Number(o.origin_id), o]));
    const storedItems = new Map(stored.items.map((i) => [Number(i.origin_id), i]));
    let itemCount = 0;
    for (const order of orders) {
      const sent = renderOrder(order, store.memoLookup);
      const row = byOrder.get(order.entityId)!;
      expect(decimals(row, ORDER_KEYS), `order ${order.entityId}`).toEqual(decimals(sent, ORDER_KEYS));
      expect([row.base_currency_code, row.global_currency_code, row.order_currency_code], `order ${order.entityId}`).toEqual([
        sent.base_currency_code,
        sent.global_currency_code,
        sent.order_currency_code,
      ]);
      for (const item of sent.items as Record<string, unknown>[]) {
        itemCount++;
        expect(decimals(storedItems.get(Number(item.item_id))!, ITEM_KEYS), `item ${String(item.item_id)}`).toEqual(
          decimals(item, ITEM_KEYS),
        );
      }
    }
    expect(stored.items.length).toBe(itemCount);

    const byMemo = new Map(stored.memos.map((m) => [Number(m.origin_id), m]));
    expect(byMemo.size).toBe(store.memos.size);
    for (const memo of store.memos.values()) {
      const sent = store.memoColumns(memo);
      const row = byMemo.get(memo.entityId)!;
      expect(decimals(row, MEMO_KEYS), `memo ${memo.entityId}`).toEqual(decimals(sent, MEMO_KEYS));
      expect([row.base_currency_code, row.global_currency_code]).toEqual([sent.base_currency_code, sent.global_currency_code]);
    }

    const byCart = new Map(stored.carts.map((c) => [Number(c.origin_id), c]));
    expect(byCart.size).toBe(store.carts.size);
    let totalsRead = 0;
    for (const cart of store.carts.values()) {
      const currency = renderCart(cart, cart.customerId === null ? undefined : store.customers.get(cart.customerId)).currency as Record<
        string,
        unknown
      >;
      const row = byCart.get(cart.id)!;
      expect([row.base_currency_code, row.global_currency_code, dec(row.base_to_global_rate)], `cart ${cart.id}`).toEqual([
        currency.base_currency_code,
        currency.global_currency_code,
        dec(currency.base_to_global_rate),
      ]);
      // base_grand_total comes from the totals route, read for open carts.
      if (row.totals_read) {
        totalsRead++;
        expect(dec(row.base_grand_total), `cart ${cart.id}`).toBe(dec(computeCartTotals(cart).baseGrand / 100));
      }
    }
    expect(totalsRead).toBeGreaterThan(0);

    // The store under test has all three currency set-ups.
    const setups = new Set(
      stored.orders.map((o) => `${String(o.order_currency_code)}/${String(o.base_currency_code)}/${dec(o.base_to_global_rate)}`),
    );
    expect(setups).toEqual(new Set(["USD/USD/1", "EUR/USD/1", `EUR/EUR/${dec(EUR_BASE_TO_GLOBAL_RATE)}`]));
    expect(stored.memos.some((m) => m.base_currency_code === "EUR")).toBe(true);
    expect(stored.carts.some((c) => c.base_currency_code === "EUR" && dec(c.base_to_global_rate) === "1.0815")).toBe(true);
  });

  it("adds up the simulator's global figure exactly: Σ base_grand_total × base_to_global_rate", async () => {
    const [row] = await rows<{ total: string }>(
      testDb.db,
      sql`
      SELECT coalesce(sum(base_grand_total * base_to_global_rate), 0)::text AS total FROM magento_orders WHERE channel_id = ${channel.id}`,
    );
    expect(dec(row!.total)).toBe(dec(sim.control.figures().orders.globalGrandTotal));
  });

  it("keeps every customer's lifetime value and refunds in the global currency, equal to an independent sum", async () => {
    const got = await rows<{
      id: string;
      lifetime_value: string;
      refunds_total: string;
      lifetime_currency_code: string | null;
      lifetime_unconverted_orders: number;
      orders_count: number;
      want_ltv: string;
      want_refunds: string;
      n: string;
      order_currency_sum: string;
    }>(
      testDb.db,
      sql`
      SELECT c.id::text, c.lifetime_value::text, c.refunds_total::text, c.lifetime_currency_code, c.lifetime_unconverted_orders, c.orders_count,
             round(coalesce(o.ltv, 0), 4)::text AS want_ltv, round(coalesce(m.refunds, 0), 4)::text AS want_refunds,
             coalesce(o.n, 0)::text AS n, coalesce(o.plain, 0)::text AS order_currency_sum
      FROM magento_customers c
      LEFT JOIN (
        SELECT customer_id, sum((base_subtotal + base_discount_amount) * base_to_global_rate) AS ltv, sum(subtotal + discount_amount) AS plain, count(*) AS n
        FROM magento_orders WHERE state <> 'canceled' AND removed_at IS NULL GROUP BY customer_id
      ) o ON o.customer_id = c.id
      LEFT JOIN (SELECT customer_id, sum(base_grand_total * base_to_global_rate) AS refunds FROM magento_credit_memos GROUP BY customer_id) m
        ON m.customer_id = c.id
      WHERE c.channel_id = ${channel.id}`,
    );
    expect(got.length).toBeGreaterThan(100);
    for (const c of got) {
      expect(c.lifetime_value, `customer ${c.id}`).toBe(c.want_ltv);
      expect(c.refunds_total, `customer ${c.id}`).toBe(c.want_refunds);
      expect(c.orders_count, `customer ${c.id}`).toBe(Number(c.n));
      expect(c.lifetime_unconverted_orders).toBe(0);
      expect(c.lifetime_currency_code, `customer ${c.id}`).toBe(Number(c.n) > 0 ? "USD" : null);
    }
    // Customers of the Europe website: their value is no longer their EUR order amounts.
    expect(got.filter((c) => Number(c.n) > 0 && c.lifetime_value !== c.order_currency_sum).length).toBeGreaterThan(5);
  });

  it("computes a Europe customer's lifetime value by hand: EUR base × 1.0815, rounded to 4 places once", async () => {
    const store = sim.store;
    const orders = [...store.orders.values()];
    const customer = [...store.customers.values()].find(
      (c) => c.website_id === 2 && orders.filter((o) => o.customerId === c.id && o.state !== "canceled").length >= 2,
    )!;
    const live = orders.filter((o) => o.customerId === customer.id && o.state !== "canceled");
    const want = globalText(
      live.flatMap((o) => {
        const header = store.orderColumns(o);
        expect(header.base_to_global_rate).toBe(1.0815);
        return [
          [header.base_subtotal, header.base_to_global_rate],
          [header.base_discount_amount, header.base_to_global_rate],
        ] as [unknown, unknown][];
      }),
    );
    const [row] = await rows<{ lifetime_value: string; lifetime_currency_code: string }>(
      testDb.db,
      sql`
      SELECT lifetime_value::text, lifetime_currency_code FROM magento_customers WHERE channel_id = ${channel.id} AND origin_id = ${customer.id}`,
    );
    expect(row).toEqual({ lifetime_value: want, lifetime_currency_code: "USD" });
  });
});

/** The statements the base-amounts migration adds after its column changes (the backfill). */
function backfillStatements(): string[] {
  const file = readdirSync(MIGRATIONS_FOLDER).find((name) => name.endsWith("_base_amounts.sql"));
  if (!file) throw new Error("base amounts migration not found");
  return readFileSync(path.join(MIGRATIONS_FOLDER, file), "utf8")
    .split("--> statement-breakpoint")
    .map((statement) => statement.trim())
    .filter((statement) => !/^ALTER TABLE/i.test(statement));
}

describe("backfill of rows synced before base amounts were read", () => {
  it("the migration makes the next sync re-read orders, credit memos and carts and fill their base columns, without duplicates", async () => {
    const target = await makeChannel(testDb.db);
    expect((await sync(target)).status).toBe("succeeded");
    const before = await storedBase(testDb.db, target.id);
    const count = async () =>
      (
        await rows<{ n: string }>(
          testDb.db,
          sql`
      SELECT ((SELECT count(*) FROM magento_orders WHERE channel_id = ${target.id}) + (SELECT count(*) FROM magento_order_items WHERE channel_id = ${target.id})
        + (SELECT count(*) FROM magento_credit_memos WHERE channel_id = ${target.id}) + (SELECT count(*) FROM magento_carts WHERE channel_id = ${target.id}))::text AS n`,
        )
      )[0]!.n;
    const rowsBefore = await count();

    // As a database synced before this change holds them: the new columns empty.
    await testDb.db.execute(sql`UPDATE magento_orders SET base_subtotal = NULL, base_discount_amount = NULL, base_shipping_amount = NULL,
      base_tax_amount = NULL, base_total_refunded = NULL, base_total_canceled = NULL, base_to_global_rate = NULL WHERE channel_id = ${target.id}`);
    await testDb.db.execute(
      sql`UPDATE magento_order_items SET base_row_total = NULL, base_discount_amount = NULL, base_tax_amount = NULL WHERE channel_id = ${target.id}`,
    );
    await testDb.db.execute(sql`UPDATE magento_credit_memos SET base_subtotal = NULL, base_tax_amount = NULL, base_shipping_amount = NULL,
      base_discount_amount = NULL, base_adjustment = NULL, base_to_global_rate = NULL, global_currency_code = NULL WHERE channel_id = ${target.id}`);
    await testDb.db.execute(
      sql`UPDATE magento_carts SET base_to_global_rate = NULL, global_currency_code = NULL WHERE channel_id = ${target.id}`,
    );
    const [{ orders }] = (await rows<{ orders: string }>(
      testDb.db,
      sql`
      SELECT sum(orders_count)::text AS orders FROM magento_customers WHERE channel_id = ${target.id}`,
    )) as [{ orders: string }];

    for (const statement of backfillStatements()) await testDb.db.execute(sql.raw(statement));

    // Until the sync: no value mixed from other currencies; every counted order is "not converted yet".
    const [waiting] = await rows<{ ltv: string; unconverted: string; currencies: string }>(
      testDb.db,
      sql`
      SELECT sum(lifetime_value)::text AS ltv, sum(lifetime_unconverted_orders)::text AS unconverted, count(lifetime_currency_code)::text AS currencies
      FROM magento_customers WHERE channel_id = ${target.id}`,
    );
    expect(waiting).toEqual({ ltv: "0.0000", unconverted: orders, currencies: "0" });
    const [fresh] = await testDb.db
      .select()
      .from(channels)
      .where(sql`id = ${target.id}`);
    expect(await scheduledMode(testDb.db, fresh!)).toBe("initial");

    const run = await sync(target, await scheduledMode(testDb.db, fresh!));
    expect(run.status).toBe("succeeded");
    expect(await storedBase(testDb.db, target.id)).toEqual(before);
    expect(await count()).toBe(rowsBefore);
    const [after] = await rows<{ unconverted: string; missing: string }>(
      testDb.db,
      sql`
      SELECT sum(lifetime_unconverted_orders)::text AS unconverted,
             count(*) FILTER (WHERE orders_count > 0 AND lifetime_currency_code IS NULL)::text AS missing
      FROM magento_customers WHERE channel_id = ${target.id}`,
    );
    expect(after).toEqual({ unconverted: "0", missing: "0" });
    expect(await scheduledMode(testDb.db, fresh!)).toBe("incremental");
  }, 180_000);

  it("counts an order without base amounts as not converted and leaves it out of the lifetime value", async () => {
    const [customer] = await rows<{ id: string; ltv: string; n: number }>(
      testDb.db,
      sql`
      SELECT id::text, lifetime_value::text AS ltv, orders_count AS n FROM magento_customers
      WHERE channel_id = ${channel.id} AND orders_count >= 2 ORDER BY id LIMIT 1`,
    );
    const [order] = await rows<{ id: string }>(
      testDb.db,
      sql`
      SELECT id::text FROM magento_orders WHERE customer_id = ${Number(customer!.id)} AND state <> 'canceled' ORDER BY id LIMIT 1`,
    );
    await testDb.db.execute(
      sql`UPDATE magento_orders SET base_subtotal = NULL, base_to_global_rate = NULL WHERE id = ${Number(order!.id)}`,
    );
    const { recomputeCustomerTotals } = await import("@/lib/sync/rules/ltv");
    await testDb.db.transaction((tx) => recomputeCustomerTotals(tx, channel.id, [Number(customer!.id)]));
    const [row] = await rows<{ ltv: string; unconverted: number; n: number }>(
      testDb.db,
      sql`
      SELECT lifetime_value::text AS ltv, lifetime_unconverted_orders AS unconverted, orders_count AS n FROM magento_customers WHERE id = ${Number(customer!.id)}`,
    );
    expect(row!.n).toBe(customer!.n);
    expect(row!.unconverted).toBe(1);
    const [others] = await rows<{ ltv: string }>(
      testDb.db,
      sql`
      SELECT round(coalesce(sum((base_subtotal + base_discount_amount) * base_to_global_rate), 0), 4)::text AS ltv FROM magento_orders
      WHERE customer_id = ${Number(customer!.id)} AND state <> 'canceled' AND id <> ${Number(order!.id)}`,
    );
    expect(row!.ltv).toBe(others!.ltv);
    expect(row!.ltv).not.toBe(customer!.ltv);
  });
});

describe("base money is read strictly", () => {
  it("refuses an order whose base_grand_total or base_to_global_rate is not a number, and keeps one whose base_grand_total is null", async () => {
    const target = await makeChannel(testDb.db);
    const ids = [...sim.store.orders.keys()].sort((a, b) => a - b);
    const [textTotal, textRate, nullTotal] = [ids[3]!, ids[5]!, ids[8]!];
    const faults = sim.control.addFaults([
      { path: "/V1/orders", malformed: { field: "base_grand_total", mode: "string", id: textTotal } },
      { path: "/V1/orders", malformed: { field: "base_to_global_rate", mode: "string", id: textRate } },
      { path: "/V1/orders", malformed: { field: "base_grand_total", mode: "null", id: nullTotal } },
    ]);
    try {
      const run = await sync(target);
      expect(run.status).toBe("partial");
      const errors = await rows<{ origin_id: string; field: string }>(
        testDb.db,
        sql`
        SELECT origin_id, field FROM sync_errors WHERE channel_id = ${target.id} AND connector = 'orders' ORDER BY origin_id::bigint`,
      );
      expect(errors).toEqual([
        { origin_id: String(textTotal), field: "base_grand_total" },
        { origin_id: String(textRate), field: "base_to_global_rate" },
      ]);
      const stored = await rows<{ origin_id: string; base_grand_total: string | null; base_subtotal: string | null }>(
        testDb.db,
        sql`
        SELECT origin_id::text, base_grand_total::text, base_subtotal::text FROM magento_orders
        WHERE channel_id = ${target.id} AND origin_id IN (${textTotal}, ${textRate}, ${nullTotal}) ORDER BY origin_id`,
      );
      expect(stored.map((o) => [Number(o.origin_id), o.base_grand_total])).toEqual([[nullTotal, null]]);
      expect(stored[0]!.base_subtotal).not.toBeNull();
    } finally {
      for (const fault of faults) sim.control.clearFaults(fault.id);
    }
  }, 120_000);
});
