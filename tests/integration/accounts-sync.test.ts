import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { channels } from "@/db/schema";
import { rowsOf } from "@/db/rows";
import { createMagentoClient } from "@/lib/magento/client";
import { runChannelSync } from "@/lib/sync/runner";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// Accounts assigned by the sync (lib/sync/rules/accounts.ts): one buyer, one account, whichever
// website, channel or guest checkout they bought through; a company's people together.

let simA: RunningSimulator;
let simB: RunningSimulator;
let test: TestDatabase;
let db: Db;
let channelA: number;
let channelB: number;

const address = (company?: string) => ({
  firstname: "Pat",
  lastname: "Doe",
  ...(company ? { company } : {}),
  street: ["1 Main Street"],
  city: "Springfield",
  postcode: "62701",
  country_id: "US",
  region_id: 23,
  telephone: "555-0100",
  default_billing: true,
  default_shipping: true,
});

function register(sim: RunningSimulator, email: string, websiteId: number, extra: Record<string, unknown> = {}, stampedAgo = 60_000) {
  const view =
    websiteId === 2
      ? { websiteId: 2, storeId: 3, storeName: "German Store View" }
      : { websiteId: 1, storeId: 1, storeName: "Default Store View" };
  const customer = sim.store.createAccount({ email, firstname: "Pat", lastname: "Doe", website_id: websiteId, ...extra }, view);
  // A minute ago: a record stamped in the very second a sync starts is left to the next sync.
  const minuteAgo = new Date(Date.now() - stampedAgo).toISOString().slice(0, 19).replace("T", " ");
  customer.created_at = minuteAgo;
  customer.updated_at = minuteAgo;
  sim.store.changed();
  return customer;
}

async function sync(channelId: number, sim: RunningSimulator, mode: "initial" | "incremental" | "full" = "incremental") {
  const client = createMagentoClient({ baseUrl: sim.baseUrl, auth: { type: "bearer", token: sim.adminToken }, requestsPerSecond: null });
  const run = await runChannelSync({ db, channelId, mode, trigger: "cli", client, pageSize: 50 });
  expect(run.status).toBe("succeeded");
  const errors = await rows<{ message: string }>(sql`SELECT message FROM sync_errors WHERE run_id = ${run.id} LIMIT 3`);
  expect(errors).toEqual([]);
  return run;
}

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

type AccountOf = { account_id: string | null; channel_id: string; is_guest: boolean; website_origin_id: string | null };
const accountsOfEmail = (email: string) =>
  rows<AccountOf>(sql`
    SELECT account_id::text, channel_id::text, is_guest, website_origin_id::text FROM magento_customers
    WHERE lower(email) = ${email.toLowerCase()} ORDER BY id`);

beforeAll(async () => {
  simA = await startMagentoSimulator({ port: 0, seed: 2201, customers: 60, orders: 150 });
  simB = await startMagentoSimulator({ port: 0, seed: 2202, customers: 40, orders: 80 });
  test = await createTestDatabase();
  db = test.db;
  const [a] = await db.insert(channels).values({ name: "Store A", baseUrl: simA.baseUrl }).returning();
  // Channel B keeps one account per person, company or not.
  const [b] = await db.insert(channels).values({ name: "Store B", baseUrl: simB.baseUrl, groupByCompany: false }).returning();
  channelA = a!.id;
  channelB = b!.id;

  // The same buyer on both websites of store A and in store B.
  register(simA, "pat.doe@example.com", 1);
  register(simA, "Pat.Doe@example.com", 2);
  register(simB, "pat.doe@example.com", 1);
  // Three people of one company in store A (company on their default billing address), and one in B.
  for (const [i, email] of ["ann@initech.example", "bob@initech.example", "cy@initech.example"].entries()) {
    register(simA, email, 1, { firstname: ["Ann", "Bob", "Cy"][i], addresses: [address(i === 1 ? "  Initech  GmbH " : "Initech GmbH")] });
  }
  register(simB, "dee@initech.example", 1, { addresses: [address("Initech GmbH")] });
  // A B2B store's company, by Magento's company id.
  const b2b = register(simA, "eve@b2b.example", 1, { addresses: [address("Umbrella Retail")] });
  b2b.extension_attributes = { ...b2b.extension_attributes, company_attributes: { company_id: 77, customer_id: b2b.id, status: 1 } };
  const b2bColleague = register(simA, "fay@b2b.example", 1);
  b2bColleague.extension_attributes = { ...b2bColleague.extension_attributes, company_attributes: { company_id: "77", status: 1 } };
  simA.store.changed();

  await sync(channelA, simA, "initial");
  await sync(channelB, simB, "initial");
}, 120_000);

