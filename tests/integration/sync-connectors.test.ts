import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { channels } from "@/db/schema";
import { createMagentoClient, type MagentoClient } from "@/lib/magento/client";
import { startMagentoSimulator, storeFigures, type RunningSimulator } from "@/simulator";
import { cartsConnector } from "@/lib/sync/connectors/carts";
import { creditMemosConnector } from "@/lib/sync/connectors/credit_memos";
import { customersConnector } from "@/lib/sync/connectors/customers";
import { newsletterSubscribersConnector } from "@/lib/sync/connectors/newsletter_subscribers";
import { fetchWindowPage } from "@/lib/sync/connectors/common";
import { ORDER_SEARCH_FIELDS, ordersConnector } from "@/lib/sync/connectors/orders";
import { storesConnector } from "@/lib/sync/connectors/stores";
import { rowsOf } from "@/db/rows";
import type { KeysetCursor } from "@/lib/sync/keyset";
import type { ChannelRow, Connector, FetchedPage, SyncContext, UpdatedWindow, WriteResult } from "@/lib/sync/types";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { globalText } from "../helpers/global-money";

// Every connector against the in-process simulator, page by page over the full window (one
// transaction per page), on Postgres and on PGlite: exact counts and money sums against the
// simulator's own data, an idempotent second pass, the cart/order/guest/LTV rules.

const NOW = Date.UTC(2026, 0, 15);
const PAGE_SIZE = 100;
const WINDOW: UpdatedWindow = { from: new Date(Date.UTC(2000, 0, 1)), to: new Date(NOW + 365 * 86_400_000) };
const CONNECTORS: Connector[] = [
  storesConnector,
  customersConnector,
  cartsConnector,
  ordersConnector,
  creditMemosConnector,
  newsletterSubscribersConnector,
] as Connector[];

type Totals = { created: number; updated: number; unchanged: number; failed: number; records: number; writeMs: number; pages: number };
type PassResult = Record<string, Totals>;

let sim: RunningSimulator;
let client: MagentoClient;
let pg: TestDatabase;

async function makeChannel(db: Db, values: Partial<typeof channels.$inferInsert> = {}): Promise<ChannelRow> {
  const [channel] = await db
    .insert(channels)
    .values({ name: `Simulated store ${Math.random()}`, baseUrl: sim.baseUrl, ...values })
    .returning();
  if (!channel) throw new Error("channel not inserted");
  return channel;
}

async function rows<T = Record<string, unknown>>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

async function one<T = Record<string, unknown>>(db: Db, query: ReturnType<typeof sql>): Promise<T> {
  const [first] = await rows<T>(db, query);
  if (first === undefined) throw new Error("no row");
  return first;
}

/** Runs a connector over every page of the window, one transaction per page. */
async function runConnector(ctx: SyncContext, connector: Connector, window: UpdatedWindow = WINDOW): Promise<Totals> {
  const totals: Totals = { created: 0, updated: 0, unchanged: 0, failed: 0, records: 0, writeMs: 0, pages: 0 };
  let cursor: KeysetCursor | null = null;
  for (let page = 1; page < 1000; page++) {
    const fetched: FetchedPage<unknown> = await connector.fetchPage(ctx, { window, page, cursor }, PAGE_SIZE);
    cursor = fetched.cursor ?? null;
    expect(fetched.invalid).toEqual([]);
    const started = performance.now();
    const result: WriteResult = await ctx.db.transaction(async (tx) => {
      const written = await connector.writePage(tx, ctx, fetched.records);
      await connector.afterPage?.(tx, ctx, fetched.records);
      return written;
    });
    totals.writeMs += performance.now() - started;
    totals.pages++;
    totals.records += fetched.records.length;
    totals.created += result.created;
    totals.updated += result.updated;
    totals.unchanged += result.unchanged;
    totals.failed += result.failed.length;
    if (!connector.windowed || fetched.done) break;
  }
  return totals;
}

