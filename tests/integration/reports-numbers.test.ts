import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/client";
import { channels, users } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/session";
import { startCsvExport } from "@/lib/grid/export";
import { reportAbandonedCartsGrid } from "@/lib/reports/grids/abandoned-carts";
import { reportCustomersGrid } from "@/lib/reports/grids/customers";
import { reportProductsGrid } from "@/lib/reports/grids/products";
import { reportRefundsGrid } from "@/lib/reports/grids/refunds";
import { reportSalesGrid } from "@/lib/reports/grids/sales";
import { parseGridState, type SearchParams } from "@/lib/grid/params";
import { loadGridPage, type GridRow } from "@/lib/grid/sql";
import type { GridDefinition } from "@/lib/grid/types";
import { createMagentoClient } from "@/lib/magento/client";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { parseReportFilters } from "@/lib/periods/filters";
import { loadAbandonedCartsReport } from "@/lib/reports/loaders/abandoned-carts";
import { loadCustomersReport } from "@/lib/reports/loaders/customers";
import { loadProductsReport } from "@/lib/reports/loaders/products";
import { loadRefundsReport } from "@/lib/reports/loaders/refunds";
import { loadSalesReport } from "@/lib/reports/loaders/sales";
import { refreshRollups } from "@/lib/sync/rules/rollups";
import { runChannelSync } from "@/lib/sync/runner";
import { queryRows } from "@/db/rows";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));

// Each report's numbers on a store synced from the Magento simulator (the sync's after-run hook
// fills the rollups and RFM), against SQL written here from the raw synced rows, independently of
// the report's own queries; and each report grid's CSV export against the grid's own pages.

let sim: RunningSimulator;
let database: TestDatabase;
let db: Db;
let user: SessionUser;
let channelId: number;

// The longest range the filters allow (five years), ending today: the simulator's whole history.
const TODAY = new Date().toISOString().slice(0, 10);
const ALL: SearchParams = { range: "custom", from: new Date(Date.now() - 1800 * 86_400_000).toISOString().slice(0, 10), to: TODAY };
const LAST_90: SearchParams = { range: "last_90_days" };

beforeAll(async () => {
  sim = await startMagentoSimulator({ port: 0, seed: 808, customers: 60, orders: 400 });
  database = await createTestDatabase();
  db = database.db;
  const [channel] = await db.insert(channels).values({ name: "Report store", baseUrl: sim.baseUrl }).returning();
  channelId = channel!.id;
  const client = createMagentoClient({
    baseUrl: sim.baseUrl,
    auth: { type: "bearer", token: sim.adminToken },
    requestsPerSecond: null,
    maxRetries: 8,
    backoff: { baseDelayMs: 10, maxDelayMs: 50 },
  });
  const run = await runChannelSync({ db, channelId, mode: "initial", trigger: "cli", client, pageSize: 100 });
  expect(run.status).toBe("succeeded");
  const [row] = await db
    .insert(users)
    .values({ email: "viewer@example.test", name: "Vera Viewer", role: "viewer", passwordHash: "x" })
    .returning();
  user = { id: row!.id, email: row!.email, name: row!.name, role: "viewer", permissions: ["view_sales"] };
  // Follow-up outcomes are the portal's own (issue F): give some expired carts one each.
  await db.execute(sql`
    UPDATE magento_carts SET status = (ARRAY['contacted', 'converted', 'lost'])[1 + id % 3], contact_count = 1
    WHERE id IN (SELECT id FROM magento_carts WHERE status IN ('expired', 'open') AND items_count > 0 ORDER BY id LIMIT 9)`);
}, 180_000);

afterAll(async () => {
  await sim?.close();
  await database?.drop();
});

/** Every row of a grid's view, page by page, as the grid shows them. */
async function allPages(definition: GridDefinition, params: SearchParams): Promise<GridRow[]> {
  const out: GridRow[] = [];
  for (let page = 1; ; page++) {
    const { state } = parseGridState(definition, { ...params, page: String(page), size: "100" });
    const result = await loadGridPage(db, definition, state, "UTC");
    out.push(...result.rows);
    if (result.rows.length < 100) return out;
  }
}