afterAll(async () => {
  await simA?.close();
  await simB?.close();
  await test?.drop();
});

describe("accounts assigned by the sync", () => {
  it("gives every customer row, registered or guest, exactly one account", async () => {
    const [unassigned] = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM magento_customers WHERE account_id IS NULL`);
    expect(unassigned!.n).toBe(0);
    const [guests] = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM magento_customers WHERE is_guest`);
    expect(guests!.n).toBeGreaterThan(0);
    // No empty account left behind by the assignment.
    const [empty] = await rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM magento_customers c WHERE c.account_id = a.id)`,
    );
    expect(empty!.n).toBe(0);
  });

  it("puts the same email on two websites and in two channels in one personal account", async () => {
    const found = await accountsOfEmail("pat.doe@example.com");
    expect(found).toHaveLength(3);
    expect(new Set(found.map((r) => r.channel_id))).toEqual(new Set([String(channelA), String(channelB)]));
    expect(new Set(found.map((r) => r.website_origin_id))).toEqual(new Set(["1", "2"]));
    expect(new Set(found.map((r) => r.account_id)).size).toBe(1);
    const [account] = await rows<{ name: string; type: string }>(sql`SELECT name, type FROM accounts WHERE id = ${found[0]!.account_id}`);
    expect(account).toEqual({ name: "Pat Doe", type: "person" });
  });

  it("gathers a company's people in one company account per channel, when the channel groups by company", async () => {
    const members = await rows<{ email: string; account_id: string; name: string; type: string; channel_id: string | null }>(sql`
      SELECT c.email, c.account_id::text, a.name, a.type, a.channel_id::text FROM magento_customers c JOIN accounts a ON a.id = c.account_id
      WHERE c.email LIKE '%@initech.example' ORDER BY c.email`);
    const inA = members.filter((m) => m.email !== "dee@initech.example");
    expect(inA).toHaveLength(3);
    expect(new Set(inA.map((m) => m.account_id)).size).toBe(1);
    expect(inA[0]).toMatchObject({ name: "Initech GmbH", type: "company", channel_id: String(channelA) });
    // Store B does not group by company: its Initech buyer is a person of their own.
    const dee = members.find((m) => m.email === "dee@initech.example")!;
    expect(dee).toMatchObject({ type: "person", name: "Pat Doe" });
    expect(dee.account_id).not.toBe(inA[0]!.account_id);
  });

  it("groups a B2B store's company by Magento's company id, named after the billing company", async () => {
    const members = await rows<{ account_id: string; name: string; type: string }>(sql`
      SELECT c.account_id::text, a.name, a.type FROM magento_customers c JOIN accounts a ON a.id = c.account_id
      WHERE c.email IN ('eve@b2b.example', 'fay@b2b.example')`);
    expect(members).toHaveLength(2);
    expect(new Set(members.map((m) => m.account_id)).size).toBe(1);
    expect(members[0]).toMatchObject({ name: "Umbrella Retail", type: "company" });
  });

  it("keeps a guest who registers later in the account the guest checkout started", async () => {
    const registered = new Set([...simA.store.customers.values()].map((c) => c.email.toLowerCase()));
    const guestOrder = [...simA.store.orders.values()].find((o) => o.isGuest && !registered.has(o.email.toLowerCase()))!;
    expect(guestOrder).toBeDefined();
    const before = await accountsOfEmail(guestOrder.email);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((r) => r.is_guest)).toBe(true);
    const guestAccount = before[0]!.account_id;

    // Registered now, after the first sync: the incremental sync brings it.
    register(simA, guestOrder.email, 1, { firstname: "Later", lastname: "Registered" }, 0);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await sync(channelA, simA);

    const after = await accountsOfEmail(guestOrder.email);
    expect(after.some((r) => !r.is_guest)).toBe(true);
    expect(new Set(after.map((r) => r.account_id))).toEqual(new Set([guestAccount]));
  });

  it("keeps each account's figures equal to SQL over its customers' orders and credit memos", async () => {
    const mismatches = await rows<{ id: string }>(sql`
      SELECT a.id::text FROM accounts a
      LEFT JOIN LATERAL (
        SELECT coalesce(sum((o.base_subtotal + coalesce(o.base_discount_amount, 0)) * o.base_to_global_rate), 0)::numeric(20, 4) AS ltv,
               count(*)::int AS n, min(o.remote_created_at) AS first_at, max(o.remote_created_at) AS last_at
        FROM magento_orders o JOIN magento_customers c ON c.id = o.customer_id
        WHERE c.account_id = a.id AND o.state <> 'canceled' AND o.removed_at IS NULL
      ) o ON true
      LEFT JOIN LATERAL (
        SELECT coalesce(sum(m.base_grand_total * m.base_to_global_rate), 0)::numeric(20, 4) AS refunds
        FROM magento_credit_memos m JOIN magento_customers c ON c.id = m.customer_id
        WHERE c.account_id = a.id AND m.removed_at IS NULL
      ) m ON true
      WHERE (a.lifetime_value, a.orders_count, a.refunds_total, a.first_order_at, a.last_order_at)
        IS DISTINCT FROM (o.ltv, o.n, m.refunds, o.first_at, o.last_at)`);
    expect(mismatches).toEqual([]);
    const [scored] = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM accounts WHERE rfm_segment IS NOT NULL`);
    const [buyers] = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM accounts WHERE orders_count > 0`);
    expect(scored!.n).toBe(buyers!.n);
    expect(buyers!.n).toBeGreaterThan(10);
  });

  it("assigns rows written before accounts existed at the channel's next sync, even when nothing changed", async () => {
    await db.execute(sql`UPDATE magento_customers SET account_id = NULL WHERE channel_id = ${channelB}`);
    await db.execute(
      sql`DELETE FROM account_emails e WHERE NOT EXISTS (SELECT 1 FROM magento_customers c WHERE c.account_id = e.account_id)`,
    );
    await sync(channelB, simB);
    const [unassigned] = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM magento_customers WHERE account_id IS NULL`);
    expect(unassigned!.n).toBe(0);
    const found = await accountsOfEmail("pat.doe@example.com");
    expect(new Set(found.map((r) => r.account_id)).size).toBe(1);
  });
});

