import { randomBytes } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { channels } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/session";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import {
  dashboardCurrency,
  loadCartFunnel,
  loadChannelSeries,
  loadKpis,
  loadMix,
  loadSalesSeries,
  loadSyncHealth,
  loadTopCustomers,
  scopeCurrencies,
  type DashboardScope,
} from "@/lib/reports/dashboard/queries";
import type { DayRange } from "@/lib/dates";
import { parseReportFilters } from "@/lib/periods/filters";
import { runChannelSync } from "@/lib/sync/runner";
import { queryRows } from "@/db/rows";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// Two simulated stores synced into real Postgres, each with a USD website and a EUR one (base
// currency EUR, base_to_global_rate 1.0815 to the global USD); every dashboard figure is computed
// again here straight from the synced rows (independent SQL, no rollups: Σ base amount × the row's
// own base_to_global_rate, on the stores' local days) and must match the loaders, for two date
// ranges and each channel.

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));

let testDb: TestDatabase;
const sims: RunningSimulator[] = [];
const channelIds: number[] = [];
const viewer: SessionUser = { id: 1, email: "viewer@example.com", name: "Viewer", role: "viewer", permissions: ["view_sales"] };

const one = async <T>(q: SQL): Promise<T> => (await queryRows<T>(testDb.db, q))[0]!;
// A row's day is the calendar day of its store's own time zone (UTC when the store is unknown).
const localDay = (col: string, store: string) =>
  `(${col} AT TIME ZONE coalesce((SELECT s.timezone FROM magento_stores s WHERE s.id = ${store}), 'UTC'))::date`;
const inRange = (col: string, store: string, r: DayRange) => sql.raw(`${localDay(col, store)} BETWEEN '${r.from}' AND '${r.to}'`);
const bucketOf = (trunc: string, col: string, store: string) =>
  sql.raw(`date_trunc('${trunc}', ${localDay(col, store)}::timestamp)::date::text`);
// Each customer's first non-canceled order: its time and store.
const firstsOf = (
  channelId: number,
) => sql`(SELECT DISTINCT ON (customer_id) customer_id, remote_created_at AS first, store_id FROM magento_orders
    WHERE channel_id = ${channelId} AND state <> 'canceled' AND removed_at IS NULL AND customer_id IS NOT NULL AND remote_created_at IS NOT NULL
    ORDER BY customer_id, remote_created_at, id)`;

// Revenue of an order in the global currency.
const REVENUE = "(base_subtotal + base_discount_amount) * base_to_global_rate";
// Abandoned (lib/sync/rules/abandoned-carts.ts, written out again here) as of the channel's last rollup refresh.
const abandoned = (channelId: number) =>
  sql.raw(`(is_active AND items_count > 0 AND nullif(trim(customer_email), '') IS NOT NULL
  AND status IN ('open', 'contacted') AND removed_at IS NULL
  AND coalesce(remote_updated_at, remote_created_at) + interval '24 hours'
    <= (SELECT refreshed_at FROM report_refresh WHERE channel_id = ${channelId} AND kind = 'daily_sales'))`);