function totalsOf(pass: PassResult, name: string): Totals {
  const totals = pass[name];
  if (!totals) throw new Error(`no totals for ${name}`);
  return totals;
}

async function runAll(ctx: SyncContext, order: readonly Connector[] = CONNECTORS): Promise<PassResult> {
  const out: PassResult = {};
  for (const connector of order) out[connector.name] = await runConnector(ctx, connector);
  return out;
}

/** Row counts that must match between drivers and passes. */
async function counts(db: Db, channelId: number) {
  return one<Record<string, string>>(
    db,
    sql`
    SELECT
      (SELECT count(*) FROM magento_websites WHERE channel_id = ${channelId})::text AS websites,
      (SELECT count(*) FROM magento_stores WHERE channel_id = ${channelId})::text AS stores,
      (SELECT count(*) FROM magento_customer_groups WHERE channel_id = ${channelId})::text AS groups,
      (SELECT count(*) FROM magento_customers WHERE channel_id = ${channelId} AND NOT is_guest)::text AS customers,
      (SELECT count(*) FROM magento_customers WHERE channel_id = ${channelId} AND is_guest)::text AS guests,
      (SELECT count(*) FROM magento_customers WHERE channel_id = ${channelId} AND merged_into_id IS NOT NULL)::text AS merged,
      (SELECT count(*) FROM magento_customer_addresses WHERE channel_id = ${channelId})::text AS addresses,
      (SELECT count(*) FROM magento_carts WHERE channel_id = ${channelId})::text AS carts,
      (SELECT count(*) FROM magento_carts WHERE channel_id = ${channelId} AND status = 'purchased')::text AS purchased,
      (SELECT count(*) FROM magento_carts WHERE channel_id = ${channelId} AND status = 'open')::text AS open_carts,
      (SELECT count(*) FROM magento_cart_items WHERE channel_id = ${channelId})::text AS cart_items,
      (SELECT count(*) FROM magento_orders WHERE channel_id = ${channelId})::text AS orders,
      (SELECT count(*) FROM magento_orders WHERE channel_id = ${channelId} AND is_guest)::text AS guest_orders,
      (SELECT count(*) FROM magento_orders WHERE channel_id = ${channelId} AND cart_id IS NOT NULL)::text AS orders_with_cart,
      (SELECT count(*) FROM magento_order_items WHERE channel_id = ${channelId})::text AS order_items,
      (SELECT count(*) FROM magento_order_addresses WHERE channel_id = ${channelId})::text AS order_addresses,
      (SELECT coalesce(sum(grand_total), 0)::text FROM magento_orders WHERE channel_id = ${channelId}) AS grand_total,
      (SELECT count(*) FROM magento_credit_memos WHERE channel_id = ${channelId})::text AS memos,
      (SELECT count(*) FROM magento_credit_memo_items WHERE channel_id = ${channelId})::text AS memo_items,
      (SELECT count(*) FROM magento_newsletter_subscribers WHERE channel_id = ${channelId})::text AS subscribers,
      (SELECT count(*) FROM magento_newsletter_subscribers WHERE channel_id = ${channelId} AND status = 'subscribed')::text AS subscribed,
      (SELECT coalesce(sum(lifetime_value), 0)::text FROM magento_customers WHERE channel_id = ${channelId}) AS ltv_total,
      (SELECT coalesce(sum(refunds_total), 0)::text FROM magento_customers WHERE channel_id = ${channelId}) AS refunds_total,
      (SELECT coalesce(sum(orders_count), 0)::text FROM magento_customers WHERE channel_id = ${channelId}) AS orders_count,
      (SELECT count(*) FROM magento_orders WHERE channel_id = ${channelId} AND customer_id IS NOT NULL)::text AS orders_linked,
      (SELECT count(*) FROM magento_carts WHERE channel_id = ${channelId} AND customer_id IS NOT NULL)::text AS carts_linked,
      (SELECT count(*) FROM magento_credit_memos WHERE channel_id = ${channelId} AND order_id IS NOT NULL)::text AS memos_linked
  `,
  );
}