describe("two pages claiming one email at once", () => {
  it("end in one account, with no empty account left behind", async () => {
    const { createGuestCustomers } = await import("@/lib/sync/rules/guests");
    const [channelRowA] = await db
      .select()
      .from(channels)
      .where(sql`id = ${channelA}`);
    const [channelRowB] = await db
      .select()
      .from(channels)
      .where(sql`id = ${channelB}`);
    const email = "race@example.com";
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstWrote!: () => void;
    const firstHasWritten = new Promise<void>((resolve) => (firstWrote = resolve));
    // Page 1 (store A) writes the guest and holds its transaction open; page 2 (store B) starts then,
    // must wait for page 1's claim of the email and then join page 1's account.
    const first = db.transaction(async (tx) => {
      await createGuestCustomers(tx, channelRowA!, [{ email, firstName: "Race", lastName: "One" }]);
      firstWrote();
      await firstMayCommit;
    });
    await firstHasWritten;
    const second = db.transaction((tx) => createGuestCustomers(tx, channelRowB!, [{ email, firstName: "Race", lastName: "Two" }]));
    await new Promise((resolve) => setTimeout(resolve, 200));
    releaseFirst();
    await Promise.all([first, second]);

    const found = await accountsOfEmail(email);
    expect(found).toHaveLength(2);
    expect(new Set(found.map((r) => r.account_id)).size).toBe(1);
    const [empty] = await rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM magento_customers c WHERE c.account_id = a.id)`,
    );
    expect(empty!.n).toBe(0);
  });
});

describe("a deleted channel", () => {
  it("takes its buyers' accounts along when nobody else is in them, and leaves the others' figures without it", async () => {
    const { deleteChannelData } = await import("@/lib/channels/delete");
    const pat = (await accountsOfEmail("pat.doe@example.com"))[0]!.account_id;
    const dee = (await accountsOfEmail("dee@initech.example"))[0]!.account_id;
    await db.execute(sql`UPDATE channels SET deleting_at = now() WHERE id = ${channelB}`);
    await deleteChannelData(db, channelB, { batchSize: 7 });

    const [gone] = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM accounts WHERE id = ${dee}`);
    expect(gone!.n).toBe(0);
    const [claim] = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM account_emails WHERE email = 'dee@initech.example'`);
    expect(claim!.n).toBe(0);
    // Pat's account stays, with store A's two customers and figures over them alone.
    const left = await accountsOfEmail("pat.doe@example.com");
    expect(left.map((r) => r.channel_id)).toEqual([String(channelA), String(channelA)]);
    expect(new Set(left.map((r) => r.account_id))).toEqual(new Set([pat]));
    const [account] = await rows<{ customers_count: number }>(sql`SELECT customers_count FROM accounts WHERE id = ${pat}`);
    expect(account!.customers_count).toBe(2);
    const [empty] = await rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM accounts a WHERE a.merged_into_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM magento_customers c WHERE c.account_id = a.id)`,
    );
    expect(empty!.n).toBe(0);
  });
});

