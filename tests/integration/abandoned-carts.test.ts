import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/client";
import { channels, users } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/session";
import { abandonedCartCondition, abandonedCartSqlText } from "@/lib/sync/rules/abandoned-carts";
import { cartsGrid } from "@/lib/carts/grid";
import { reportAbandonedCartsGrid } from "@/lib/reports/grids/abandoned-carts";
import { parseGridState, type SearchParams } from "@/lib/grid/params";
import { loadGridPage } from "@/lib/grid/sql";
import { createMagentoClient } from "@/lib/magento/client";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { parseReportFilters } from "@/lib/periods/filters";
import { loadAbandonedCartsReport } from "@/lib/reports/loaders/abandoned-carts";
import { countSegment, filtersFromQuery } from "@/lib/segments/segments";
import { runChannelSync } from "@/lib/sync/runner";
import { queryRows } from "@/db/rows";
import { listAbandonedToTake } from "@/lib/carts/follow-up";
import { loadCartDetail } from "@/lib/carts/detail";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));

// The one definition of an abandoned cart (lib/sync/rules/abandoned-carts.ts): its edges on hand-made rows,
// then on a store synced from the simulator, where the report, the carts list, the cart page and
// My Follow-ups must all pick the carts an independent SQL count picks.

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
}, 60_000);

afterAll(async () => {
  await database?.drop();
});

describe("the definition's edges", () => {
  const AT = "2026-03-10T12:00:00Z";
  const hoursBefore = (h: number) => new Date(Date.parse(AT) - h * 3_600_000).toISOString();
  type Case = {
    name: string;
    expected: boolean;
    delay?: number;
    removed?: boolean;
    active?: boolean;
    items?: number;
    email?: string | null;
    status?: string;
    updated?: string | null;
    created?: string | null;
  };
  const cases: Case[] = [
    { name: "idle exactly the delay", expected: true, updated: hoursBefore(24) },
    { name: "one second short of the delay", expected: false, updated: new Date(Date.parse(hoursBefore(24)) + 1000).toISOString() },
    { name: "contacted and idle", expected: true, status: "contacted", updated: hoursBefore(100) },
    { name: "blank email", expected: false, email: "   ", updated: hoursBefore(100) },
    { name: "no email", expected: false, email: null, updated: hoursBefore(100) },
    { name: "inactive in Magento", expected: false, active: false, updated: hoursBefore(100) },
    { name: "no items", expected: false, items: 0, updated: hoursBefore(100) },
    { name: "lost", expected: false, status: "lost", updated: hoursBefore(100) },
    { name: "expired", expected: false, status: "expired", updated: hoursBefore(100) },
    { name: "purchased", expected: false, status: "purchased", updated: hoursBefore(100) },
    { name: "converted", expected: false, status: "converted", updated: hoursBefore(100) },
    { name: "removed from the portal", expected: false, removed: true, updated: hoursBefore(100) },
    { name: "never updated, created long ago", expected: true, updated: null, created: hoursBefore(30) },
    { name: "never updated, created just now", expected: false, updated: null, created: hoursBefore(1) },
    { name: "a 48-hour channel: 30 hours idle is not yet", expected: false, delay: 48, updated: hoursBefore(30) },
    { name: "a 1-hour channel: 90 minutes idle is", expected: true, delay: 1, updated: hoursBefore(1.5) },
  ];

  /** Each case through both spellings of the definition, on a row of magento_carts' column types. */
  async function evaluate(c: Case): Promise<{ drizzle: unknown; text: unknown }> {
    const row = sql`SELECT ${c.removed ? hoursBefore(1) : null}::timestamptz AS removed_at, ${c.active ?? true}::boolean AS is_active,
      ${c.items ?? 2}::int AS items_count, ${c.email === undefined ? "buyer@shop.test" : c.email}::text AS customer_email, ${c.status ?? "open"}::text AS status,
      ${c.updated === undefined ? null : c.updated}::timestamptz AS remote_updated_at, ${c.created ?? hoursBefore(24 * 40)}::timestamptz AS remote_created_at,
      ${c.delay ?? 24}::int AS delay`;
    const [out] = await queryRows<{ drizzle: unknown; text: unknown }>(
      db,
      sql`
      SELECT ${abandonedCartCondition("c", { at: sql`${AT}::timestamptz`, delayHours: sql`c.delay` })} AS drizzle,
        ${sql.raw(abandonedCartSqlText("c", `'${AT}'::timestamptz`, "c.delay"))} AS text
      FROM (${row}) c`,
    );
    return out!;
  }

  for (const c of cases) {
    it(`${c.name}: ${c.expected ? "abandoned" : "not abandoned"}`, async () => {
      const { drizzle, text } = await evaluate(c);
      expect(drizzle === true, "drizzle condition").toBe(c.expected);
      expect(text === true, "SQL text").toBe(c.expected);
    });
  }

  it("refuses an alias that is not a bare identifier", () => {
    expect(() => abandonedCartSqlText("ct; DROP TABLE users", "now()", "24")).toThrow(/Not an SQL alias/);
  });
});

