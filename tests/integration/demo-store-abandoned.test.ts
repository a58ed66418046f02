import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { channels } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/session";
import { sealCredentials } from "@/lib/secrets/channel-credentials";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { loadKpis, scopeCurrencies } from "@/lib/reports/dashboard/queries";
import { loadAbandonedCartsReport } from "@/lib/reports/loaders/abandoned-carts";
import { zonedReportFilters } from "@/lib/periods/time-zones";
import { runChannelSync } from "@/lib/sync/runner";
import { queryRows } from "@/db/rows";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// The demo store `npm start` serves (seed 42, 800 customers, 4,000 orders), as a new user sees it
// with no setting changed: the dashboard's last-30-days abandoned carts are more than none, equal
// the Abandoned Carts report's, and both equal a count written here from the definition (active in
// Magento, items, a known email, open or contacted, unchanged for the default 24 hours) over the
// carts created on those 30 store-local days. Their value agrees too, in the one global currency.

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));

const viewer: SessionUser = { id: 1, email: "viewer@example.com", name: "Viewer", role: "viewer", permissions: ["view_sales"] };
let testDb: TestDatabase;
let sim: RunningSimulator;
let channelId: number;

beforeAll(async () => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  testDb = await createTestDatabase();
  sim = await startMagentoSimulator({ port: 0, seed: 42, customers: 800, orders: 4000 });
  const [channel] = await testDb.db
    .insert(channels)
    .values({ name: "Demo store", baseUrl: sim.baseUrl, credentialsEncrypted: sealCredentials({ type: "bearer", token: sim.adminToken }) })
    .returning();
  channelId = channel!.id;
  const run = await runChannelSync({ db: testDb.db, channelId, mode: "initial", trigger: "cli" });
  if (run.status !== "succeeded") throw new Error(`sync ${run.status}`);
}, 240_000);

afterAll(async () => {
  await sim?.close();
  await testDb?.drop();
});

describe("the demo store, out of the box", () => {
  it("shows the same abandoned carts on the dashboard, in the report and by the definition, in one currency", async () => {
    const { filters } = await zonedReportFilters(testDb.db, {});
    expect(filters.preset).toBe("last_30_days");
    const [kpis, report] = await Promise.all([loadKpis(viewer, filters, testDb.db), loadAbandonedCartsReport(viewer, filters, testDb.db)]);
    const [direct] = await queryRows<{ n: number; value: string }>(
      testDb.db,
      sql`
      SELECT count(*)::int AS n, coalesce(sum(c.base_grand_total * c.base_to_global_rate), 0)::text AS value
      FROM magento_carts c LEFT JOIN magento_stores s ON s.id = c.store_id
      WHERE c.channel_id = ${channelId} AND c.removed_at IS NULL AND c.is_active AND c.items_count > 0
        AND coalesce(trim(c.customer_email), '') <> '' AND c.status IN ('open', 'contacted')
        AND coalesce(c.remote_updated_at, c.remote_created_at) <= now() - interval '24 hours'
        AND (c.remote_created_at AT TIME ZONE coalesce(s.timezone, 'UTC'))::date BETWEEN ${filters.range.from}::date AND ${filters.range.to}::date`,
    );
    expect(direct!.n).toBeGreaterThan(0);
    expect(kpis.current.abandonedCarts).toBe(direct!.n);
    expect(report.total.count).toBe(direct!.n);
    const units = (v: string) => Math.round(Number(v) * 100);
    expect(units(kpis.current.abandonedRevenue)).toBe(units(direct!.value));
    expect(units(report.total.value)).toBe(units(direct!.value));
    expect(report.currency).toBe("USD");
    // One global currency for the whole store: no "mixed currencies" warning to show.
    expect(await scopeCurrencies(viewer, filters, testDb.db)).toEqual(["USD"]);
  });
});
