import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { channels } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/session";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { reportSalesGrid } from "@/lib/reports/grids/sales";
import { parseGridState } from "@/lib/grid/params";
import { loadGridPage } from "@/lib/grid/sql";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { loadKpis, loadMix, loadSalesSeries, type DashboardScope } from "@/lib/reports/dashboard/queries";
import { parseReportFilters, type ReportFilters } from "@/lib/periods/filters";
import { zonedReportFilters } from "@/lib/periods/time-zones";
import { loadProductsReport } from "@/lib/reports/loaders/products";
import { loadRefundsReport } from "@/lib/reports/loaders/refunds";
import { loadSalesReport } from "@/lib/reports/loaders/sales";
import { rebuildRollups } from "@/lib/sync/rules/rollups";
import { runChannelSync } from "@/lib/sync/runner";
import { queryRows } from "@/db/rows";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// Orders placed at 23:30 and at 00:30 store time count on the store's own calendar days (its
// Magento time zone), not on UTC days: in Chicago both are on the next UTC day, in Berlin both on
// the same one. Every dashboard widget and report that counts by day is checked, before and after
// the orders arrive through a sync, and the rollups refreshed after it equal a full rebuild.

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));

const viewer: SessionUser = { id: 1, email: "viewer@example.com", name: "Viewer", role: "viewer", permissions: ["view_sales"] };
let testDb: TestDatabase;
let sim: RunningSimulator;
let channelId: number;
const websiteOf = new Map<number, number>();

/** The UTC instant of a wall-clock time in a zone (found by correcting for the zone's offset there). */
function zonedInstant(day: string, time: string, zone: string): Date {
  const guess = new Date(`${day}T${time}:00Z`);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    })
      .formatToParts(guess)
      .map((p) => [p.type, p.value]),
  );
  const shown = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return new Date(guess.getTime() - (shown - guess.getTime()));
}

const addDay = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
// A day well inside the synced history, so the sync start date covers it.
const D = addDay(new Date().toISOString().slice(0, 10), -10);
const NEXT = addDay(D, 1);

// Simulator store views: 1 "default" (Main Website, America/Chicago), 3 "de" (Europe Website, Europe/Berlin).
const STORES = [
  { view: 1, zone: "America/Chicago" },
  { view: 3, zone: "Europe/Berlin" },
];

const filtersFor = (params: Record<string, string>): ReportFilters =>
  parseReportFilters({ range: "custom", from: D, to: NEXT, bucket: "day", channel: String(channelId), ...params });

/** What every day-counting widget and report says about D and the day after, per website. */
async function figures() {
  const out: Record<string, unknown> = {};
  for (const { view } of STORES) {
    const website = String(websiteOf.get(view)!);
    const f = filtersFor({ website });
    const scope: DashboardScope = f;
    const series = await loadSalesSeries(viewer, scope, testDb.db);
    out[`series ${view}`] = series.orders;
    const [day1, day2] = await Promise.all([
      loadKpis(viewer, { ...scope, range: { from: D, to: D } }, testDb.db),
      loadKpis(viewer, { ...scope, range: { from: NEXT, to: NEXT } }, testDb.db),
    ]);
    out[`kpi orders ${view}`] = [day1.current.orders, day2.current.orders];
    const mix = await loadMix(viewer, { ...scope, range: { from: D, to: D } }, "status", testDb.db);
    out[`mix ${view}`] = mix.reduce((n, m) => n + m.orders, 0);
    const sales = await loadSalesReport(viewer, f, testDb.db);
    out[`sales report ${view}`] = sales.points.map((p) => p.orders);
    const { state } = parseGridState(reportSalesGrid, { range: "custom", from: D, to: NEXT, bucket: "day", website, size: "100" });
    const rows = (await loadGridPage(testDb.db, reportSalesGrid, state, "UTC")).rows;
    out[`sales grid ${view}`] = [D, NEXT].map((d) =>
      rows.filter((r) => r.values.period === d).reduce((n, r) => n + Number(r.values.orders), 0),
    );
    const products = await Promise.all(
      [D, NEXT].map((d) =>
        loadProductsReport(viewer, parseReportFilters({ range: "custom", from: d, to: d, channel: String(channelId), website }), testDb.db),
      ),
    );
    out[`products ${view}`] = products.map((p) => p.byQuantity.reduce((n, b) => n + Number(b.qty), 0));
  }
  return out;
}

beforeAll(async () => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  testDb = await createTestDatabase();
  sim = await startMagentoSimulator({ port: 0, seed: 31, customers: 30, orders: 120 });
  const [channel] = await testDb.db
    .insert(channels)
    .values({ name: "Zones", baseUrl: sim.baseUrl, credentialsEncrypted: sealCredentials({ type: "bearer", token: sim.adminToken }) })
    .returning();
  channelId = channel!.id;
  const run = await runChannelSync({ db: testDb.db, channelId, mode: "initial", trigger: "cli" });
  if (run.status !== "succeeded") throw new Error(`sync ${run.status}`);
  const stores = await queryRows<{ origin: number; website: number; zone: string | null }>(
    testDb.db,
    sql`
    SELECT origin_id::int AS origin, website_id::int AS website, timezone AS zone FROM magento_stores WHERE channel_id = ${channelId}`,
  );
  for (const s of stores) websiteOf.set(s.origin, s.website);
  expect(stores.find((s) => s.origin === 1)?.zone).toBe("America/Chicago");
  expect(stores.find((s) => s.origin === 3)?.zone).toBe("Europe/Berlin");
}, 120_000);