describe("on a store synced from the simulator", () => {
  let sim: RunningSimulator;
  let channelId: number;
  let user: SessionUser;
  const TODAY = new Date().toISOString().slice(0, 10);
  const ALL: SearchParams = { range: "custom", from: new Date(Date.now() - 1800 * 86_400_000).toISOString().slice(0, 10), to: TODAY };

  beforeAll(async () => {
    sim = await startMagentoSimulator({ port: 0, seed: 31, customers: 150, orders: 300 });
    const [channel] = await db.insert(channels).values({ name: "Abandoned store", baseUrl: sim.baseUrl }).returning();
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
      .values({ email: "rep@example.test", name: "Rita Rep", role: "agent", passwordHash: "x" })
      .returning();
    user = { id: row!.id, email: row!.email, name: row!.name, role: "agent", permissions: ["view_sales", "work_carts"] };
    // One cart contacted, one lost: the first stays abandoned, the second never is.
    await db.execute(sql`
      WITH two AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM magento_carts
        WHERE status = 'open' AND is_active AND items_count > 0 AND customer_email IS NOT NULL AND remote_updated_at < now() - interval '2 days' ORDER BY id LIMIT 2)
      UPDATE magento_carts c SET status = CASE WHEN two.n = 1 THEN 'contacted' ELSE 'lost' END, contact_count = 1 FROM two WHERE two.id = c.id`);
  }, 180_000);

  afterAll(async () => {
    await sim?.close();
  });

  /** Written out here on purpose, apart from lib/sync/rules/abandoned-carts.ts, to check it. */
  async function independentCount(range?: { from: string; to: string }, extra = sql``): Promise<{ n: number; ids: Set<string> }> {
    const rows = await queryRows<{ id: string }>(
      db,
      sql`
      SELECT c.id::text AS id FROM magento_carts c JOIN channels ch ON ch.id = c.channel_id
      WHERE c.removed_at IS NULL AND c.is_active = true AND c.items_count > 0 AND coalesce(trim(c.customer_email), '') <> ''
        AND c.status IN ('open', 'contacted')
        AND coalesce(c.remote_updated_at, c.remote_created_at) + ch.abandonment_delay_hours * interval '1 hour' <= now()
        ${range ? sql`AND c.remote_created_at >= ${range.from}::date AND c.remote_created_at < ${range.to}::date + 1` : sql``} ${extra}`,
    );
    return { n: rows.length, ids: new Set(rows.map((r) => r.id)) };
  }

  async function gridIds(params: SearchParams, definition = reportAbandonedCartsGrid): Promise<Set<string>> {
    const out = new Set<string>();
    for (let page = 1; ; page++) {
      const { state } = parseGridState(definition, { ...params, page: String(page), size: "100" });
      const result = await loadGridPage(db, definition, state, "UTC");
      for (const row of result.rows) out.add(row.id);
      if (result.rows.length < 100) return out;
    }
  }

  it("the report counts exactly the carts the definition picks, more than none, and the grids list them", async () => {
    const f = parseReportFilters(ALL);
    const expected = await independentCount(f.range);
    expect(expected.n).toBeGreaterThan(0);
    const report = await loadAbandonedCartsReport(user, f, db);
    expect(report.total.count).toBe(expected.n);
    expect(report.byAge.reduce((n, b) => n + b.count, 0)).toBe(expected.n);
    expect(report.byOutcome.reduce((n, o) => n + o.count, 0)).toBe(expected.n);
    expect(report.byOutcome.find((o) => o.id === "contacted")!.count).toBe(1);
    expect(report.lost.count).toBe(1);
    expect(await gridIds(ALL)).toEqual(expected.ids);
    // The carts list's Abandoned filter agrees (no date range there: every cart), and so does a
    // marketing segment saved from it.
    const everyCart = await independentCount();
    expect(await gridIds({ f_abandoned: "yes" }, cartsGrid)).toEqual(everyCart.ids);
    const segment = filtersFromQuery("carts", "/sales/carts?f_abandoned=yes");
    expect(segment).toEqual({ ok: true, filters: { f_abandoned: "yes" } });
    expect((await countSegment(db, user, { entity: "carts", filters: segment.ok ? segment.filters : {} })).count).toBe(everyCart.n);
  });

  it("the age buckets go by whole days since the last change in Magento", async () => {
    const f = parseReportFilters(ALL);
    const report = await loadAbandonedCartsReport(user, f, db);
    const idle = (from: number, to: number) =>
      independentCount(
        f.range,
        sql`AND coalesce(c.remote_updated_at, c.remote_created_at) <= now() - ${from} * interval '1 day' AND coalesce(c.remote_updated_at, c.remote_created_at) > now() - ${to} * interval '1 day'`,
      );
    expect(report.byAge.map((b) => b.label)).toEqual(["Under 3 days", "3–7 days", "8–30 days", "31–90 days", "Over 90 days"]);
    const expected = [
      (await idle(0, 3)).n,
      (await idle(3, 8)).n,
      (await idle(8, 31)).n,
      (await idle(31, 91)).n,
      (await idle(91, 100_000)).n,
    ];
    expect(report.byAge.map((b) => b.count)).toEqual(expected);
    expect(expected.filter((n) => n > 0).length, "carts of several ages").toBeGreaterThan(1);
  });

  it("a longer channel delay leaves fewer carts abandoned, on the report, the cart page and My Follow-ups alike", async () => {
    const before = await independentCount();
    const offered = await listAbandonedToTake(db, user, 500);
    expect(offered.total).toBe(before.n);
    expect(new Set(offered.rows.map((r) => String(r.id)))).toEqual(before.ids);
    const someId = Number([...before.ids][0]);
    expect((await loadCartDetail(db, user, someId))!.abandonment).toEqual({ abandoned: true, delayHours: 24 });

    await db.update(channels).set({ abandonmentDelayHours: 720 }).where(eq(channels.id, channelId));
    try {
      const after = await independentCount();
      expect(after.n).toBeLessThan(before.n);
      expect((await loadAbandonedCartsReport(user, parseReportFilters(ALL), db)).total.count).toBe(after.n);
      expect((await listAbandonedToTake(db, user, 500)).total).toBe(after.n);
      const dropped = [...before.ids].find((id) => !after.ids.has(id))!;
      expect((await loadCartDetail(db, user, Number(dropped)))!.abandonment).toEqual({ abandoned: false, delayHours: 720 });
    } finally {
      await db.update(channels).set({ abandonmentDelayHours: 24 }).where(eq(channels.id, channelId));
    }
  });
});
