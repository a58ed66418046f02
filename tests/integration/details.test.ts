import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { channels } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/session";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { gridNeighbors } from "@/lib/grid/neighbors";
import { parseGridState } from "@/lib/grid/params";
import { loadGridPage } from "@/lib/grid/sql";
import { ordersGrid } from "@/lib/orders/grid";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { claimLease, releaseLease } from "@/lib/sync/lease";
import { runChannelSync } from "@/lib/sync/runner";
import { syncRecord } from "@/lib/sync/sync-record";
import type { ChannelRow } from "@/lib/sync/types";
import { rowsOf } from "@/db/rows";
import { loadCartDetail } from "@/lib/carts/detail";
import { loadCreditMemoDetail } from "@/lib/credit-memos/detail";
import { loadCustomerActivity, loadCustomerDetail, loadCustomerPurchases } from "@/lib/customers/detail";
import { loadOrderDetail } from "@/lib/orders/detail";
import { readBackLink } from "@/lib/browse/back-link";
import { parseDetailId } from "@/lib/records/meta";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { globalText } from "@/tests/helpers/global-money";

// Detail pages' loaders, prev/next and "Sync this record", on data synced from the simulator and
// compared with the simulator's own records.

// The loaders import the session module, which pulls in next-auth: no request here, so stub it.
vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));

let sim: RunningSimulator;
let testDb: TestDatabase;
let channel: ChannelRow;

const viewer: SessionUser = { id: 1, email: "v@example.com", name: "Viewer", role: "viewer", permissions: ["view_sales"] };
const cents = (value: unknown) => Math.round(Number(value) * 100) || 0;

beforeAll(async () => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  sim = await startMagentoSimulator({ port: 0, seed: 515, customers: 30, orders: 120 });
  testDb = await createTestDatabase();
  [channel] = (await testDb.db
    .insert(channels)
    .values({
      name: "details",
      baseUrl: sim.baseUrl,
      adminUrl: "https://shop.example.com/admin/",
      credentialsEncrypted: sealCredentials({ type: "bearer", token: sim.adminToken }),
      maxRequestsPerSecond: 100,
    })
    .returning()) as [ChannelRow];
  const run = await runChannelSync({ db: testDb.db, channelId: channel.id, mode: "initial", trigger: "cli", pageSize: 100 });
  expect(run.status).toBe("succeeded");
}, 60_000);

afterAll(async () => {
  await sim?.close();
  await testDb?.drop();
});

async function localId(table: string, originId: number): Promise<number> {
  const [row] = rowsOf<{ id: number }>(
    await testDb.db.execute(sql`
    SELECT id::int AS id FROM ${sql.raw(table)} WHERE channel_id = ${channel.id} AND origin_id = ${originId}`),
  );
  if (!row) throw new Error(`${table} ${originId} not synced`);
  return row.id;
}