/** "12.34" from integer cents, with numeric(20,4)'s four decimals. */
function centsText(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}00`;
}

const cents = (value: unknown) => Math.round(Number(value) * 100);

let pgChannel: ChannelRow;
let firstPass: PassResult;
let pgCounts: Record<string, string>;

beforeAll(async () => {
  sim = await startMagentoSimulator({ port: 0, seed: 7, customers: 120, orders: 400, now: new Date(NOW) });
  client = createMagentoClient({ baseUrl: sim.baseUrl, auth: { type: "bearer", token: sim.adminToken }, requestsPerSecond: null });
  pg = await createTestDatabase();
  pgChannel = await makeChannel(pg.db);
  firstPass = await runAll({ db: pg.db, channel: pgChannel, client, runId: 0 });
  pgCounts = await counts(pg.db, pgChannel.id);
}, 180_000);

afterAll(async () => {
  await pg?.drop();
  await sim?.close();
});

describe("sync connectors on Postgres", () => {
  it("writes exactly what the simulator holds", () => {
    const store = sim.store;
    const state = sim.control.state();
    const orders = [...store.orders.values()];
    const carts = [...store.carts.values()];
    const quoteIds = new Set(orders.map((o) => o.quoteId));
    const byState: Record<string, number> = {};
    for (const o of orders) byState[o.state] = (byState[o.state] ?? 0) + 1;
    const grandCents = orders.reduce((sum, o) => sum + cents(store.orderColumns(o).grand_total), 0);
    const guestKeys = new Set([
      ...orders.filter((o) => o.isGuest).map((o) => o.email.toLowerCase()),
      // A guest cart shows its guest's email only from checkout on (on the billing address).
      ...carts.filter((c) => c.isGuest && c.billing?.email).map((c) => c.billing!.email.toLowerCase()),
    ]);

    expect(Number(pgCounts.customers)).toBe(store.customers.size);
    expect(Number(pgCounts.customers)).toBe(state.customers);
    expect(Number(pgCounts.addresses)).toBe(store.addresses.size);
    expect(Number(pgCounts.guests)).toBe(guestKeys.size);
    expect(Number(pgCounts.carts)).toBe(store.carts.size);
    expect(Number(pgCounts.purchased)).toBe(carts.filter((c) => !c.isActive && quoteIds.has(c.id)).length);
    expect(Number(pgCounts.open_carts)).toBe(state.carts.active);
    // Every cart's items, closed carts' too (first sight); later only open carts' items follow Magento.
    expect(Number(pgCounts.cart_items)).toBe(carts.reduce((n, c) => n + c.items.length, 0));
    expect(Number(pgCounts.orders)).toBe(state.orders.total);
    expect(Number(pgCounts.guest_orders)).toBe(orders.filter((o) => o.isGuest).length);
    expect(Number(pgCounts.orders_with_cart)).toBe(orders.filter((o) => store.carts.has(o.quoteId)).length);
    // Magento's item rows: a configurable line is two (parent and child), both stored.
    expect(Number(pgCounts.order_items)).toBe(storeFigures(store).orders.itemRows);
    expect(Number(pgCounts.order_addresses)).toBe(orders.length * 2);
    expect(pgCounts.grand_total).toBe(centsText(grandCents));
    expect(Number(pgCounts.memos)).toBe(state.creditmemos);
    expect(Number(pgCounts.memo_items)).toBe(storeFigures(store).creditMemoItemRows);
    expect(Number(pgCounts.subscribers)).toBe(store.customers.size);
    expect(Number(pgCounts.subscribed)).toBe(state.subscribedCustomers);
    const registeredEmails = new Set([...store.customers.values()].map((c) => c.email.toLowerCase()));
    expect(Number(pgCounts.merged)).toBe([...guestKeys].filter((key) => registeredEmails.has(key)).length);
    expect(Number(pgCounts.orders_linked)).toBe(orders.length);
    // A guest cart before checkout names nobody (Magento sends its customer as nulls): no customer to link.
    expect(Number(pgCounts.carts_linked)).toBe(carts.filter((c) => !c.isGuest || c.billing?.email).length);
    expect(carts.filter((c) => c.isGuest && !c.billing?.email).length).toBeGreaterThan(0);
    expect(Number(pgCounts.memos_linked)).toBe(state.creditmemos);
    console.log("Postgres counts", pgCounts);
    for (const [entity, count] of Object.entries(byState)) expect(count, entity).toBeGreaterThan(0);
    expect(totalsOf(firstPass, "orders").created).toBe(orders.length);
    expect(totalsOf(firstPass, "customers").created).toBe(store.customers.size);
    for (const totals of Object.values(firstPass)) expect(totals.failed).toBe(0);
  });

  it("stores orders per state as Magento reports them", async () => {
    const got = await rows<{ state: string; n: string }>(
      pg.db,
      sql`
      SELECT state, count(*)::text AS n FROM magento_orders WHERE channel_id = ${pgChannel.id} GROUP BY state`,
    );
    expect(Object.fromEntries(got.map((row) => [row.state, Number(row.n)]))).toEqual(sim.control.state().orders.byState);
  });

  it("links every purchased cart and its order both ways", async () => {
    const broken = await one<{ n: string }>(
      pg.db,
      sql`
      SELECT count(*)::text AS n FROM magento_carts c JOIN magento_orders o ON o.id = c.order_id
      WHERE c.channel_id = ${pgChannel.id} AND (o.cart_id IS DISTINCT FROM c.id OR o.quote_origin_id <> c.origin_id OR c.status <> 'purchased')`,
    );
    expect(broken.n).toBe("0");
  });

  it("computes lifetime value by hand for a customer, in the global currency", async () => {
    const store = sim.store;
    const orders = [...store.orders.values()];
    const memoOrders = new Set([...store.memos.values()].map((m) => m.orderId));
    // A Europe website customer (EUR base, base_to_global_rate 1.0815) with a refund: both figures are converted.
    const customer = [...store.customers.values()].find(
      (c) =>
        c.website_id === 2 &&
        orders.filter((o) => o.customerId === c.id).length >= 2 &&
        orders.some((o) => o.customerId === c.id && memoOrders.has(o.entityId)),
    )!;
    const mine = orders.filter(
      (o) => o.customerId === customer.id || (o.isGuest && o.email.toLowerCase() === customer.email.toLowerCase()),
    );
    const live = mine.filter((o) => o.state !== "canceled");
    const ltv = globalText(
      live.flatMap((o) => {
        const header = store.orderColumns(o);
        return [
          [header.base_subtotal, header.base_to_global_rate],
          [header.base_discount_amount ?? 0, header.base_to_global_rate],
        ] as [unknown, unknown][];
      }),
    );
    const refunds = globalText(
      [...store.memos.values()]
        .filter((m) => mine.some((o) => o.entityId === m.orderId))
        .map((m) => [store.memoColumns(m).base_grand_total, store.memoColumns(m).base_to_global_rate]),
    );
    const row = await one<{ lifetime_value: string; orders_count: number; refunds_total: string; lifetime_currency_code: string }>(
      pg.db,
      sql`
      SELECT lifetime_value::text, orders_count, refunds_total::text, lifetime_currency_code FROM magento_customers
      WHERE channel_id = ${pgChannel.id} AND origin_id = ${customer.id}`,
    );
    expect(row).toEqual({ lifetime_value: ltv, orders_count: live.length, refunds_total: refunds, lifetime_currency_code: "USD" });
    // Not the EUR amounts the orders were placed in.
    const plain = live.reduce(
      (sum, o) => sum + cents(store.orderColumns(o).subtotal) + cents(store.orderColumns(o).discount_amount ?? 0),
      0,
    );
    expect(row.lifetime_value).not.toBe(centsText(plain));
  });

  it("a second pass creates and changes nothing; a cart marked lost stays lost", async () => {
    const openCart = await one<{ id: string; origin_id: string }>(
      pg.db,
      sql`
      SELECT id::text, origin_id::text FROM magento_carts WHERE channel_id = ${pgChannel.id} AND status = 'open' ORDER BY id LIMIT 1`,
    );
    await pg.db.execute(sql`UPDATE magento_carts SET status = 'lost', status_message = 'Lost by sales' WHERE id = ${Number(openCart.id)}`);
    const second = await runAll({ db: pg.db, channel: pgChannel, client, runId: 1 });
    for (const [name, totals] of Object.entries(second)) {
      expect(totals.created, name).toBe(0);
      expect(totals.updated, name).toBe(0);
      const first = totalsOf(firstPass, name);
      expect(totals.unchanged, name).toBe(first.created + first.updated + first.unchanged);
    }
    const after = await counts(pg.db, pgChannel.id);
    expect({ ...after, open_carts: pgCounts.open_carts }).toEqual(pgCounts);
    expect(Number(after.open_carts)).toBe(Number(pgCounts.open_carts) - 1);
    const cart = await one<{ status: string }>(pg.db, sql`SELECT status FROM magento_carts WHERE id = ${Number(openCart.id)}`);
    expect(cart.status).toBe("lost");
  }, 120_000);

  it("reports the orders write rate", () => {
    const orders = totalsOf(firstPass, "orders");
    const rate = orders.records / (orders.writeMs / 1000);
    console.log(
      `orders write (Postgres): ${orders.records} records in ${orders.writeMs.toFixed(0)} ms over ${orders.pages} pages = ${rate.toFixed(0)} records/s`,
    );
    expect(rate).toBeGreaterThan(0);
  });
});

/** Every column of a channel's orders, items and addresses that comes from Magento, by origin id. */
async function orderContent(db: Db, channelId: number) {
  // The portal's own ids and times differ between channels by nature.
  const local = new Set(["id", "channel_id", "order_id", "customer_id", "store_id", "cart_id", "synced_at", "created_at", "updated_at"]);
  const drop = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).filter(([key]) => !local.has(key)));
  const all = async (table: string) =>
    (await rows(db, sql`SELECT * FROM ${sql.raw(table)} WHERE channel_id = ${channelId} ORDER BY origin_id`)).map(drop);
  return { orders: await all("magento_orders"), items: await all("magento_order_items"), addresses: await all("magento_order_addresses") };
}

describe("orders fetched with a fields= projection", () => {
  it("asks Magento for less than half of the order and stores exactly what the full order stores", async () => {
    const channel = await makeChannel(pg.db);
    const full = {
      ...ordersConnector,
      fetchPage: (ctx: SyncContext, request: Parameters<Connector["fetchPage"]>[1], pageSize: number) =>
        fetchWindowPage(ctx, "orders", request, pageSize),
    } as Connector;
    const ctx = { db: pg.db, channel, client, runId: 0 };
    await runAll(ctx, [storesConnector, customersConnector, cartsConnector, full] as Connector[]);
    const projected = await orderContent(pg.db, pgChannel.id);
    expect(projected.orders.length).toBeGreaterThan(0);
    expect(projected.items.length).toBeGreaterThan(projected.orders.length);
    expect(await orderContent(pg.db, channel.id)).toEqual(projected);

    const page = "searchCriteria[pageSize]=50&searchCriteria[currentPage]=1";
    const size = async (query: string) =>
      (
        await (
          await fetch(`${sim.baseUrl}/rest/default/V1/orders?${query}`, { headers: { Authorization: `Bearer ${sim.adminToken}` } })
        ).text()
      ).length;
    expect(await size(`${page}&fields=${encodeURIComponent(ORDER_SEARCH_FIELDS)}`)).toBeLessThan((await size(page)) / 2);
  }, 120_000);
});

describe("out of order and channel settings", () => {
  it("links customers, carts and memos that arrive after their orders", async () => {
    const channel = await makeChannel(pg.db);
    const ctx = { db: pg.db, channel, client, runId: 0 };
    await runAll(ctx, [
      storesConnector,
      ordersConnector,
      creditMemosConnector,
      cartsConnector,
      customersConnector,
      newsletterSubscribersConnector,
    ] as Connector[]);
    expect(await counts(pg.db, channel.id)).toEqual(pgCounts);
  }, 120_000);

  it("keeps to the channel's websites and splits shared guest emails by name", async () => {
    const store = sim.store;
    const guest = [...store.orders.values()].find((o) => o.isGuest && o.storeId !== 3)!;
    const shared = guest.email;
    const channel = await makeChannel(pg.db, { websiteOriginIds: [1], sharedGuestEmails: [shared.toUpperCase()] });
    const ctx = { db: pg.db, channel, client, runId: 0 };
    await runAll(ctx);
    const got = await counts(pg.db, channel.id);
    const inWebsite = new Set([1, 2]);
    expect(Number(got.customers)).toBe([...store.customers.values()].filter((c) => c.website_id === 1).length);
    expect(Number(got.orders)).toBe([...store.orders.values()].filter((o) => inWebsite.has(o.storeId)).length);
    expect(Number(got.carts)).toBe([...store.carts.values()].filter((c) => inWebsite.has(c.storeId)).length);
    expect(Number(got.stores)).toBe(2);
    const keys = (
      await rows<{ guest_key: string }>(
        pg.db,
        sql`
      SELECT guest_key FROM magento_customers WHERE channel_id = ${channel.id} AND lower(email) = ${shared.toLowerCase()}`,
      )
    ).map((r) => r.guest_key);
    expect(keys).toContain(`${shared.toLowerCase()}|${guest.firstname.toLowerCase()} ${guest.lastname.toLowerCase()}`);
    expect(keys).not.toContain(shared.toLowerCase());
  }, 120_000);
});

describe("guest merge", () => {
  it("merges guest records into the registered customer, whichever arrives first", async () => {
    const store = sim.store;
    const channel = await makeChannel(pg.db);
    const ctx = { db: pg.db, channel, client, runId: 0 };
    await runAll(ctx, [storesConnector]);
    const customer = [...store.customers.values()][0]!;
    const guestIds = [...store.orders.values()]
      .filter((o) => o.isGuest && o.state !== "canceled")
      .slice(0, 2)
      .map((o) => o.entityId);
    const [early, late] = await Promise.all(guestIds.map((id) => client.getOrder(id)));
    const asCustomer = (o: NonNullable<typeof early>) => ({ ...o, customer_email: customer.email.toUpperCase() });
    // A guest order before the customer exists: a guest record, then merged when the customer arrives.
    await pg.db.transaction((tx) => ordersConnector.writePage(tx, ctx, [asCustomer(early!)]));
    const before = await one<{ is_guest: boolean; customer_id: string; merged_into_id: string | null }>(
      pg.db,
      sql`
      SELECT c.is_guest, c.id::text AS customer_id, c.merged_into_id::text FROM magento_orders o JOIN magento_customers c ON c.id = o.customer_id
      WHERE o.channel_id = ${channel.id} AND o.origin_id = ${early!.entity_id!}`,
    );
    expect(before.is_guest).toBe(true);
    await runAll(ctx, [customersConnector]);
    // A guest order after the customer exists: linked to the registered customer straight away.
    await pg.db.transaction(async (tx) => {
      await ordersConnector.writePage(tx, ctx, [asCustomer(late!)]);
      await ordersConnector.afterPage?.(tx, ctx, [asCustomer(late!)]);
    });
    const linked = await rows<{ origin_id: string; customer_origin: string | null }>(
      pg.db,
      sql`
      SELECT o.origin_id::text, c.origin_id::text AS customer_origin FROM magento_orders o JOIN magento_customers c ON c.id = o.customer_id
      WHERE o.channel_id = ${channel.id}`,
    );
    expect(linked.map((r) => r.customer_origin)).toEqual([String(customer.id), String(customer.id)]);
    const guestRow = await one<{ merged_into_id: string; registered: string }>(
      pg.db,
      sql`
      SELECT g.merged_into_id::text, (SELECT id::text FROM magento_customers WHERE channel_id = ${channel.id} AND origin_id = ${customer.id}) AS registered
      FROM magento_customers g WHERE g.channel_id = ${channel.id} AND g.is_guest`,
    );
    expect(guestRow.merged_into_id).toBe(guestRow.registered);
    const ltv = await one<{ lifetime_value: string; orders_count: number }>(
      pg.db,
      sql`
      SELECT lifetime_value::text, orders_count FROM magento_customers WHERE channel_id = ${channel.id} AND origin_id = ${customer.id}`,
    );
    const expected = globalText(
      [early!, late!].flatMap(
        (o) =>
          [
            [o.base_subtotal, o.base_to_global_rate],
            [o.base_discount_amount ?? 0, o.base_to_global_rate],
          ] as [unknown, unknown][],
      ),
    );
    expect(ltv.lifetime_value).toBe(expected);
    expect(Number(ltv.orders_count)).toBe(2);
  }, 60_000);
});

describe("sync connectors on PGlite", () => {
  it("gives the same counts as Postgres", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "sync-connectors-pglite-"));
    const handle = await openDatabase({ pgliteDir: dir });
    try {
      await migrateDatabase(handle.db, "pglite");
      const channel = await makeChannel(handle.db);
      const pass = await runAll({ db: handle.db, channel, client, runId: 0 });
      const got = await counts(handle.db, channel.id);
      expect(got).toEqual(pgCounts);
      const orders = totalsOf(pass, "orders");
      console.log(
        `orders write (PGlite): ${orders.records} records in ${orders.writeMs.toFixed(0)} ms = ${(orders.records / (orders.writeMs / 1000)).toFixed(0)} records/s`,
      );
      const again = await runAll({ db: handle.db, channel, client, runId: 1 });
      for (const [name, totals] of Object.entries(again)) expect(totals.created + totals.updated, name).toBe(0);
    } finally {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

describe("remote changes (runs last: it changes the simulated store)", () => {
  it("flags cart items deleted in Magento and refreshes the rest in an incremental window", async () => {
    const candidates = await rows<{ origin_id: string }>(
      pg.db,
      sql`
      SELECT origin_id::text FROM magento_carts WHERE channel_id = ${pgChannel.id} AND status = 'open' ORDER BY id`,
    );
    const cart = candidates.map((r) => sim.store.carts.get(Number(r.origin_id))!).find((c) => c.items.length >= 2)!;
    const [gone, changed] = cart.items;
    const since = new Date(Date.now() - 2000);
    sim.store.deleteCartItem(cart.id, gone!.itemId);
    sim.store.updateCartItem(cart.id, changed!.itemId, changed!.qty + 1);
    const totals = await runConnector({ db: pg.db, channel: pgChannel, client, runId: 2 }, cartsConnector, { from: since, to: null });
    expect(totals).toMatchObject({ records: 1, created: 0, updated: 1, unchanged: 0 });
    const items = await rows<{ origin_id: string; removed: boolean; qty: string }>(
      pg.db,
      sql`
      SELECT origin_id::text, removed_at IS NOT NULL AS removed, qty::text FROM magento_cart_items
      WHERE channel_id = ${pgChannel.id} AND cart_origin_id = ${cart.id} ORDER BY origin_id`,
    );
    expect(items.find((i) => Number(i.origin_id) === gone!.itemId)?.removed).toBe(true);
    const kept = items.find((i) => Number(i.origin_id) === changed!.itemId)!;
    expect(kept.removed).toBe(false);
    expect(Number(kept.qty)).toBe(changed!.qty);
  }, 60_000);
});