async function csvRows(definition: GridDefinition, params: SearchParams): Promise<string[][]> {
  const result = startCsvExport({ handle: { db, kind: "postgres" }, user, definition, params, batchSize: 37 });
  if (!result.ok) throw new Error(result.error);
  const text = new TextDecoder().decode(await new Response(result.stream).arrayBuffer()).replace(/^\uFEFF/, "");
  // The cells checked here hold no commas or quotes (numbers, codes, ISO dates), so a split will do.
  return text
    .split("\r\n")
    .filter(Boolean)
    .slice(1)
    .map((line) => line.split(","));
}

const cents = (v: unknown) => Math.round(Number(v ?? 0) * 10_000);
// Exact decimal as an integer of 10^-20 units: global amounts (base × rate) carry 16 decimals, and
// sums of parts must equal the whole to the last one.
const exact = (v: unknown): bigint => {
  const m = /^(-)?(\d+)(?:\.(\d{0,20}))?$/.exec(String(v ?? "0"));
  if (!m) throw new Error(`not a decimal: ${String(v)}`);
  const units = BigInt(m[2]!) * 10n ** 20n + BigInt((m[3] ?? "").padEnd(20, "0"));
  return m[1] ? -units : units;
};
const sumExact = (values: unknown[]) => values.reduce<bigint>((n, v) => n + exact(v), 0n);

// A row's day is its store's local calendar day (Magento's store time zone; UTC when unknown).
const inDays = (ts: string, store: string, f: { range: { from: string; to: string } }) =>
  sql.raw(
    `(${ts} AT TIME ZONE coalesce((SELECT z.timezone FROM magento_stores z WHERE z.id = ${store}), 'UTC'))::date BETWEEN '${f.range.from}' AND '${f.range.to}'`,
  );