describe("detail loaders", () => {
  it("parses only positive integer ids", () => {
    expect(parseDetailId("12")).toBe(12);
    for (const bad of ["0", "-1", "1.5", "abc", "1e3", "01", "99999999999999999999", " 1"]) expect(parseDetailId(bad)).toBeNull();
  });

  it("an order equals the simulator's: totals, items, addresses, memos", async () => {
    const withMemo = [...sim.store.memos.values()][0]!;
    const simOrder = sim.store.orders.get(withMemo.orderId)!;
    const detail = await loadOrderDetail(testDb.db, viewer, await localId("magento_orders", simOrder.entityId));
    expect(detail).not.toBeNull();
    const columns = sim.store.orderColumns(simOrder) as Record<string, unknown>;
    const o = detail!.order;
    expect(o.incrementId).toBe(simOrder.incrementId);
    expect([o.status, o.state]).toEqual([simOrder.status, simOrder.state]);
    for (const [local, remote] of [
      [o.grandTotal, "grand_total"],
      [o.subtotal, "subtotal"],
      [o.taxAmount, "tax_amount"],
      [o.shippingAmount, "shipping_amount"],
      [o.discountAmount, "discount_amount"],
      [o.totalPaid, "total_paid"],
      [o.totalRefunded, "total_refunded"],
      [o.totalDue, "total_due"],
    ] as const) {
      expect(typeof local === "string" || local === null, remote).toBe(true);
      expect(cents(local ?? 0), remote).toBe(cents(columns[remote] ?? 0));
    }
    expect(detail!.items.map((i) => [i.sku, Number(i.qtyOrdered), cents(i.price)])).toEqual(
      [...simOrder.items].sort((a, b) => a.itemId - b.itemId).map((i) => [i.sku, i.qty, i.price]),
    );
    expect(detail!.billingAddress?.city).toBe(simOrder.billingAddress.city);
    expect(detail!.billingAddress?.street).toEqual(simOrder.billingAddress.street);
    expect(detail!.shippingAddress?.postcode).toBe(simOrder.shippingAddress.postcode);
    const memos = [...sim.store.memos.values()].filter((m) => m.orderId === simOrder.entityId);
    expect(detail!.creditMemos.map((m) => m.incrementId).sort()).toEqual(memos.map((m) => m.incrementId).sort());
    expect(detail!.channel).toEqual({ id: channel.id, name: "details", adminUrl: "https://shop.example.com/admin" });
    if (simOrder.quoteId) expect(detail!.cart?.originId).toBe(simOrder.quoteId);
  });

  it("a credit memo equals the simulator's, with its order", async () => {
    const simMemo = [...sim.store.memos.values()][0]!;
    const detail = await loadCreditMemoDetail(testDb.db, viewer, await localId("magento_credit_memos", simMemo.entityId));
    const columns = sim.store.memoColumns(simMemo) as Record<string, unknown>;
    expect(cents(detail!.memo.grandTotal)).toBe(cents(columns.grand_total));
    expect(cents(detail!.memo.adjustment)).toBe(cents(columns.adjustment ?? 0));
    expect(detail!.memo.incrementId).toBe(simMemo.incrementId);
    expect(detail!.order?.incrementId).toBe(sim.store.orders.get(simMemo.orderId)!.incrementId);
    expect(detail!.items.length).toBe(simMemo.items.length);
  });

  it("an order and its credit memo link the registered customer they belong to", async () => {
    const simMemo = [...sim.store.memos.values()].find((m) => sim.store.orders.get(m.orderId)?.customerId != null)!;
    const simCustomer = sim.store.customers.get(sim.store.orders.get(simMemo.orderId)!.customerId!)!;
    const expected = {
      id: await localId("magento_customers", simCustomer.id),
      email: simCustomer.email,
      name: `${simCustomer.firstname} ${simCustomer.lastname}`,
      isGuest: false,
      // The account the sync put the customer in (issue 22): the pages link it as "Account: <name>".
      account: { id: expect.any(Number), name: expect.any(String) },
    };
    const memo = await loadCreditMemoDetail(testDb.db, viewer, await localId("magento_credit_memos", simMemo.entityId));
    expect(memo!.customer).toEqual(expected);
    const order = await loadOrderDetail(testDb.db, viewer, await localId("magento_orders", simMemo.orderId));
    expect(order!.customer).toEqual(expected);
  });

  it("a purchased cart links its order", async () => {
    const simOrder = [...sim.store.orders.values()].find((o) => sim.store.carts.has(o.quoteId))!;
    const detail = await loadCartDetail(testDb.db, viewer, await localId("magento_carts", simOrder.quoteId));
    expect(detail!.cart.status).toBe("purchased");
    expect(detail!.order?.incrementId).toBe(simOrder.incrementId);
  });

  it("an open cart's items and totals equal the simulator's", async () => {
    const simCart = [...sim.store.carts.values()].find((c) => c.isActive && c.items.length > 1)!;
    const detail = await loadCartDetail(testDb.db, viewer, await localId("magento_carts", simCart.id));
    expect(detail!.cart.status).toBe("open");
    // Magento's cart search sends no totals: the sync keeps Σ price × qty as the subtotal.
    expect(cents(detail!.cart.subtotal)).toBe(simCart.items.reduce((sum, i) => sum + i.price * i.qty, 0));
    expect(detail!.items.map((i) => [i.sku, cents(i.price)])).toEqual(
      [...simCart.items].sort((a, b) => a.itemId - b.itemId).map((i) => [i.sku, i.price]),
    );
    expect(
      detail!.items
        .filter((i) => i.removedAt === null)
        .map((i) => [i.sku, Number(i.qty)])
        .sort(),
    ).toEqual(simCart.items.map((i) => [i.sku, i.qty]).sort());
  });

  it("a customer's lifetime figures equal the simulator's, in the global currency", async () => {
    const counted = (o: { state: string }) => o.state !== "canceled";
    // A Europe website customer: EUR base amounts × base_to_global_rate 1.0815 make the USD figures.
    const simCustomer = [...sim.store.customers.values()].find(
      (c) => c.website_id === 2 && [...sim.store.orders.values()].filter((o) => o.customerId === c.id && counted(o)).length >= 2,
    )!;
    const orders = [...sim.store.orders.values()].filter((o) => o.customerId === simCustomer.id && counted(o));
    const memos = [...sim.store.memos.values()].filter((m) => sim.store.orders.get(m.orderId)?.customerId === simCustomer.id);
    const sales = globalText(
      orders.flatMap((o) => {
        const c = sim.store.orderColumns(o) as Record<string, unknown>;
        return [
          [c.base_subtotal, c.base_to_global_rate],
          [c.base_discount_amount ?? 0, c.base_to_global_rate],
        ] as [unknown, unknown][];
      }),
    );
    const refunds = globalText(
      memos.map((m) => {
        const c = sim.store.memoColumns(m) as Record<string, unknown>;
        return [c.base_grand_total, c.base_to_global_rate];
      }),
    );
    const id = await localId("magento_customers", simCustomer.id);
    const detail = await loadCustomerDetail(testDb.db, viewer, id);
    expect(detail!.customer.email).toBe(simCustomer.email);
    expect(detail!.customer.isGuest).toBe(false);
    const f = detail!.figures;
    expect(f.value).toBe(sales);
    expect(f.currency).toBe("USD");
    expect(f.orderCount).toBe(orders.length);
    expect(f.unconvertedOrders).toBe(0);
    expect(Number(f.averageOrderValue)).toBeCloseTo(Number(sales) / orders.length, 3);
    expect(f.refundsValue).toBe(refunds);
    expect(f.refundsCount).toBe(memos.length);
    const times = orders.map((o) => new Date(`${o.createdAt.replace(" ", "T")}Z`).getTime());
    expect(f.firstOrderAt?.getTime()).toBe(Math.min(...times));
    expect(f.lastOrderAt?.getTime()).toBe(Math.max(...times));
    expect(detail!.addresses.length).toBe(simCustomer.addresses.length);
    // The stored lifetime value (sync rule) agrees with the page's figure.
    expect(detail!.customer.lifetimeValue).toBe(sales);
    expect(detail!.customer.lifetimeCurrencyCode).toBe("USD");
    const simOrders = [...sim.store.orders.values()].filter((o) => o.customerId === simCustomer.id);
    const activity = await loadCustomerActivity(testDb.db, viewer, id);
    const placed = activity.filter((e) => e.key.startsWith("order-"));
    expect(placed.map((e) => e.title).sort()).toEqual(simOrders.map((o) => `Order #${o.incrementId} placed`).sort());
    const eventTimes = activity.map((e) => e.at?.getTime() ?? 0);
    expect(eventTimes).toEqual([...eventTimes].sort((a, b) => b - a)); // newest first
    const purchases = await loadCustomerPurchases(testDb.db, viewer, id);
    expect(purchases.length).toBe(
      [...sim.store.orders.values()].filter((o) => o.customerId === simCustomer.id).reduce((n, o) => n + o.items.length, 0),
    );
  });

  it("an order without base amounts yet is counted but left out of the lifetime value, and said so", async () => {
    const simCustomer = [...sim.store.customers.values()].find(
      (c) => [...sim.store.orders.values()].filter((o) => o.customerId === c.id && o.state !== "canceled").length >= 2,
    )!;
    const id = await localId("magento_customers", simCustomer.id);
    const [order] = rowsOf<{ id: number; base_subtotal: string }>(
      await testDb.db.execute(sql`
      SELECT id::int, base_subtotal::text FROM magento_orders WHERE customer_id = ${id} AND state <> 'canceled' ORDER BY id LIMIT 1`),
    );
    const before = (await loadCustomerDetail(testDb.db, viewer, id))!.figures;
    await testDb.db.execute(sql`UPDATE magento_orders SET base_subtotal = NULL WHERE id = ${order!.id}`);
    try {
      const [rest] = rowsOf<{ v: string }>(
        await testDb.db.execute(sql`
        SELECT round(sum((base_subtotal + base_discount_amount) * base_to_global_rate), 4)::text AS v FROM magento_orders
        WHERE customer_id = ${id} AND state <> 'canceled' AND id <> ${order!.id}`),
      );
      const f = (await loadCustomerDetail(testDb.db, viewer, id))!.figures;
      expect(f.orderCount).toBe(before.orderCount);
      expect(f.unconvertedOrders).toBe(1);
      expect(f.value).toBe(rest!.v);
      expect(f.value).not.toBe(before.value);
    } finally {
      await testDb.db.execute(sql`UPDATE magento_orders SET base_subtotal = ${order!.base_subtotal}::numeric WHERE id = ${order!.id}`);
    }
  });

  it("guest customers are marked as such", async () => {
    const [row] = rowsOf<{ id: number }>(
      await testDb.db.execute(sql`SELECT id::int AS id FROM magento_customers WHERE channel_id = ${channel.id} AND is_guest LIMIT 1`),
    );
    const detail = await loadCustomerDetail(testDb.db, viewer, row!.id);
    expect(detail!.customer.isGuest).toBe(true);
    expect(detail!.originId).toBeNull();
  });

  it("unknown ids give null; no permission throws", async () => {
    expect(await loadOrderDetail(testDb.db, viewer, 999_999_999)).toBeNull();
    expect(await loadCartDetail(testDb.db, viewer, 999_999_999)).toBeNull();
    expect(await loadCustomerDetail(testDb.db, viewer, 999_999_999)).toBeNull();
    expect(await loadCreditMemoDetail(testDb.db, viewer, 999_999_999)).toBeNull();
    await expect(loadOrderDetail(testDb.db, null, 1)).rejects.toThrow(/not allow/);
  });
});

