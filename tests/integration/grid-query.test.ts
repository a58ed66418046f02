import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/client";
import { channels, users } from "@/db/schema";
import { ROLE_PERMISSIONS } from "@/lib/auth/permissions";
import type { SessionUser } from "@/lib/auth/session";
import { DATE_PRESETS, presetRange } from "@/lib/date-presets";
import { cartsGrid } from "@/lib/carts/grid";
import { creditMemosGrid } from "@/lib/credit-memos/grid";
import { customersGrid } from "@/lib/customers/grid";
import { ordersGrid } from "@/lib/orders/grid";
import { subscribersGrid } from "@/lib/subscribers/grid";
import { parseGridState, type SearchParams } from "@/lib/grid/params";
import { loadGridPage, type GridRow } from "@/lib/grid/sql";
import { loadGridView } from "@/lib/browse/grid-view";
import { zonedReportFilters } from "@/lib/periods/time-zones";
import { GRIDS } from "@/lib/grid-registry";
import type { GridDefinition } from "@/lib/grid/types";
import { createMagentoClient } from "@/lib/magento/client";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { runChannelSync } from "@/lib/sync/runner";
import { rowsOf } from "@/db/rows";
import { saveGridPreference } from "@/lib/users/preferences";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// The session module reads next-auth, which needs Next's runtime; the grid only uses its guard.
vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));

// The grids against data synced from the simulator: sorting, filtering and paging give exactly
// the simulator's records, counts match, and hostile URLs never throw.

let sim: RunningSimulator;
let test: TestDatabase;
let db: Db;
let user: SessionUser;

const cents = (value: unknown) => Math.round(Number(value) * 100);

async function page(definition: GridDefinition, params: SearchParams, scope?: { sql: string; value: number; label: string }) {
  const { state, notices } = parseGridState(definition, params);
  return { ...(await loadGridPage(db, definition, state, "UTC", { scope })), notices };
}

const ids = (rows: GridRow[], column: string) => rows.map((r) => String(r.values[column]));

beforeAll(async () => {
  sim = await startMagentoSimulator({ port: 0, seed: 515, customers: 40, orders: 160 });
  test = await createTestDatabase();
  db = test.db;
  const [channel] = await db.insert(channels).values({ name: "Simulated store", baseUrl: sim.baseUrl }).returning();
  const client = createMagentoClient({
    baseUrl: sim.baseUrl,
    auth: { type: "bearer", token: sim.adminToken },
    requestsPerSecond: null,
    maxRetries: 8,
    backoff: { baseDelayMs: 10, maxDelayMs: 50 },
  });
  const run = await runChannelSync({ db, channelId: channel!.id, mode: "initial", trigger: "cli", client, pageSize: 50 });
  expect(run.status).toBe("succeeded");
  const [row] = await db
    .insert(users)
    .values({ email: "viewer@example.com", name: "Vera Viewer", role: "viewer", passwordHash: "x" })
    .returning();
  user = { id: row!.id, email: row!.email, name: row!.name, role: "viewer", permissions: ROLE_PERMISSIONS.viewer };
}, 120_000);

afterAll(async () => {
  await sim?.close();
  await test?.drop();
});

