import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/client";
import { channels } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/session";
import { reportProductsGrid } from "@/lib/reports/grids/products";
import { parseGridState } from "@/lib/grid/params";
import { loadGridPage } from "@/lib/grid/sql";
import { createMagentoClient } from "@/lib/magento/client";
import { startMagentoSimulator, storeFigures, type RunningSimulator } from "@/simulator";
import { parseReportFilters } from "@/lib/periods/filters";
import { loadProductsReport } from "@/lib/reports/loaders/products";
import { runChannelSync } from "@/lib/sync/runner";
import { queryRows } from "@/db/rows";
import { loadCreditMemoDetail } from "@/lib/credit-memos/detail";
import { loadCustomerPurchases } from "@/lib/customers/detail";
import { loadOrderDetail } from "@/lib/orders/detail";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));

// Configurable products in the portal: Magento sends such a line as two order items (the parent
// with the money and the chosen child's SKU, then the child at price 0) and refunds it with two
// memo items. Synced from the simulator, the order page, the customer's recent purchases, the
// credit memo page and the products report must show and count it once, as the simulator's own
// figures do. (strictSchema: the portal's schemas are being taught Magento's nulls separately.)

let sim: RunningSimulator;
let database: TestDatabase;
let db: Db;
let channelId: number;
const viewer: SessionUser = { id: 1, email: "v@example.com", name: "Viewer", role: "viewer", permissions: ["view_sales"] };

// The widest range the report filters allow, ending today: the simulator's whole history.
const ALL = {
  range: "custom",
  from: new Date(Date.now() - 1800 * 86_400_000).toISOString().slice(0, 10),
  to: new Date().toISOString().slice(0, 10),
};

beforeAll(async () => {
  sim = await startMagentoSimulator({ port: 0, seed: 77, customers: 60, orders: 300, strictSchema: true });
  database = await createTestDatabase();
  db = database.db;
  const [channel] = await db.insert(channels).values({ name: "Configurable store", baseUrl: sim.baseUrl }).returning();
  channelId = channel!.id;
  const client = createMagentoClient({ baseUrl: sim.baseUrl, auth: { type: "bearer", token: sim.adminToken }, requestsPerSecond: null });
  const run = await runChannelSync({ db, channelId, mode: "initial", trigger: "cli", client, pageSize: 100 });
  expect(run.status).toBe("succeeded");
}, 120_000);

afterAll(async () => {
  await sim?.close();
  await database?.drop();
});

async function localId(table: "magento_orders" | "magento_customers" | "magento_credit_memos", originId: number): Promise<number> {
  const [row] = await queryRows<{ id: number }>(
    db,
    sql`
    SELECT id::int AS id FROM ${sql.raw(table)} WHERE channel_id = ${channelId} AND origin_id = ${originId}`,
  );
  if (!row) throw new Error(`${table} ${originId} not synced`);
  return row.id;
}