describe("report numbers against the raw synced rows", () => {
  it("customers by lifetime value: every buyer, their exact lifetime value, RFM counts adding up", async () => {
    const expected = await queryRows<{ id: string; ltv: string }>(
      db,
      sql`
      SELECT o.customer_id::text AS id, round(sum((o.base_subtotal + o.base_discount_amount) * o.base_to_global_rate), 4)::text AS ltv
      FROM magento_orders o JOIN magento_customers c ON c.id = o.customer_id
      WHERE o.state <> 'canceled' AND o.removed_at IS NULL AND c.merged_into_id IS NULL AND c.removed_at IS NULL
      GROUP BY o.customer_id`,
    );
    const rows = await allPages(reportCustomersGrid, {});
    expect(rows.length).toBe(expected.length);
    const ltv = new Map(expected.map((e) => [e.id, cents(e.ltv)]));
    for (const row of rows) expect(cents(row.values.lifetime_value), row.id).toBe(ltv.get(row.id));
    // Sorted by lifetime value, highest first.
    const values = rows.map((r) => cents(r.values.lifetime_value));
    expect(values).toEqual([...values].sort((a, b) => b - a));

    const report = await loadCustomersReport(user, parseReportFilters({}), db);
    expect(report.segments.reduce((n, s) => n + s.customers, 0)).toBe(expected.length);
    expect(report.unscored).toBe(0);
    const bySegment = await queryRows<{ segment: string; n: unknown }>(
      db,
      sql`SELECT segment, count(*) AS n FROM customer_rfm GROUP BY segment`,
    );
    for (const s of bySegment) expect(report.segments.find((x) => x.id === s.segment)?.customers).toBe(Number(s.n));
    expect(report.asOf).not.toBeNull();
    // The segment filter of the grid selects the same customers the counts count.
    const champions = report.segments.find((s) => s.id === "champions")!.customers;
    expect((await allPages(reportCustomersGrid, { f_segment: "champions" })).length).toBe(champions);
  });

  it("abandoned carts: counts and value in total and per follow-up, for two ranges; recovered and lost apart", async () => {
    let seen = 0;
    for (const params of [ALL, LAST_90]) {
      const f = parseReportFilters(params);
      const created = inDays("c.remote_created_at", "c.store_id", f);
      // Values in the global currency: base amounts × the cart's own rate.
      const [expected] = await queryRows<{ n: unknown; value: unknown; contacted: unknown }>(
        db,
        sql`
        SELECT count(*) AS n, coalesce(sum(c.base_grand_total * c.base_to_global_rate), 0) AS value, count(*) FILTER (WHERE c.status = 'contacted') AS contacted
        FROM magento_carts c JOIN channels ch ON ch.id = c.channel_id
        WHERE c.removed_at IS NULL AND c.is_active AND c.items_count > 0 AND coalesce(trim(c.customer_email), '') <> ''
          AND c.status IN ('open', 'contacted') AND coalesce(c.remote_updated_at, c.remote_created_at) + ch.abandonment_delay_hours * interval '1 hour' <= now()
          AND ${created}`,
      );
      const [settled] = await queryRows<{ lost: unknown; converted: unknown; converted_value: unknown }>(
        db,
        sql`
        SELECT count(*) FILTER (WHERE status = 'lost') AS lost, count(*) FILTER (WHERE status = 'converted') AS converted,
          coalesce(sum(base_grand_total * base_to_global_rate) FILTER (WHERE status = 'converted'), 0) AS converted_value
        FROM magento_carts c WHERE removed_at IS NULL AND items_count > 0 AND ${created}`,
      );
      const report = await loadAbandonedCartsReport(user, f, db);
      expect(report.total.count).toBe(Number(expected!.n));
      expect(exact(report.total.value)).toBe(exact(expected!.value));
      expect(report.currency).toBe("USD");
      expect(report.byAge.reduce((n, b) => n + b.count, 0)).toBe(Number(expected!.n));
      expect(report.byOutcome.find((o) => o.id === "contacted")!.count).toBe(Number(expected!.contacted));
      expect(report.byOutcome.find((o) => o.id === "open")!.count).toBe(Number(expected!.n) - Number(expected!.contacted));
      expect(report.lost.count).toBe(Number(settled!.lost));
      expect(report.recovered.count).toBe(Number(settled!.converted));
      expect(exact(report.recovered.value)).toBe(exact(settled!.converted_value));
      expect((await allPages(reportAbandonedCartsGrid, params)).length).toBe(Number(expected!.n));
      seen += Number(expected!.n);
    }
    expect(seen).toBeGreaterThan(0);
    const all = await loadAbandonedCartsReport(user, parseReportFilters(ALL), db);
    expect(all.lost.count).toBeGreaterThan(0);
  });

  it("sales by period: orders, revenue and refunds of the rollup equal the orders and memos, for two ranges", async () => {
    for (const params of [ALL, LAST_90]) {
      const f = parseReportFilters(params);
      const [orders] = await queryRows<{ n: unknown; revenue: unknown }>(
        db,
        sql`
        SELECT count(*) AS n, coalesce(sum((base_subtotal + base_discount_amount) * base_to_global_rate), 0) AS revenue FROM magento_orders
        WHERE state <> 'canceled' AND removed_at IS NULL AND ${inDays("remote_created_at", "store_id", f)}`,
      );
      const [memos] = await queryRows<{ total: unknown }>(
        db,
        sql`
        SELECT coalesce(sum(base_grand_total * base_to_global_rate), 0) AS total FROM magento_credit_memos
        WHERE removed_at IS NULL AND state IS DISTINCT FROM 3 AND ${inDays("remote_created_at", "store_id", f)}`,
      );
      const report = await loadSalesReport(user, f, db);
      expect(report.totals.orders).toBe(Number(orders!.n));
      expect(exact(report.totals.revenue)).toBe(exact(orders!.revenue));
      expect(exact(report.totals.refunds)).toBe(exact(memos!.total));
      // The grid's rows (period × store) add up to the same.
      const rows = await allPages(reportSalesGrid, params);
      expect(rows.reduce((n, r) => n + Number(r.values.orders), 0)).toBe(Number(orders!.n));
      expect(sumExact(rows.map((r) => r.values.revenue_global))).toBe(exact(orders!.revenue));
      // Each row in its store's base currency, converted beside it: the Europe website's rows are EUR,
      // converted to USD at its orders' rate (the simulator's 1.0815); the others are USD already.
      const euro = rows.filter((r) => r.values.revenue__currency === "EUR");
      expect(euro.length).toBeGreaterThan(0);
      for (const r of rows) {
        expect(r.values.revenue_global__currency).toBe("USD");
        const rate = r.values.revenue__currency === "EUR" ? 1.0815 : 1;
        expect(Math.abs(cents(r.values.revenue_global) - Math.round(Number(r.values.revenue) * rate * 10_000))).toBeLessThanOrEqual(1);
      }
      expect(report.points.reduce((n, p) => n + p.orders, 0)).toBe(Number(orders!.n));
    }
  });

  it("products: quantity, revenue, orders and refunded quantity per SKU from the order items, for four ranges and a website", async () => {
    // The report reads the products rollups: whole months from the monthly one, the other days from
    // the daily one. These ranges cover both, months only, and days within one month.
    const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    const monthStart = (n: number) => {
      const d = new Date();
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - n, 1)).toISOString().slice(0, 10);
    };
    const [website] = await queryRows<{ id: string }>(
      db,
      sql`
      SELECT s.website_id::text AS id FROM magento_orders o JOIN magento_stores s ON s.id = o.store_id
      WHERE s.website_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
    );
    // The simulator sells simple products only: give a few lines a configurable parent's child line
    // (same SKU and total, which must not count twice), then refresh as a sync would.
    await db.execute(sql`
      INSERT INTO magento_order_items (channel_id, origin_id, order_id, order_origin_id, parent_item_origin_id, sku, name, product_type,
        qty_ordered, qty_refunded, price, row_total, remote_created_at, remote_updated_at)
      SELECT i.channel_id, i.origin_id + 10000000, i.order_id, i.order_origin_id, i.origin_id, i.sku, i.name, 'simple',
        i.qty_ordered, i.qty_refunded, i.price, i.row_total, i.remote_created_at, i.remote_updated_at
      FROM magento_order_items i JOIN magento_orders o ON o.id = i.order_id
      WHERE o.state <> 'canceled' AND i.parent_item_origin_id IS NULL ORDER BY i.id DESC LIMIT 5`);
    await db.execute(
      sql`UPDATE magento_orders SET synced_at = now() WHERE id IN (SELECT order_id FROM magento_order_items WHERE parent_item_origin_id IS NOT NULL)`,
    );
    expect((await refreshRollups(db, channelId)).mode).toBe("incremental");
    const ranges: SearchParams[] = [
      ALL,
      LAST_90,
      { range: "custom", from: monthStart(6), to: day(Math.max(1, new Date().getUTCDate())) },
      { range: "custom", from: day(40), to: day(20) },
      { ...ALL, website: website!.id },
    ];
    for (const params of ranges) {
      const f = parseReportFilters(params);
      const expected = await queryRows<{ sku: string; qty: unknown; revenue: unknown; orders: unknown; qty_refunded: unknown }>(
        db,
        sql`
        SELECT i.sku, sum(i.qty_ordered) - sum(i.qty_canceled) AS qty,
          sum((i.base_row_total - i.base_discount_amount) * (SELECT o.base_to_global_rate FROM magento_orders o WHERE o.id = i.order_id)) AS revenue,
          count(DISTINCT i.order_id) AS orders, sum(i.qty_refunded) AS qty_refunded
        FROM magento_order_items i WHERE i.parent_item_origin_id IS NULL AND i.order_id IN (
          SELECT o.id FROM magento_orders o WHERE o.state <> 'canceled' AND o.removed_at IS NULL
            AND ${inDays("o.remote_created_at", "o.store_id", f)}
            AND (${f.websiteId}::bigint IS NULL OR o.store_id IN (SELECT id FROM magento_stores WHERE website_id = ${f.websiteId}::bigint)))
        GROUP BY i.sku`,
      );
      const label = JSON.stringify(params);
      expect(expected.length, label).toBeGreaterThan(0);
      const rows = await allPages(reportProductsGrid, params);
      expect(rows.length, label).toBe(expected.length);
      const bySku = new Map(rows.map((r) => [String(r.values.sku), r.values]));
      for (const e of expected) {
        const row = bySku.get(e.sku);
        expect(cents(row?.qty), `${label} ${e.sku}`).toBe(cents(e.qty));
        expect(cents(row?.revenue), `${label} ${e.sku}`).toBe(cents(e.revenue));
        expect(Number(row?.orders), `${label} ${e.sku}`).toBe(Number(e.orders));
        expect(cents(row?.qty_refunded), `${label} ${e.sku}`).toBe(cents(e.qty_refunded));
      }
      const report = await loadProductsReport(user, f, db);
      const top = [...expected].sort((a, b) => cents(b.revenue) - cents(a.revenue))[0]!;
      expect(cents(report.byRevenue[0]!.revenue), label).toBe(cents(top.revenue));
      const topQty = [...expected].sort((a, b) => cents(b.qty) - cents(a.qty))[0]!;
      expect(cents(report.byQuantity[0]!.qty), label).toBe(cents(topQty.qty));
    }
    // Refunded quantities and child lines were there to count (or not).
    const [shape] = await queryRows<{ refunded: unknown; children: unknown }>(
      db,
      sql`
      SELECT count(*) FILTER (WHERE qty_refunded > 0) AS refunded, count(*) FILTER (WHERE parent_item_origin_id IS NOT NULL) AS children
      FROM magento_order_items`,
    );
    expect(Number(shape!.refunded)).toBeGreaterThan(0);
    expect(Number(shape!.children)).toBeGreaterThan(0);
  });

  it("refunds: memos per reason and over time add up to the memos of the range", async () => {
    for (const params of [ALL, LAST_90]) {
      const f = parseReportFilters(params);
      const [memos] = await queryRows<{ n: unknown; total: unknown }>(
        db,
        sql`
        SELECT count(*) AS n, coalesce(sum(base_grand_total * base_to_global_rate), 0) AS total FROM magento_credit_memos
        WHERE removed_at IS NULL AND ${inDays("remote_created_at", "store_id", f)}`,
      );
      const report = await loadRefundsReport(user, f, db);
      expect(report.byReason.reduce((n, r) => n + r.count, 0)).toBe(Number(memos!.n));
      expect(sumExact(report.byReason.map((r) => r.total))).toBe(exact(memos!.total));
      expect(report.points.reduce((n, p) => n + p.count, 0)).toBe(Number(memos!.n));
      expect((await allPages(reportRefundsGrid, params)).length).toBe(Number(memos!.n));
    }
  });
});

describe("report CSV exports equal their grids", () => {
  const cases: [GridDefinition, SearchParams, string][] = [
    [reportCustomersGrid, { columns: "email,orders_count,lifetime_value,segment" }, "email"],
    [reportAbandonedCartsGrid, { ...ALL, columns: "cart_id,grand_total,outcome" }, "cart_id"],
    [reportSalesGrid, { ...ALL, bucket: "month", columns: "period,orders,revenue" }, "period"],
    [reportProductsGrid, { ...ALL, columns: "sku,qty,revenue" }, "sku"],
    [reportRefundsGrid, { ...ALL, columns: "increment_id,reason,grand_total" }, "increment_id"],
  ];
  for (const [definition, params, key] of cases) {
    it(`${definition.id}: same rows, same order, same amounts`, async () => {
      const rows = await allPages(definition, params);
      const csv = await csvRows(definition, params);
      expect(rows.length).toBeGreaterThan(0);
      expect(csv.length).toBe(rows.length);
      expect(csv.map((c) => c[0])).toEqual(rows.map((r) => String(r.values[key] ?? "")));
    });
  }
});
