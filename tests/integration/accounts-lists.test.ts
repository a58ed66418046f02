import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/client";
import { channels, users } from "@/db/schema";
import { rowsOf } from "@/db/rows";
import { accountsGrid } from "@/lib/accounts/grid";
import { loadGridView } from "@/lib/browse/grid-view";
import { parseGridState, type SearchParams } from "@/lib/grid/params";
import { loadGridPage, type GridRow } from "@/lib/grid/sql";
import type { GridDefinition } from "@/lib/grid/types";
import { createMagentoClient } from "@/lib/magento/client";
import { parseReportFilters } from "@/lib/periods/filters";
import { loadTopAccounts } from "@/lib/reports/dashboard/queries";
import { reportAccountsGrid } from "@/lib/reports/grids/accounts";
import { loadAccountsReport } from "@/lib/reports/loaders/accounts";
import { countSegment, createSegment } from "@/lib/segments/segments";
import { refreshAccountFigures } from "@/lib/sync/rules/account-figures";
import { runChannelSync } from "@/lib/sync/runner";
import { ForbiddenError } from "@/lib/auth/session";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { sessionUserOf } from "@/tests/helpers/session-user";

// Customers › Accounts, the accounts in global search's neighbour (the grid's own search), the
// by-account view of Customers by Lifetime Value and the dashboard's top accounts, on two synced
// simulated stores: what a user sees equals SQL over the accounts' customers' orders.

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));

let simA: RunningSimulator;
let simB: RunningSimulator;
let test: TestDatabase;
let db: Db;
let channelA: number;
let channelB: number;
let ownerId: number;
let mergedAway: number;
let mergedInto: number;
const viewer = sessionUserOf("viewer");

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

async function page(definition: GridDefinition, params: SearchParams) {
  const { state, notices } = parseGridState(definition, params);
  expect(notices).toEqual([]);
  return loadGridPage(db, definition, state, "UTC");
}

const idsOf = (list: GridRow[]) => list.map((r) => Number(r.id));

function register(sim: RunningSimulator, email: string, extra: Record<string, unknown> = {}) {
  const customer = sim.store.createAccount(
    { email, firstname: "Pat", lastname: "Doe", website_id: 1, ...extra },
    { websiteId: 1, storeId: 1, storeName: "Default Store View" },
  );
  const minuteAgo = new Date(Date.now() - 60_000).toISOString().slice(0, 19).replace("T", " ");
  customer.created_at = minuteAgo;
  customer.updated_at = minuteAgo;
  sim.store.changed();
}

const company = (name: string) => ({
  firstname: "Pat",
  lastname: "Doe",
  company: name,
  street: ["1 Main Street"],
  city: "Springfield",
  postcode: "62701",
  country_id: "US",
  region_id: 23,
  telephone: "555-0100",
  default_billing: true,
  default_shipping: true,
});

async function sync(channelId: number, sim: RunningSimulator) {
  const client = createMagentoClient({ baseUrl: sim.baseUrl, auth: { type: "bearer", token: sim.adminToken }, requestsPerSecond: null });
  const run = await runChannelSync({ db, channelId, mode: "initial", trigger: "cli", client, pageSize: 50 });
  expect(run.status).toBe("succeeded");
}

/** Per account (not merged away): its figures from the orders of its customers, as the issue defines them. */
const FROM_ORDERS = sql`
  SELECT a.id::int AS id, a.type, coalesce(o.ltv, 0)::numeric(20, 4)::text AS ltv, coalesce(o.n, 0)::int AS orders, o.last_at
  FROM accounts a
  LEFT JOIN LATERAL (
    SELECT sum((o.base_subtotal + coalesce(o.base_discount_amount, 0)) * o.base_to_global_rate) AS ltv, count(*) AS n,
      max(o.remote_created_at) AS last_at
    FROM magento_orders o JOIN magento_customers c ON c.id = o.customer_id
    WHERE c.account_id = a.id AND o.state <> 'canceled' AND o.removed_at IS NULL
  ) o ON true
  WHERE a.merged_into_id IS NULL`;

type FromOrders = { id: number; type: string; ltv: string; orders: number; last_at: Date | string | null };