describe("a configurable product is one line", () => {
  it("syncs both items of each configurable line (the child is stored, not shown)", async () => {
    const figures = storeFigures(sim.store);
    expect(figures.orders.configurableLines).toBeGreaterThan(10);
    const [counts] = await queryRows<{ rows: number; visible: number }>(
      db,
      sql`
      SELECT count(*)::int AS rows, (count(*) FILTER (WHERE parent_item_origin_id IS NULL))::int AS visible
      FROM magento_order_items WHERE channel_id = ${channelId}`,
    );
    expect(counts).toEqual({ rows: figures.orders.itemRows, visible: figures.orders.visibleLines });
  });

  it("on the order page: one line with the child's SKU and the parent's money, the chosen size / colour under it", async () => {
    const order = [...sim.store.orders.values()].find((o) => o.items.some((i) => i.child) && o.items.length > 1)!;
    const detail = (await loadOrderDetail(db, viewer, await localId("magento_orders", order.entityId)))!;
    expect(detail.items).toHaveLength(order.items.length);
    expect(detail.order.totalItemCount).toBe(order.items.length);
    const line = order.items.find((i) => i.child)!;
    const shown = detail.items.find((i) => i.originId === line.itemId)!;
    expect(shown).toMatchObject({
      sku: line.child!.sku,
      name: line.name,
      productType: "configurable",
      chosen: { sku: line.child!.sku, name: line.child!.name },
    });
    expect(Number(shown.rowTotal)).toBe((line.price * line.qty) / 100);
    expect(detail.items.some((i) => i.originId === line.child!.itemId)).toBe(false);
    expect(detail.items.filter((i) => i.chosen === null)).toHaveLength(order.items.length - order.items.filter((i) => i.child).length);
  });

  it("in the customer's recent purchases: one row per line", async () => {
    const customer = [...sim.store.customers.values()].find((c) => {
      const orders = [...sim.store.orders.values()].filter((o) => o.customerId === c.id);
      return orders.some((o) => o.items.some((i) => i.child)) && orders.reduce((n, o) => n + o.items.length, 0) < 100;
    })!;
    const lines = [...sim.store.orders.values()].filter((o) => o.customerId === customer.id).flatMap((o) => o.items);
    const rows = await loadCustomerPurchases(db, viewer, await localId("magento_customers", customer.id));
    expect(rows).toHaveLength(lines.length);
    expect(rows.map((r) => r.sku).sort()).toEqual(lines.map((l) => l.sku).sort());
    const configurable = lines.find((l) => l.child)!;
    expect(rows.filter((r) => r.sku === configurable.sku && Number(r.rowTotal) === 0)).toEqual([]);
  });

  it("on the credit memo page: one line per refunded product", async () => {
    const memo = [...sim.store.memos.values()].find((m) => m.items.some((i) => i.childEntityId !== undefined))!;
    const detail = (await loadCreditMemoDetail(db, viewer, await localId("magento_credit_memos", memo.entityId)))!;
    expect(detail.items.map((i) => i.originId).sort()).toEqual(memo.items.map((i) => i.entityId).sort());
    const [stored] = await queryRows<{ n: number }>(
      db,
      sql`
      SELECT count(*)::int AS n FROM magento_credit_memo_items i JOIN magento_credit_memos m ON m.id = i.credit_memo_id
      WHERE m.channel_id = ${channelId} AND m.origin_id = ${memo.entityId}`,
    );
    expect(stored!.n).toBe(memo.items.length + memo.items.filter((i) => i.childEntityId !== undefined).length);
  });

  it("in the products report: the child's SKU counted once per unit, as the simulator sold it", async () => {
    const sold = new Map<string, { qty: number; orders: Set<number> }>();
    for (const o of sim.store.orders.values()) {
      if (o.state === "canceled") continue;
      for (const line of o.items) {
        const entry = sold.get(line.sku) ?? { qty: 0, orders: new Set<number>() };
        entry.qty += line.qty - line.qtyCanceled;
        entry.orders.add(o.entityId);
        sold.set(line.sku, entry);
      }
    }
    const configurableSkus = new Set([...sim.store.orders.values()].flatMap((o) => o.items.flatMap((i) => (i.child ? [i.sku] : []))));
    const f = parseReportFilters(ALL);
    const rows = [];
    for (let page = 1; ; page++) {
      const { state } = parseGridState(reportProductsGrid, { ...ALL, page: String(page), size: "100" });
      const result = await loadGridPage(db, reportProductsGrid, state, "UTC");
      rows.push(...result.rows);
      if (result.rows.length < 100) break;
    }
    const bySku = new Map(rows.map((r) => [String(r.values.sku), r.values]));
    expect(bySku.size).toBe(sold.size);
    for (const sku of configurableSkus) {
      if (!sold.has(sku)) continue;
      expect(Number(bySku.get(sku)?.qty), sku).toBe(sold.get(sku)!.qty);
      expect(Number(bySku.get(sku)?.orders), sku).toBe(sold.get(sku)!.orders.size);
    }
    const report = await loadProductsReport(viewer, f, db);
    const top = [...sold.entries()].sort((a, b) => b[1].qty - a[1].qty)[0]!;
    expect(Number(report.byQuantity[0]!.qty)).toBe(top[1].qty);
  });
});