describe("an emptied account while a sync page is joining it", () => {
  it("is kept for the page's customer: the deletion waits for the page instead of leaving it pointing at nothing", async () => {
    const { createGuestCustomers } = await import("@/lib/sync/rules/guests");
    const { preparePageTransaction } = await import("@/lib/sync/runner");
    const { dropEmptiedAccounts } = await import("@/lib/sync/rules/accounts");
    const [channelRowA] = await db
      .select()
      .from(channels)
      .where(sql`id = ${channelA}`);
    const [other] = await db.insert(channels).values({ name: "Store C", baseUrl: "https://c.example.test" }).returning();
    const email = "joining@example.com";
    const [account] = await rows<{ id: string }>(
      sql`INSERT INTO accounts (name, type) VALUES ('Joining Buyer', 'person') RETURNING id::text`,
    );
    await db.execute(sql`INSERT INTO account_emails (email, account_id) VALUES (${email}, ${account!.id})`);
    await db.execute(
      sql`INSERT INTO magento_customers (channel_id, origin_id, email, account_id) VALUES (${other!.id}, 1, ${email}, ${account!.id})`,
    );

    let releasePage!: () => void;
    const pageMayCommit = new Promise<void>((resolve) => (releasePage = resolve));
    let pageWrote!: () => void;
    const pageHasWritten = new Promise<void>((resolve) => (pageWrote = resolve));
    // A page of store A writes a guest checkout with the email (joining the account) and stays open...
    const page = db.transaction(async (tx) => {
      await preparePageTransaction(tx);
      await createGuestCustomers(tx, channelRowA!, [{ email, firstName: "Joining", lastName: "Buyer" }]);
      pageWrote();
      await pageMayCommit;
    });
    await pageHasWritten;
    // ...while store C's only customer of it goes and the emptied accounts are dropped.
    await db.execute(sql`DELETE FROM magento_customers WHERE channel_id = ${other!.id}`);
    let dropped = false;
    const drop = dropEmptiedAccounts(db, [Number(account!.id)]).then((left) => {
      dropped = true;
      return left;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(dropped).toBe(false);
    releasePage();
    await page;
    expect(await drop).toEqual([Number(account!.id)]);

    const joined = await accountsOfEmail(email);
    expect(joined.map((r) => [r.channel_id, r.account_id])).toEqual([[String(channelA), account!.id]]);
    const [exists] = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM accounts WHERE id = ${account!.id}`);
    expect(exists!.n).toBe(1);
  });
});