/** The KPIs from the rows themselves. */
async function directKpis(channelId: number, r: DayRange) {
  const o = await one<{ revenue: string; orders: number; discounted: number; aov: string | null; pct: string | null; mixed: number }>(sql`
    SELECT coalesce(sum(${sql.raw(REVENUE)}), 0)::text AS revenue, count(*)::int AS orders,
      count(*) FILTER (WHERE discount_amount <> 0)::int AS discounted,
      round(sum(${sql.raw(REVENUE)}) / nullif(count(*), 0), 4)::text AS aov,
      count(DISTINCT base_currency_code)::int AS mixed,
      round(count(*) FILTER (WHERE discount_amount <> 0)::numeric * 100 / nullif(count(*), 0), 2)::text AS pct
    FROM magento_orders WHERE channel_id = ${channelId} AND state <> 'canceled' AND removed_at IS NULL AND ${inRange("remote_created_at", "store_id", r)}`);
  const firsts = firstsOf(channelId);
  const n = await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${firsts} f WHERE ${inRange("f.first", "f.store_id", r)}`);
  const ret = await one<{ n: number }>(sql`
    SELECT count(DISTINCT o.customer_id)::int AS n FROM magento_orders o JOIN ${firsts} f ON f.customer_id = o.customer_id
    WHERE o.channel_id = ${channelId} AND o.state <> 'canceled' AND o.removed_at IS NULL AND ${inRange("o.remote_created_at", "o.store_id", r)}
      AND ${sql.raw(localDay("f.first", "f.store_id"))} < ${r.from}::date`);
  const m = await one<{ refunds: string }>(sql`
    SELECT coalesce(sum(base_grand_total * base_to_global_rate), 0)::text AS refunds FROM magento_credit_memos
    WHERE channel_id = ${channelId} AND removed_at IS NULL AND state IS DISTINCT FROM 3 AND ${inRange("remote_created_at", "store_id", r)}`);
  const c = await one<{ created: number; abandoned: number; value: string; rate: string | null }>(sql`
    SELECT count(*)::int AS created, count(*) FILTER (WHERE ${abandoned(channelId)})::int AS abandoned,
      coalesce(sum(base_grand_total * base_to_global_rate) FILTER (WHERE ${abandoned(channelId)}), 0)::text AS value,
      round(count(*) FILTER (WHERE ${abandoned(channelId)})::numeric * 100 / nullif(count(*), 0), 2)::text AS rate
    FROM magento_carts WHERE channel_id = ${channelId} AND ${inRange("remote_created_at", "store_id", r)}`);
  return {
    revenue: o.revenue,
    orders: o.orders,
    discountedOrders: o.discounted,
    discountedPercent: o.pct,
    averageOrderValue: o.aov,
    newCustomers: n.n,
    returningCustomers: ret.n,
    refunds: m.refunds,
    abandonedRevenue: c.value,
    abandonedCarts: c.abandoned,
    cartsCreated: c.created,
    abandonRate: c.rate,
    mixedBaseCurrencies: o.mixed,
  };
}

// Decimal strings equal digit for digit once trailing fraction zeros are dropped ("1.50" = "1.5000").
const norm = (s: string) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
const same = (a: string | null, b: string | null) => (a === null || b === null ? a === b : norm(a) === norm(b));

beforeAll(async () => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  testDb = await createTestDatabase();
  for (const [i, seed] of [21, 22].entries()) {
    const sim = await startMagentoSimulator({ port: 0, seed, customers: 60, orders: 500 });
    sims.push(sim);
    const [channel] = await testDb.db
      .insert(channels)
      .values({
        name: `Store ${i + 1}`,
        baseUrl: sim.baseUrl,
        credentialsEncrypted: sealCredentials({ type: "bearer", token: sim.adminToken }),
      })
      .returning();
    channelIds.push(channel!.id);
    const run = await runChannelSync({ db: testDb.db, channelId: channel!.id, mode: "initial", trigger: "cli" });
    if (run.status !== "succeeded") throw new Error(`sync ${run.status}`);
  }
}, 180_000);

afterAll(async () => {
  for (const sim of sims) await sim.close();
  await testDb?.drop();
});

// Returning customers are read two ways: from orders up to 31 days, from customers' order days beyond.
const RANGES = [
  { name: "last 30 days", params: { range: "last_30_days" } },
  { name: "last 90 days", params: { range: "last_90_days" } },
  { name: "a custom year with monthly buckets", params: { range: "custom", from: "2024-06-01", to: "2025-05-31", bucket: "month" } },
];
// The simulator's history ends today (its anchor), so "last 90 days" from now holds its latest orders.
const now = new Date();

describe("dashboard loaders equal figures computed from the rows", () => {
  for (const range of RANGES) {
    for (const index of [0, 1]) {
      it(`KPIs, series, funnel and mixes — ${range.name}, channel ${index + 1}`, async () => {
        const filters = parseReportFilters({ ...range.params, channel: String(channelIds[index]) }, now);
        const scope: DashboardScope = filters;
        const channelId = channelIds[index]!;

        const kpis = await loadKpis(viewer, scope, testDb.db);
        for (const [which, r] of [
          ["current", scope.range],
          ["previous", scope.previous],
        ] as const) {
          const direct = await directKpis(channelId, r);
          const got = kpis[which];
          expect(got.orders, `${which} orders`).toBe(direct.orders);
          expect(got.orders, "some orders in range").toBeGreaterThan(0);
          // Orders of both base currencies are added (converted), none left out as unconverted.
          if (which === "current") expect(direct.mixedBaseCurrencies, "USD and EUR base orders in range").toBe(2);
          expect(got.unconverted).toEqual({ orders: 0, refunds: 0, carts: 0 });
          for (const key of ["revenue", "refunds", "abandonedRevenue", "averageOrderValue", "discountedPercent", "abandonRate"] as const) {
            expect(same(got[key], direct[key]), `${which} ${key}: ${got[key]} vs ${direct[key]}`).toBe(true);
          }
          for (const key of ["discountedOrders", "newCustomers", "returningCustomers", "abandonedCarts", "cartsCreated"] as const) {
            expect(got[key], `${which} ${key}`).toBe(direct[key]);
          }
        }

        // Revenue and orders per bucket, from the rows.
        const trunc = scope.bucket === "day" ? "day" : scope.bucket;
        const series = await loadSalesSeries(viewer, scope, testDb.db);
        const rows = await queryRows<{ b: string; revenue: string; orders: number }>(
          testDb.db,
          sql`
          SELECT ${bucketOf(trunc, "remote_created_at", "store_id")} AS b,
            sum(${sql.raw(REVENUE)})::text AS revenue, count(*)::int AS orders
          FROM magento_orders WHERE channel_id = ${channelId} AND state <> 'canceled' AND removed_at IS NULL
            AND ${inRange("remote_created_at", "store_id", scope.range)} GROUP BY 1`,
        );
        const byBucket = new Map(rows.map((r) => [r.b, r]));
        series.buckets.forEach((b, i) => {
          expect(Number(series.orders[i]), `orders ${b}`).toBe(byBucket.get(b)?.orders ?? 0);
          expect(same(series.revenue[i]!, byBucket.get(b)?.revenue ?? "0"), `revenue ${b}`).toBe(true);
        });
        expect(rows.every((r) => series.buckets.includes(r.b))).toBe(true);

        // Average order value and new customers per channel and bucket.
        const perChannel = await loadChannelSeries(viewer, scope, testDb.db);
        expect(perChannel.channels.map((c) => c.id)).toEqual([channelId]);
        const aov = await queryRows<{ b: string; aov: string }>(
          testDb.db,
          sql`
          SELECT ${bucketOf(trunc, "remote_created_at", "store_id")} AS b,
            round(sum(${sql.raw(REVENUE)}) / count(*), 4)::text AS aov
          FROM magento_orders WHERE channel_id = ${channelId} AND state <> 'canceled' AND removed_at IS NULL
            AND ${inRange("remote_created_at", "store_id", scope.range)} GROUP BY 1`,
        );
        for (const r of aov)
          expect(same(perChannel.channels[0]!.averageOrderValue[perChannel.buckets.indexOf(r.b)]!, r.aov), `aov ${r.b}`).toBe(true);
        const newPerBucket = await queryRows<{ b: string; n: number }>(
          testDb.db,
          sql`
          SELECT ${bucketOf(trunc, "f.first", "f.store_id")} AS b, count(*)::int AS n
          FROM ${firstsOf(channelId)} f
          WHERE ${inRange("f.first", "f.store_id", scope.range)} GROUP BY 1`,
        );
        const newTotal = perChannel.channels[0]!.newCustomers.reduce((a, b) => a + Number(b), 0);
        expect(newTotal).toBe(newPerBucket.reduce((a, r) => a + r.n, 0));
        for (const r of newPerBucket) expect(Number(perChannel.channels[0]!.newCustomers[perChannel.buckets.indexOf(r.b)])).toBe(r.n);

        // Cart funnel and recovered revenue.
        const funnel = await loadCartFunnel(viewer, scope, testDb.db);
        const f = await one<{ created: number; purchased: number; converted: number; expired: number; lost: number; open: number }>(sql`
          SELECT count(*)::int AS created,
            count(*) FILTER (WHERE status = 'purchased' AND NOT (contact_count > 0 OR last_contact_at IS NOT NULL))::int AS purchased,
            count(*) FILTER (WHERE status = 'converted' OR (status = 'purchased' AND (contact_count > 0 OR last_contact_at IS NOT NULL)))::int AS converted,
            count(*) FILTER (WHERE status = 'expired')::int AS expired, count(*) FILTER (WHERE status = 'lost')::int AS lost,
            count(*) FILTER (WHERE status IN ('open', 'contacted') AND NOT ${abandoned(channelId)})::int AS open
          FROM magento_carts WHERE channel_id = ${channelId} AND ${inRange("remote_created_at", "store_id", scope.range)}`);
        expect({
          created: funnel.created,
          purchased: funnel.purchased,
          converted: funnel.convertedAfterFollowUp,
          expired: funnel.expired,
          lost: funnel.lost,
          open: funnel.open,
        }).toEqual(f);
        const rec = await one<{ revenue: string }>(sql`
          SELECT coalesce(sum((o.base_subtotal + o.base_discount_amount) * o.base_to_global_rate), 0)::text AS revenue FROM magento_orders o JOIN magento_carts c ON c.id = o.cart_id
          WHERE o.channel_id = ${channelId} AND o.state <> 'canceled' AND o.removed_at IS NULL AND (c.contact_count > 0 OR c.last_contact_at IS NOT NULL)
            AND ${inRange("o.remote_created_at", "o.store_id", scope.range)}`);
        expect(same(funnel.recoveredRevenue, rec.revenue)).toBe(true);

        // Orders by status, payment and shipping method.
        for (const [kind, column] of [
          ["status", "status"],
          ["payment", "coalesce(payment_method, '(none)')"],
          ["shipping", "coalesce(shipping_method, '(none)')"],
        ] as const) {
          const got = await loadMix(viewer, scope, kind, testDb.db);
          const want = await queryRows<{ value: string; orders: number }>(
            testDb.db,
            sql`
            SELECT ${sql.raw(column)} AS value, count(*)::int AS orders FROM magento_orders
            WHERE channel_id = ${channelId} AND removed_at IS NULL AND ${inRange("remote_created_at", "store_id", scope.range)} GROUP BY 1 ORDER BY 2 DESC, 1`,
          );
          expect(
            got.map((g) => ({ value: g.value, orders: g.orders })),
            kind,
          ).toEqual(want);
        }
      });
    }
  }

  it("top customers by lifetime value and sync health per channel", async () => {
    const scope: DashboardScope = parseReportFilters({ channel: String(channelIds[1]) }, now);
    const top = await loadTopCustomers(viewer, scope, 5, testDb.db);
    const want = await queryRows<{ id: number }>(
      testDb.db,
      sql`
      SELECT id::int AS id FROM magento_customers WHERE channel_id = ${channelIds[1]} AND removed_at IS NULL AND merged_into_id IS NULL
        AND lifetime_value > 0 ORDER BY lifetime_value DESC, id LIMIT 5`,
    );
    expect(top.map((t) => t.id)).toEqual(want.map((w) => w.id));
    const health = await loadSyncHealth(viewer, { channelId: null }, testDb.db);
    expect(health.map((h) => h.lastRunStatus)).toEqual(["succeeded", "succeeded"]);
    expect(health.every((h) => h.rollupsAsOf !== null && h.lastSuccessAt !== null)).toBe(true);
  });

  it("shows every view in the one global currency, so no view mixes currencies", async () => {
    // The simulator's stores: default (USD) and fr (EUR orders, USD base) on website 1, de (EUR base) on website 2.
    const websites = await queryRows<{ id: number; origin: number }>(
      testDb.db,
      sql`
      SELECT id::int AS id, origin_id::int AS origin FROM magento_websites WHERE channel_id = ${channelIds[0]} ORDER BY origin_id`,
    );
    expect(await scopeCurrencies(viewer, parseReportFilters({}, now), testDb.db)).toEqual(["USD"]);
    expect(await dashboardCurrency(viewer, parseReportFilters({}, now), testDb.db)).toBe("USD");
    const german = parseReportFilters({ channel: String(channelIds[0]), website: String(websites.find((w) => w.origin === 2)!.id) }, now);
    expect(await scopeCurrencies(viewer, german, testDb.db)).toEqual(["USD"]);
    expect(await dashboardCurrency(viewer, german, testDb.db)).toBe("USD");
  });

  it("refuses a user without view_sales", async () => {
    const scope: DashboardScope = parseReportFilters({}, now);
    await expect(loadKpis(null, scope, testDb.db)).rejects.toThrow(/view sales/);
  });
});