afterAll(async () => {
  await sim?.close();
  await testDb?.drop();
});

describe("store-local days", () => {
  it("count an order placed at 23:30 on its store's day and one at 00:30 on the next, in every widget and report", async () => {
    const before = await figures();
    for (const { view, zone } of STORES) {
      const late = zonedInstant(D, "23:30", zone);
      const early = zonedInstant(NEXT, "00:30", zone);
      // Chicago's 23:30 is already the next UTC day; Berlin's 00:30 is still the previous one.
      if (zone === "America/Chicago") expect(late.toISOString().slice(0, 10)).toBe(NEXT);
      else expect(early.toISOString().slice(0, 10)).toBe(D);
      sim.control.placeOrder({ storeId: view, createdAt: late.toISOString() });
      sim.control.placeOrder({ storeId: view, createdAt: early.toISOString() });
    }
    const run = await runChannelSync({ db: testDb.db, channelId, mode: "incremental", trigger: "cli" });
    expect(run.status).toBe("succeeded");
    const after = await figures();
    for (const { view } of STORES) {
      const diff = (key: string) => {
        const a = after[`${key} ${view}`];
        const b = before[`${key} ${view}`];
        return Array.isArray(a) ? a.map((v, i) => Number(v) - Number((b as unknown[])[i])) : Number(a) - Number(b);
      };
      expect(diff("series"), `series, view ${view}`).toEqual([1, 1]);
      expect(diff("kpi orders"), `KPIs, view ${view}`).toEqual([1, 1]);
      expect(diff("mix"), `mix, view ${view}`).toBe(1);
      expect(diff("sales report"), `sales report, view ${view}`).toEqual([1, 1]);
      expect(diff("sales grid"), `sales grid, view ${view}`).toEqual([1, 1]);
      const products = diff("products") as number[];
      expect(products[0], `products, view ${view}`).toBeGreaterThan(0);
      expect(products[1], `products, view ${view}`).toBeGreaterThan(0);
    }

    // The incremental refresh of that sync equals a full rebuild.
    const snapshot = async () =>
      queryRows(
        testDb.db,
        sql`
      SELECT s.*, (SELECT json_agg(p ORDER BY p.sku) FROM report_daily_products p
        WHERE p.channel_id = s.channel_id AND p.store_id IS NOT DISTINCT FROM s.store_id AND p.day = s.day) AS products
      FROM report_daily_sales s WHERE s.channel_id = ${channelId} ORDER BY s.store_id, s.day`,
      );
    const incremental = await snapshot();
    await rebuildRollups(testDb.db, channelId);
    expect(await snapshot()).toEqual(incremental);
  });

  it("ends 'last 7 days' on today in the first website's zone, also in the hours its day lags UTC's", async () => {
    // 00:30 UTC on 7 December is still 6 December in Chicago (the first website's store), for every scope.
    const now = new Date("2026-12-07T00:30:00Z");
    for (const params of [{ range: "last_7_days" }, { range: "last_7_days", channel: String(channelId) }]) {
      const { filters, zone } = await zonedReportFilters(testDb.db, params, now);
      expect(zone.zone).toBe("America/Chicago");
      expect(filters.range, JSON.stringify(params)).toEqual({ from: "2026-11-30", to: "2026-12-06" });
    }
  });

  it("reads live reports (refunds) on the store's day too", async () => {
    // A credit memo of the Berlin store moved to 23:30 Berlin time on D: 22:30 UTC, still D either way;
    // one of the Chicago store to 23:30 Chicago time on D: the next UTC day, but D in Chicago.
    for (const { view, zone } of STORES) {
      await testDb.db.execute(sql`
        UPDATE magento_credit_memos SET remote_created_at = ${zonedInstant(D, "23:30", zone).toISOString()}::timestamptz
        WHERE id = (SELECT m.id FROM magento_credit_memos m JOIN magento_stores s ON s.id = m.store_id
          WHERE m.channel_id = ${channelId} AND s.origin_id = ${view} AND m.state IS DISTINCT FROM 3 ORDER BY m.id LIMIT 1)`);
      const website = String(websiteOf.get(view)!);
      const onD = await loadRefundsReport(
        viewer,
        parseReportFilters({ range: "custom", from: D, to: D, channel: String(channelId), website }),
        testDb.db,
      );
      const [want] = await queryRows<{ n: number }>(
        testDb.db,
        sql`
        SELECT count(*)::int AS n FROM magento_credit_memos m JOIN magento_stores s ON s.id = m.store_id
        WHERE m.channel_id = ${channelId} AND s.website_id = ${Number(website)} AND m.removed_at IS NULL
          AND (m.remote_created_at AT TIME ZONE s.timezone)::date = ${D}::date`,
      );
      expect(want!.n, `view ${view}`).toBeGreaterThan(0);
      expect(
        onD.byReason.reduce((n, r) => n + r.count, 0),
        `view ${view}`,
      ).toBe(want!.n);
    }
  });
});