describe("back link", () => {
  it("keeps only what the grid understands, as a query of that grid", () => {
    const ok = readBackLink(ordersGrid, "/sales/orders", "sort=-grand_total&f_status=complete&page=2");
    expect(ok.href).toBe("/sales/orders?f_status=complete&sort=-grand_total&page=2");
    expect(ok.carry).toBe(`?back=${encodeURIComponent("f_status=complete&sort=-grand_total&page=2")}`);
    for (const hostile of [
      "https://evil.example/",
      "//evil.example",
      "javascript:alert(1)",
      "sort=1;DROP TABLE x",
      "f_nope=1",
      "x".repeat(3000),
    ]) {
      expect(readBackLink(ordersGrid, "/sales/orders", hostile).href, hostile).toBe("/sales/orders");
    }
    expect(readBackLink(ordersGrid, "/sales/orders", ["q=jo", "q=x"]).href).toBe("/sales/orders?q=jo");
  });
});

describe("gridNeighbors", () => {
  it("walks the grid's own order, with filters", async () => {
    for (const params of [{}, { sort: "-grand_total" }, { sort: "grand_total", f_is_guest: "no" }]) {
      const { state } = parseGridState(ordersGrid, { ...params, size: "200" });
      const page = await loadGridPage(testDb.db, ordersGrid, state);
      const ids = page.rows.map((r) => r.id);
      expect(ids.length).toBeGreaterThan(3);
      for (const index of [0, 1, Math.floor(ids.length / 2), ids.length - 1]) {
        const n = await gridNeighbors(testDb.db, ordersGrid, state, ids[index]!);
        expect(n).toEqual({ previousId: ids[index - 1] ?? null, nextId: ids[index + 1] ?? null, position: index + 1, total: page.total });
      }
    }
    // A record the filters leave out has no place.
    const { state } = parseGridState(ordersGrid, { f_is_guest: "yes" });
    const [registered] = rowsOf<{ id: number }>(
      await testDb.db.execute(sql`SELECT id::int AS id FROM magento_orders WHERE NOT is_guest LIMIT 1`),
    );
    const outside = await gridNeighbors(testDb.db, ordersGrid, state, registered!.id);
    expect(outside.position).toBeNull();
    expect(outside.previousId).toBeNull();
  });
});