describe("orders grid equals the simulator's orders", () => {
  it("sorts, pages and shows order #, grand total, status and customer", async () => {
    const orders = [...sim.store.orders.values()].sort((a, b) => (a.incrementId < b.incrementId ? -1 : 1));
    const first = await page(ordersGrid, { sort: "increment_id", size: "25" });
    expect(first.total).toBe(orders.length);
    expect(first.totalCapped).toBe(false);
    expect(ids(first.rows, "increment_id")).toEqual(orders.slice(0, 25).map((o) => o.incrementId));
    const third = await page(ordersGrid, { sort: "-increment_id", size: "25", page: "3" });
    expect(ids(third.rows, "increment_id")).toEqual(
      [...orders]
        .reverse()
        .slice(50, 75)
        .map((o) => o.incrementId),
    );
    for (const row of [...first.rows, ...third.rows]) {
      const order = orders.find((o) => o.incrementId === row.values.increment_id)!;
      expect(cents(row.values.grand_total)).toBe(cents(sim.store.orderColumns(order).grand_total));
      expect(row.values.status).toBe(order.status);
      expect(row.values.grand_total__currency).toBe(order.currency);
      expect(row.values.email).toBe(order.email);
      expect(row.values.customer).toBe(`${order.firstname} ${order.lastname}`.trim() || order.email);
    }
  });

  it("default order is newest first", async () => {
    const result = await page(ordersGrid, { size: "200" });
    const times = result.rows.map((r) =>
      new Date(
        String(r.values.created_at)
          .replace(" ", "T")
          .replace(/([+-]\d{2})$/, "$1:00"),
      ).getTime(),
    );
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(result.total).toBe(sim.store.orders.size);
  });

  it("filters by status, amount range, email prefix, guest flag and search", async () => {
    const orders = [...sim.store.orders.values()];
    const status = orders[0]!.status;
    const byStatus = await page(ordersGrid, { f_status: status, size: "200" });
    expect(byStatus.total).toBe(orders.filter((o) => o.status === status).length);
    expect(new Set(ids(byStatus.rows, "status"))).toEqual(new Set([status]));

    const totals = orders.map((o) => cents(sim.store.orderColumns(o).grand_total));
    const inRange = await page(ordersGrid, { f_grand_total: "50..300", size: "200" });
    expect(inRange.total).toBe(totals.filter((t) => t >= 5000 && t <= 30000).length);

    const prefix = orders[3]!.email.slice(0, 3);
    const byEmail = await page(ordersGrid, { f_email: `starts:${prefix.toUpperCase()}`, size: "200" });
    expect(byEmail.total).toBe(orders.filter((o) => o.email.toLowerCase().startsWith(prefix.toLowerCase())).length);
    const bySearch = await page(ordersGrid, { q: orders[3]!.incrementId, size: "200" });
    expect(ids(bySearch.rows, "increment_id")).toContain(orders[3]!.incrementId);

    const guests = await page(ordersGrid, { f_is_guest: "yes", size: "200" });
    expect(guests.total).toBe(orders.filter((o) => o.isGuest).length);

    const combined = await page(ordersGrid, { f_status: status, f_grand_total: "50..", size: "200" });
    expect(combined.total).toBe(orders.filter((o) => o.status === status && cents(sim.store.orderColumns(o).grand_total) >= 5000).length);
  });

  it("a date preset selects the orders of its days, under its old spelling too", async () => {
    const created = [...sim.store.orders.values()].map((o) => String(sim.store.orderColumns(o).created_at).slice(0, 10));
    const today = new Date().toISOString().slice(0, 10);
    for (const preset of DATE_PRESETS) {
      const { from, to } = presetRange(preset, today);
      const result = await page(ordersGrid, { f_created_at: preset, size: "200" });
      expect(result.notices).toEqual([]);
      expect(result.total, preset).toBe(created.filter((day) => day >= from && day <= to).length);
    }
    for (const [old, canonical] of [
      ["last7", "last_7_days"],
      ["last30", "last_30_days"],
    ]) {
      expect((await page(ordersGrid, { f_created_at: old, size: "200" })).total).toBe(
        (await page(ordersGrid, { f_created_at: canonical, size: "200" })).total,
      );
    }
  });

  it("a scope shows one customer's orders only, through a bound parameter", async () => {
    const [customer] = rowsOf<{ id: string; origin_id: string }>(
      await db.execute(sql`
      SELECT c.id::text, c.origin_id::text FROM magento_customers c JOIN magento_orders o ON o.customer_id = c.id
      WHERE NOT c.is_guest GROUP BY c.id ORDER BY count(*) DESC LIMIT 1`),
    );
    const scoped = await page(ordersGrid, { size: "200" }, { sql: "o.customer_id", value: Number(customer!.id), label: "them" });
    const expected = [...sim.store.orders.values()].filter((o) => o.customerId === Number(customer!.origin_id));
    expect(scoped.total).toBe(expected.length);
    expect(new Set(ids(scoped.rows, "increment_id"))).toEqual(new Set(expected.map((o) => o.incrementId)));
    await expect(
      loadGridPage(db, ordersGrid, parseGridState(ordersGrid, {}).state, "UTC", { scope: { sql: "1=1; --", value: 1, label: "x" } }),
    ).rejects.toThrow();
  });
});