beforeAll(async () => {
  simA = await startMagentoSimulator({ port: 0, seed: 2211, customers: 50, orders: 160 });
  simB = await startMagentoSimulator({ port: 0, seed: 2212, customers: 30, orders: 90 });
  test = await createTestDatabase();
  db = test.db;
  const [a] = await db.insert(channels).values({ name: "Store A", baseUrl: simA.baseUrl }).returning();
  const [b] = await db.insert(channels).values({ name: "Store B", baseUrl: simB.baseUrl }).returning();
  channelA = a!.id;
  channelB = b!.id;
  register(simA, "pat.doe@example.com");
  register(simB, "pat.doe@example.com");
  for (const email of ["ann@initech.example", "bob@initech.example"]) register(simA, email, { addresses: [company("Initech GmbH")] });
  await sync(channelA, simA);
  await sync(channelB, simB);

  const [owner] = await db
    .insert(users)
    .values({ email: "owner@example.com", name: "Olga Owner", role: "agent", passwordHash: "x" })
    .returning();
  ownerId = owner!.id;
  // Staff merged one buyer's account into another's (lib/accounts does it; here by hand): the
  // customers move, the account stays, merged away.
  const buyers = await rows<{ id: number }>(
    sql`SELECT id::int AS id FROM accounts WHERE type = 'person' AND orders_count > 0 ORDER BY lifetime_value DESC, id LIMIT 2`,
  );
  mergedInto = buyers[0]!.id;
  mergedAway = buyers[1]!.id;
  await db.execute(sql`UPDATE magento_customers SET account_id = ${mergedInto} WHERE account_id = ${mergedAway}`);
  await db.execute(sql`UPDATE accounts SET merged_into_id = ${mergedInto}, merged_at = now() WHERE id = ${mergedAway}`);
  await db.execute(sql`UPDATE accounts SET owner_user_id = ${ownerId} WHERE id = ${mergedInto}`);
  await refreshAccountFigures(db, "all");
}, 180_000);

afterAll(async () => {
  await simA?.close();
  await simB?.close();
  await test?.drop();
});