describe("syncRecord", () => {
  it("re-imports an edited customer at once", async () => {
    const simCustomer = [...sim.store.customers.values()][3]!;
    const id = await localId("magento_customers", simCustomer.id);
    simCustomer.lastname = "Re-imported";
    simCustomer.updated_at = new Date(Date.now() - 1000).toISOString().slice(0, 19).replace("T", " ");
    sim.store.changed();
    expect((await loadCustomerDetail(testDb.db, viewer, id))!.customer.lastName).not.toBe("Re-imported");
    const result = await syncRecord(testDb.db, { channelId: channel.id, connector: "customers", originId: simCustomer.id });
    expect(result).toEqual({ status: "synced", message: "Synced just now." });
    expect((await loadCustomerDetail(testDb.db, viewer, id))!.customer.lastName).toBe("Re-imported");
  });

  it("re-imports an order", async () => {
    const simOrder = [...sim.store.orders.values()][7]!;
    const result = await syncRecord(testDb.db, { channelId: channel.id, connector: "orders", originId: simOrder.entityId });
    expect(result.status).toBe("synced");
    const detail = await loadOrderDetail(testDb.db, viewer, await localId("magento_orders", simOrder.entityId));
    expect(cents(detail!.order.grandTotal)).toBe(cents((sim.store.orderColumns(simOrder) as Record<string, unknown>).grand_total));
  });

  it("flags a record Magento deleted as removed", async () => {
    const simCustomer = [...sim.store.customers.values()][5]!;
    const id = await localId("magento_customers", simCustomer.id);
    sim.control.tick({ deleteCustomers: [simCustomer.id] });
    const result = await syncRecord(testDb.db, { channelId: channel.id, connector: "customers", originId: simCustomer.id });
    expect(result.status).toBe("removed");
    expect(await loadCustomerDetail(testDb.db, viewer, id)).toBeNull();
  });

  it("refuses while a sync holds the channel's lease", async () => {
    expect(await claimLease(testDb.db, channel.id, "run:424242")).toBe(true);
    try {
      const result = await syncRecord(testDb.db, { channelId: channel.id, connector: "orders", originId: 1 });
      expect(result).toEqual({
        status: "busy",
        message: expect.stringMatching(
          /^A sync of "[^"]+" is already running: sync #424242 since .+ UTC, waiting for its next step \(last heartbeat \d+ s ago\); it keeps the channel until .+ UTC unless it continues\. Try again when it has finished\.$/,
        ) as string,
      });
    } finally {
      await releaseLease(testDb.db, channel.id, "run:424242");
    }
  });
});