describe("carts, customers, credit memos and subscribers grids", () => {
  it("carts: ids, counts and statuses", async () => {
    const carts = [...sim.store.carts.values()].sort((a, b) => a.id - b.id);
    const all = await page(cartsGrid, { sort: "cart_id", size: "200" });
    expect(all.total).toBe(carts.length);
    expect(ids(all.rows, "cart_id")).toEqual(carts.slice(0, 200).map((c) => String(c.id)));
    for (const row of all.rows.slice(0, 20)) {
      const cart = sim.store.carts.get(Number(row.values.cart_id))!;
      expect(Number(row.values.items_count)).toBe(cart.items.length);
      expect(row.values.grand_total__currency).toBe(cart.currency);
    }
    const quoteIds = new Set([...sim.store.orders.values()].map((o) => o.quoteId));
    const purchased = await page(cartsGrid, { f_status: "purchased" });
    expect(purchased.total).toBe(carts.filter((c) => !c.isActive && quoteIds.has(c.id)).length);
    const noAssignee = await page(cartsGrid, { f_assignee: "Nobody" });
    expect(noAssignee.total).toBe(0);
  });

  it("customers: registered ones equal the simulator's, merged guests left out", async () => {
    const customers = [...sim.store.customers.values()];
    const registered = await page(customersGrid, { f_is_guest: "no", size: "200", sort: "email" });
    expect(registered.total).toBe(customers.length);
    expect(new Set(ids(registered.rows, "email"))).toEqual(new Set(customers.map((c) => c.email)));
    const subscribed = await page(customersGrid, { f_is_guest: "no", f_subscribed: "yes", size: "200" });
    expect(subscribed.total).toBe(customers.filter((c) => c.extension_attributes.is_subscribed).length);
    const [merged] = rowsOf<{ n: string }>(
      await db.execute(sql`SELECT count(*)::text AS n FROM magento_customers WHERE merged_into_id IS NULL AND removed_at IS NULL`),
    );
    expect((await page(customersGrid, {})).total).toBe(Number(merged!.n));
  });

  it("credit memos: memo #, order # and status words", async () => {
    const memos = [...sim.store.memos.values()];
    const all = await page(creditMemosGrid, { size: "200", sort: "increment_id" });
    expect(all.total).toBe(memos.length);
    expect(ids(all.rows, "increment_id")).toEqual(memos.map((m) => m.incrementId).sort());
    for (const row of all.rows) {
      const memo = memos.find((m) => m.incrementId === row.values.increment_id)!;
      expect(row.values.order).toBe(sim.store.orders.get(memo.orderId)!.incrementId);
      expect(["open", "refunded", "canceled"]).toContain(row.values.status);
      expect(cents(row.values.grand_total)).toBe(cents(sim.store.memoColumns(memo).grand_total));
    }
  });

  it("subscribers: count equals the synced table, statuses are known words", async () => {
    const [count] = rowsOf<{ n: string }>(
      await db.execute(sql`SELECT count(*)::text AS n FROM magento_newsletter_subscribers WHERE removed_at IS NULL`),
    );
    const all = await page(subscribersGrid, { size: "200" });
    expect(all.total).toBe(Number(count!.n));
    for (const row of all.rows) expect(["subscribed", "not_active", "unsubscribed", "unconfirmed"]).toContain(row.values.status);
  });
});

describe("the view a user sees", () => {
  it("formats money exactly, dates in the user's zone, and remembers page size", async () => {
    await saveGridPreference(db, user.id, "orders", { columns: ["increment_id", "grand_total"], pageSize: 25 });
    await db.execute(sql`UPDATE users SET preferences = preferences || '{"timeZone":"Europe/Berlin"}'::jsonb WHERE id = ${user.id}`);
    const view = await loadGridView(user, ordersGrid, { sort: "increment_id" }, { db });
    expect(view.state.pageSize).toBe(25);
    expect(view.rows).toHaveLength(25);
    expect(view.preference.columns).toEqual(["increment_id", "grand_total"]);
    const order = [...sim.store.orders.values()].sort((a, b) => (a.incrementId < b.incrementId ? -1 : 1))[0]!;
    const cell = view.rows[0]!.cells.grand_total!;
    const amount = cents(sim.store.orderColumns(order).grand_total);
    const digits = `${Math.floor(amount / 100).toLocaleString("en-US")}.${String(amount % 100).padStart(2, "0")}`;
    expect(cell.text).toBe(order.currency === "USD" ? `$${digits}` : `€${digits}`);
    // The cell is compact in the user's zone; its title names the zone and the UTC instant.
    expect(view.rows[0]!.cells.created_at!.text).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(view.rows[0]!.cells.created_at!.title).toMatch(
      /^\d{2} \w{3} \d{4}, \d{2}:\d{2} CES?T \(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\)$/,
    );
    // The detail link carries the grid's view, for the breadcrumb and prev/next on the detail page.
    expect(view.rows[0]!.href).toBe(`/sales/orders/${view.rows[0]!.id}?back=${encodeURIComponent("sort=increment_id&size=25")}`);
    expect(view.client.columns.find((c) => c.id === "status")!.options!.length).toBeGreaterThan(0);
    expect(view.hasRows).toBe(true);
  });

  it("says when filters exclude everything, and refuses users without the permission", async () => {
    const view = await loadGridView(user, ordersGrid, { f_email: "equals:nobody@nowhere.invalid" }, { db });
    expect(view.total).toBe(0);
    expect(view.hasRows).toBe(true);
    await expect(loadGridView(null, ordersGrid, {}, { db })).rejects.toThrow(/not allow/);
  });
});