describe("Customers › Accounts", () => {
  it("lists every account but those merged away, latest buyers first", async () => {
    const expected = await rows<{ id: number }>(
      sql`SELECT id::int AS id FROM accounts WHERE merged_into_id IS NULL ORDER BY last_order_at DESC NULLS LAST, id DESC LIMIT 200`,
    );
    const view = await page(accountsGrid, { size: "200" });
    expect(view.total).toBe(expected.length);
    expect(idsOf(view.rows)).toEqual(expected.map((r) => r.id));
    expect(idsOf(view.rows)).not.toContain(mergedAway);
  });

  it("shows each account's figures equal to SQL over its customers' orders, sorted by lifetime value", async () => {
    const expected = await rows<FromOrders>(sql`SELECT * FROM (${FROM_ORDERS}) f ORDER BY f.ltv::numeric DESC, f.id DESC`);
    const view = await page(accountsGrid, { size: "200", sort: "-lifetime_value" });
    expect(view.rows.map((r) => [Number(r.id), String(r.values.lifetime_value), Number(r.values.orders_count)])).toEqual(
      expected.map((r) => [r.id, r.ltv, r.orders]),
    );
    // The account merged into holds both buyers' orders now.
    const into = view.rows.find((r) => Number(r.id) === mergedInto)!;
    expect(into.values.owner).toBe("Olga Owner");
    expect(Number(into.values.customers_count)).toBeGreaterThanOrEqual(2);
  });

  it("filters by type, lifetime value range, last order range, segment and owner", async () => {
    const all = await rows<FromOrders & { segment: string | null }>(
      sql`SELECT f.*, a.rfm_segment AS segment FROM (${FROM_ORDERS}) f JOIN accounts a ON a.id = f.id`,
    );
    const companies = await page(accountsGrid, { size: "200", f_type: "company" });
    expect(idsOf(companies.rows).sort()).toEqual(
      all
        .filter((r) => r.type === "company")
        .map((r) => r.id)
        .sort(),
    );
    expect(companies.rows.length).toBeGreaterThan(0);

    const rich = await page(accountsGrid, { size: "200", f_lifetime_value: "500.." });
    expect(idsOf(rich.rows).sort()).toEqual(
      all
        .filter((r) => Number(r.ltv) >= 500)
        .map((r) => r.id)
        .sort(),
    );

    const day = (value: Date | string) => new Date(value).toISOString().slice(0, 10);
    const lastDays = all.filter((r) => r.last_at !== null).map((r) => day(r.last_at!));
    const from = [...lastDays].sort()[Math.floor(lastDays.length / 2)]!;
    const recent = await page(accountsGrid, { size: "200", f_last_order_at: `${from}..` });
    expect(idsOf(recent.rows).sort()).toEqual(
      all
        .filter((r) => r.last_at !== null && day(r.last_at) >= from)
        .map((r) => r.id)
        .sort(),
    );

    const segment = all.find((r) => r.segment)!.segment!;
    const inSegment = await page(accountsGrid, { size: "200", f_rfm_segment: segment });
    expect(idsOf(inSegment.rows).sort()).toEqual(
      all
        .filter((r) => r.segment === segment)
        .map((r) => r.id)
        .sort(),
    );

    const owned = await page(accountsGrid, { f_owner: "Olga Owner" });
    expect(idsOf(owned.rows)).toEqual([mergedInto]);
  });

  it("searches by the beginning of the name or of any email, a merged-away account's emails finding its target", async () => {
    const initech = await page(accountsGrid, { q: "initech" });
    expect(initech.rows.map((r) => r.values.name)).toEqual(["Initech GmbH"]);
    expect((await page(accountsGrid, { q: "bob@initech" })).rows.map((r) => r.values.name)).toEqual(["Initech GmbH"]);
    const [email] = await rows<{ email: string }>(sql`SELECT email FROM account_emails WHERE account_id = ${mergedAway} LIMIT 1`);
    expect(idsOf((await page(accountsGrid, { q: email!.email })).rows)).toEqual([mergedInto]);
  });

  it("filters by channel: the accounts with a customer there, the same buyer in both stores included", async () => {
    const [pat] = await rows<{ id: number }>(sql`SELECT account_id::int AS id FROM account_emails WHERE email = 'pat.doe@example.com'`);
    const expected = await rows<{ id: number }>(sql`
      SELECT DISTINCT account_id::int AS id FROM magento_customers c JOIN accounts a ON a.id = c.account_id
      WHERE c.channel_id = ${channelB} AND c.removed_at IS NULL AND a.merged_into_id IS NULL`);
    const inB = await page(accountsGrid, { size: "200", channel: String(channelB) });
    expect(idsOf(inB.rows).sort()).toEqual(expected.map((r) => r.id).sort());
    expect(idsOf(inB.rows)).toContain(pat!.id);
    expect(idsOf((await page(accountsGrid, { size: "200", channel: String(channelA) })).rows)).toContain(pat!.id);
    const patRow = inB.rows.find((r) => Number(r.id) === pat!.id)!;
    expect(patRow.values.channels).toBe("Store A, Store B");
  });

  it("links each row to its account page and refuses nobody signed in", async () => {
    const view = await loadGridView(viewer, accountsGrid, { f_type: "company" }, { db });
    expect(view.rows[0]!.href).toMatch(/^\/customers\/accounts\/\d+\?back=/);
    await expect(loadGridView(null, accountsGrid, {}, { db })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("saves a segment of accounts and counts it live", async () => {
    const [owner] = await rows<{ id: number }>(sql`SELECT id::int AS id FROM users WHERE email = 'owner@example.com'`);
    const agent = { ...sessionUserOf("agent", owner!.id) };
    const saved = await createSegment(db, agent, {
      name: "Companies",
      entity: "accounts",
      query: "/customers/accounts?f_type=company",
      shared: false,
    });
    expect(saved.ok).toBe(true);
    const companies = await rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM accounts WHERE type = 'company' AND merged_into_id IS NULL`,
    );
    expect(await countSegment(db, agent, { entity: "accounts", filters: { f_type: "company" } })).toEqual({
      count: companies[0]!.n,
      capped: false,
    });
  });
});

describe("Customers by Lifetime Value, by account", () => {
  it("lists the accounts with orders by lifetime value, equal to SQL over their customers' orders", async () => {
    const expected = await rows<FromOrders>(
      sql`SELECT * FROM (${FROM_ORDERS}) f WHERE f.orders > 0 ORDER BY f.ltv::numeric DESC, f.id DESC`,
    );
    const view = await page(reportAccountsGrid, { size: "200" });
    expect(view.total).toBe(expected.length);
    expect(view.rows.map((r) => [Number(r.id), String(r.values.lifetime_value), Number(r.values.orders_count)])).toEqual(
      expected.map((r) => [r.id, r.ltv, r.orders]),
    );
    expect(idsOf(view.rows)).not.toContain(mergedAway);
  });

  it("keeps the accounts with a customer in the channel, with their whole figures", async () => {
    const expected = await rows<FromOrders>(sql`
      SELECT f.* FROM (${FROM_ORDERS}) f WHERE f.orders > 0
        AND EXISTS (SELECT 1 FROM magento_customers c WHERE c.account_id = f.id AND c.channel_id = ${channelB})
      ORDER BY f.ltv::numeric DESC, f.id DESC`);
    const view = await page(reportAccountsGrid, { size: "200", channel: String(channelB) });
    expect(view.rows.map((r) => [Number(r.id), String(r.values.lifetime_value)])).toEqual(expected.map((r) => [r.id, r.ltv]));
  });

  it("keeps the accounts with a customer on the website", async () => {
    const [website] = await rows<{ id: number }>(sql`
      SELECT c.website_id::int AS id FROM magento_customers c WHERE c.website_id IS NOT NULL
      GROUP BY c.website_id ORDER BY count(*) ASC, c.website_id LIMIT 1`);
    const expected = await rows<FromOrders>(sql`
      SELECT f.* FROM (${FROM_ORDERS}) f WHERE f.orders > 0
        AND EXISTS (SELECT 1 FROM magento_customers c WHERE c.account_id = f.id AND c.website_id = ${website!.id})
      ORDER BY f.ltv::numeric DESC, f.id DESC`);
    const all = await page(reportAccountsGrid, { size: "200" });
    const view = await page(reportAccountsGrid, { size: "200", website: String(website!.id) });
    expect(view.rows.length).toBeLessThan(all.rows.length);
    expect(idsOf(view.rows)).toEqual(expected.map((r) => r.id));
  });

  it("counts the accounts per segment, every account with orders in one", async () => {
    const report = await loadAccountsReport(viewer, parseReportFilters({}), db);
    const [buyers] = await rows<{ n: number; ltv: string }>(
      sql`SELECT count(*)::int AS n, sum(ltv::numeric)::text AS ltv FROM (${FROM_ORDERS}) f WHERE f.orders > 0`,
    );
    expect(report.segments.reduce((n, s) => n + s.customers, 0) + report.unscored).toBe(buyers!.n);
    expect(report.unscored).toBe(0);
    const total = report.segments.reduce((sum, s) => sum + Math.round(Number(s.monetary) * 10_000), 0);
    expect(total).toBe(Math.round(Number(buyers!.ltv) * 10_000));
  });

  it("the dashboard's top accounts are the ten with the highest lifetime value from their orders", async () => {
    const expected = await rows<FromOrders>(
      sql`SELECT * FROM (${FROM_ORDERS}) f WHERE f.ltv::numeric > 0 ORDER BY f.ltv::numeric DESC, f.id DESC LIMIT 10`,
    );
    const top = await loadTopAccounts(viewer, parseReportFilters({}), 10, db);
    expect(top.map((t) => [t.id, t.lifetimeValue, t.orders])).toEqual(expected.map((r) => [r.id, r.ltv, r.orders]));
    const inB = await loadTopAccounts(viewer, parseReportFilters({ channel: String(channelB) }), 10, db);
    const [patB] = await rows<{ id: number }>(sql`SELECT account_id::int AS id FROM account_emails WHERE email = 'pat.doe@example.com'`);
    for (const t of inB) {
      const [there] = await rows<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM magento_customers WHERE account_id = ${t.id} AND channel_id = ${channelB}`,
      );
      expect(there!.n, String(t.id)).toBeGreaterThan(0);
    }
    expect(patB).toBeDefined();
    await expect(loadTopAccounts(null, parseReportFilters({}), 10, db)).rejects.toBeInstanceOf(ForbiddenError);
  });
});