const HOSTILE: SearchParams[] = [
  { sort: "grand_total; DROP TABLE users; --" },
  { sort: "-(select 1)" },
  { page: "-1" },
  { page: "0" },
  { page: "99999999999" },
  { page: "1e5" },
  { page: "3.5" },
  { page: "100000", size: "200" },
  { size: "-50" },
  { size: "1000000" },
  { size: "abc" },
  { q: "' OR 1=1 --" },
  { q: "%_%\\" },
  { q: "x".repeat(1000) },
  { channel: "1; DROP TABLE channels" },
  { channel: "999999" },
  { f_grand_total: "1e309" },
  { f_grand_total: "abc..def" },
  { f_grand_total: ".." },
  { f_grand_total: "1; --" },
  { f_created_at: "2024-13-45..2024-01-01" },
  { f_created_at: "yesterday" },
  { f_created_at: "2024-02-01..2024-01-01" },
  { f_created_at: "'; select pg_sleep(5); --" },
  { f_status: ["' OR '1'='1", "pending"] },
  { f_nope: "1" },
  { "f_o.id": "1" },
  { "f_1=1": "x" },
  { f_email: "regex:.*" },
  { f_email: "" },
  { f_is_guest: "maybe" },
  { f_updated_at: ["2024-01-01..", "2025-01-01.."] },
];

// Report grids' shared filters (lib/periods/filters.ts) fall back to their defaults without a
// notice, as the dashboard's do; a segment id is checked against the segments the user may see.
const HOSTILE_EXTRA: SearchParams[] = [
  { range: "'; DROP TABLE users; --" },
  { range: "custom", from: "2024-13-45", to: "x" },
  { website: "1 OR 1=1" },
  { bucket: "century" },
  { segment: "1; DROP TABLE segments" },
  { segment: "999999" },
];

// Report grids hold the rows of their date range only: the widest range the filters allow.
const WIDE: SearchParams = {
  range: "custom",
  from: new Date(Date.now() - 1800 * 86_400_000).toISOString().slice(0, 10),
  to: new Date().toISOString().slice(0, 10),
};

describe("hostile URLs never throw", () => {
  // The viewer reads the sales grids; the audit log (admins only) has its own tests.
  for (const definition of Object.values(GRIDS).filter((d) => (d.permission ?? "view_sales") === "view_sales")) {
    it(`${definition.id}: every hostile parameter is answered with a notice or harmless bound values`, async () => {
      for (const params of [...HOSTILE, ...HOSTILE_EXTRA]) {
        const view = await loadGridView(user, definition, params, { db });
        expect(view.total).toBeGreaterThanOrEqual(0);
        // Parameters that could not be read at all come back as notices; the rest matched safely.
        // A report grid leaves the channel to its report page, which says it once (zonedReportFilters).
        const parsed = parseGridState(definition, params);
        const ownNotices = definition.report ? parsed.notices.filter((n) => n.param !== "channel") : parsed.notices;
        expect(view.notices.length).toBeGreaterThanOrEqual(ownNotices.length);
        if (definition.report && parsed.notices.some((n) => n.param === "channel")) {
          expect((await zonedReportFilters(db, params)).notices.map((n) => n.param)).toContain("channel");
        }
      }
      const past = await loadGridView(user, definition, { ...(definition.report ? WIDE : {}), page: "100000", size: "200" }, { db });
      expect(past.rows).toEqual([]);
      // (This store has no abandoned carts: a report grid without rows has no last page to name.)
      if (!definition.report || past.hasRows) expect(past.notices.map((n) => n.param)).toContain("page");
      const [alive] = rowsOf<{ n: string }>(await db.execute(sql`SELECT count(*)::text AS n FROM users`));
      expect(Number(alive!.n)).toBeGreaterThan(0);
    });
  }

  it("every malformed value of the list gets a notice", () => {
    // Well-formed but odd values (a short search, an unknown channel id, a page past the end) are
    // bound as they are and answered by the view; see the test above.
    const malformed = HOSTILE.filter(
      (p) => !("q" in p && String(p.q).length < 100) && p.channel !== "999999" && !("f_status" in p) && p.page !== "100000",
    );
    for (const params of malformed) {
      expect(parseGridState(ordersGrid, params).notices.length, JSON.stringify(params)).toBeGreaterThan(0);
    }
  });
});
