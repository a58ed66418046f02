import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/client";
import { channels, users } from "@/db/schema";
import { rowsOf } from "@/db/rows";
import { loadAccountActivity } from "@/lib/accounts/activity";
import { listAccountOwners, loadAccountDetail, type AccountDetail } from "@/lib/accounts/detail";
import { setAccountOwner } from "@/lib/accounts/owner";
import { ForbiddenError } from "@/lib/auth/session";
import { loadGridView } from "@/lib/browse/grid-view";
import { loadCreditMemoDetail } from "@/lib/credit-memos/detail";
import { loadCustomerDetail } from "@/lib/customers/detail";
import { creditMemosGrid } from "@/lib/credit-memos/grid";
import { createMagentoClient } from "@/lib/magento/client";
import { loadOrderDetail } from "@/lib/orders/detail";
import { ordersGrid } from "@/lib/orders/grid";
import { runChannelSync } from "@/lib/sync/runner";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { sessionUserOf } from "@/tests/helpers/session-user";

// The account page (issue 22): its figures are the account's customers' orders and credit memos
// added up by the lifetime-value rule, whichever channel and website they bought through; only
// signed-in users with view_sales read it, and only managers and admins give it an owner.

// The loaders import the session module, which pulls in next-auth: no request here, so stub it.
vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));

const EMAIL = "pat.account@example.com";

let simA: RunningSimulator;
let simB: RunningSimulator;
let test: TestDatabase;
let db: Db;
let accountId: number;
let managerId: number;
let agentId: number;
const viewer = sessionUserOf("viewer");

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString().slice(0, 19).replace("T", " ");

function register(sim: RunningSimulator, websiteId: 1 | 2) {
  const view =
    websiteId === 2
      ? { websiteId: 2, storeId: 3, storeName: "German Store View" }
      : { websiteId: 1, storeId: 1, storeName: "Default Store View" };
  const customer = sim.store.createAccount({ email: EMAIL, firstname: "Pat", lastname: "Account", website_id: websiteId }, view);
  customer.created_at = minutesAgo(90);
  customer.updated_at = minutesAgo(90);
  sim.store.changed();
  return { customer, storeId: view.storeId };
}

/** Orders for a customer: one refunded in part, one canceled (left out of the figures), the rest as placed. */
function ordersFor(sim: RunningSimulator, customerId: number, storeId: number, count: number, { refund = false, cancel = false } = {}) {
  for (let i = 0; i < count; i++) {
    const placed = sim.control.placeOrder({ storeId, customerId, createdAt: minutesAgo(80 - i) });
    const order = sim.store.getOrder(placed.orderId);
    // Changed a while ago: a record stamped in the very second a sync starts is left to the next sync.
    order.updatedAt = minutesAgo(70);
    const at = Math.floor(Date.now() / 1000) - 600;
    if (refund && i === 0) {
      sim.store.invoice(order, at);
      sim.store.refund(order, at, [{ item: order.items[0]!, qty: 1 }]);
    }
    if (cancel && i === 1) sim.store.cancel(order, at);
  }
  sim.store.changed();
}

async function sync(channelId: number, sim: RunningSimulator) {
  const client = createMagentoClient({ baseUrl: sim.baseUrl, auth: { type: "bearer", token: sim.adminToken }, requestsPerSecond: null });
  const run = await runChannelSync({ db, channelId, mode: "initial", trigger: "cli", client, pageSize: 100 });
  expect(run.status).toBe("succeeded");
}

async function accountPage(): Promise<AccountDetail> {
  const detail = await loadAccountDetail(db, viewer, accountId);
  if (detail?.kind !== "account") throw new Error(`account ${accountId} did not load`);
  return detail;
}

beforeAll(async () => {
  simA = await startMagentoSimulator({ port: 0, seed: 2211, customers: 30, orders: 60 });
  simB = await startMagentoSimulator({ port: 0, seed: 2212, customers: 20, orders: 40 });
  test = await createTestDatabase();
  db = test.db;
  const [a] = await db.insert(channels).values({ name: "Store A", baseUrl: simA.baseUrl }).returning();
  const [b] = await db.insert(channels).values({ name: "Store B", baseUrl: simB.baseUrl }).returning();
  const [manager] = await db
    .insert(users)
    .values({ email: "owner.manager@example.com", name: "Mona Manager", role: "manager", passwordHash: "x" })
    .returning();
  const [agent] = await db
    .insert(users)
    .values({ email: "owner.agent@example.com", name: "Andy Agent", role: "agent", passwordHash: "x" })
    .returning();
  await db.insert(users).values({ email: "gone@example.com", name: "Gone User", role: "agent", passwordHash: "x", active: false });
  managerId = manager!.id;
  agentId = agent!.id;

  // One buyer, one email: both websites of store A (the German one in euros) and store B.
  const a1 = register(simA, 1);
  const a2 = register(simA, 2);
  const b1 = register(simB, 1);
  ordersFor(simA, a1.customer.id, a1.storeId, 3, { refund: true, cancel: true });
  ordersFor(simA, a2.customer.id, a2.storeId, 2, { refund: true });
  ordersFor(simB, b1.customer.id, b1.storeId, 2);

  await sync(a!.id, simA);
  await sync(b!.id, simB);
  const [found] = await rows<{ id: number }>(sql`
    SELECT DISTINCT account_id::int AS id FROM magento_customers WHERE lower(email) = ${EMAIL}`);
  accountId = found!.id;
}, 120_000);

afterAll(async () => {
  await simA?.close();
  await simB?.close();
  await test?.drop();
});

describe("the account page", () => {
  it("lists the account's customers in both channels and both websites", async () => {
    const detail = await accountPage();
    expect(detail.account.type).toBe("person");
    const places = detail.customers.map((c) => `${c.channelName} / ${c.websiteName}`).sort();
    expect(places).toEqual(["Store A / Europe Website", "Store A / Main Website", "Store B / Main Website"]);
    expect(detail.customers.every((c) => c.email.toLowerCase() === EMAIL && !c.isGuest)).toBe(true);
  });

  it("adds up figures equal to independent SQL over the customers' orders and credit memos", async () => {
    const { figures } = await accountPage();
    const [orders] = await rows<{ value: string; n: number; first: Date; last: Date }>(sql`
      SELECT round(sum((o.base_subtotal + coalesce(o.base_discount_amount, 0)) * o.base_to_global_rate), 4)::text AS value,
             count(*)::int AS n, min(o.remote_created_at) AS first, max(o.remote_created_at) AS last
      FROM magento_orders o JOIN magento_customers c ON c.id = o.customer_id
      WHERE lower(c.email) = ${EMAIL} AND o.state <> 'canceled' AND o.removed_at IS NULL`);
    const [memos] = await rows<{ value: string; n: number }>(sql`
      SELECT round(sum(m.base_grand_total * m.base_to_global_rate), 4)::text AS value, count(*)::int AS n
      FROM magento_credit_memos m JOIN magento_customers c ON c.id = m.customer_id
      WHERE lower(c.email) = ${EMAIL} AND m.removed_at IS NULL`);
    // Three channels' worth of orders, one canceled and left out; two refunds, one in euros.
    expect(orders!.n).toBe(6);
    expect(memos!.n).toBe(2);
    expect(figures.orderCount).toBe(orders!.n);
    expect(figures.value).toBe(orders!.value);
    expect(figures.refundsCount).toBe(memos!.n);
    expect(figures.refundsValue).toBe(memos!.value);
    expect(figures.firstOrderAt?.getTime()).toBe(new Date(orders!.first).getTime());
    expect(figures.lastOrderAt?.getTime()).toBe(new Date(orders!.last).getTime());
    const [average] = await rows<{ v: string }>(sql`SELECT round(${orders!.value}::numeric / ${orders!.n}, 4)::text AS v`);
    expect(figures.averageOrderValue).toBe(average!.v);
    expect(figures.currency).toBe("USD");
    expect(figures.mixedCurrencies).toBe(false);
    // The stored figures the sync refreshed agree with the live ones.
    const [stored] = await rows<{ ltv: string; orders: number; refunds: string }>(sql`
      SELECT lifetime_value::text AS ltv, orders_count AS orders, refunds_total::text AS refunds FROM accounts WHERE id = ${accountId}`);
    expect(Number(stored!.ltv)).toBe(Number(figures.value));
    expect(stored!.orders).toBe(figures.orderCount);
  });

  it("shows the stored RFM segment by its label", async () => {
    const detail = await accountPage();
    const [stored] = await rows<{ segment: string | null }>(sql`SELECT rfm_segment AS segment FROM accounts WHERE id = ${accountId}`);
    expect(stored!.segment).not.toBeNull();
    expect(detail.rfm?.segment).toBe(stored!.segment);
    expect(detail.rfm?.label).toMatch(/^[A-Z]/);
    expect(detail.rfm?.label).not.toBe(stored!.segment);
  });

  it("scopes the Orders and Credit memos tabs to every customer of the account", async () => {
    const scope = { value: accountId, label: "Pat", in: "account" as const };
    const orders = await loadGridView(viewer, ordersGrid, {}, { db, scope: { ...scope, sql: "o.customer_id" } });
    // Every order of the account, the canceled one too (the grid lists what Magento has).
    expect(orders.total).toBe(7);
    expect(new Set(orders.rows.map((r) => String(r.cells.email?.text ?? "").toLowerCase()))).toEqual(new Set([EMAIL]));
    const memos = await loadGridView(viewer, creditMemosGrid, {}, { db, scope: { ...scope, sql: "m.customer_id" } });
    expect(memos.total).toBe(2);
  });

  it("links a credit memo, an order and a customer to the account", async () => {
    const [memo] = await rows<{ id: number; order_id: number; customer_id: number }>(sql`
      SELECT m.id::int, m.order_id::int, m.customer_id::int FROM magento_credit_memos m
      JOIN magento_customers c ON c.id = m.customer_id WHERE lower(c.email) = ${EMAIL} LIMIT 1`);
    const name = (await accountPage()).account.name;
    expect((await loadCreditMemoDetail(db, viewer, memo!.id))?.customer?.account).toEqual({ id: accountId, name });
    expect((await loadOrderDetail(db, viewer, memo!.order_id))?.customer?.account).toEqual({ id: accountId, name });
    expect((await loadCustomerDetail(db, viewer, memo!.customer_id))?.account).toEqual({ id: accountId, name });
  });

  it("gives an unknown id nothing to show (404)", async () => {
    expect(await loadAccountDetail(db, viewer, 987_654_321)).toBeNull();
  });

  it("sends a merged-away account's reader to the account it was merged into", async () => {
    const [other] = await rows<{ id: number }>(sql`
      INSERT INTO accounts (name, type, merged_into_id, merged_at) VALUES ('Old Pat', 'person', ${accountId}, now()) RETURNING id::int`);
    const detail = await loadAccountDetail(db, viewer, other!.id);
    expect(detail).toMatchObject({ kind: "merged", into: { id: accountId } });
  });

  it("refuses nobody signed in", async () => {
    await expect(loadAccountDetail(db, null, accountId)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(loadAccountActivity(db, null, accountId)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(setAccountOwner(db, null, accountId, managerId)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("lets every role with view_sales read it", async () => {
    for (const role of ["admin", "manager", "agent", "viewer"] as const) {
      expect((await loadAccountDetail(db, sessionUserOf(role), accountId))?.kind).toBe("account");
    }
  });

  it("refuses an owner change and the owner list to agents and viewers", async () => {
    for (const role of ["agent", "viewer"] as const) {
      await expect(setAccountOwner(db, sessionUserOf(role, agentId), accountId, agentId)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(listAccountOwners(db, sessionUserOf(role))).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect((await accountPage()).owner).toBeNull();
  });

  it("sets the owner for a manager, audited old → new, and shows it in the activity", async () => {
    const manager = { ...sessionUserOf("manager", managerId), email: "owner.manager@example.com" };
    const owners = await listAccountOwners(db, manager);
    expect(owners.map((o) => o.name)).toEqual(["Andy Agent", "Mona Manager"]);
    expect(await setAccountOwner(db, manager, accountId, agentId, "127.0.0.1")).toEqual({
      ok: true,
      changed: true,
      ownerName: "Andy Agent",
    });
    expect(await setAccountOwner(db, manager, accountId, managerId)).toMatchObject({ ok: true, changed: true });
    expect((await accountPage()).owner).toMatchObject({ id: managerId, name: "Mona Manager" });
    const audit = await rows<{ actor: string; details: { owner: { from: string | null; to: string | null } } }>(sql`
      SELECT actor, details FROM audit_log WHERE action = 'account.owner' AND entity_id = ${String(accountId)} ORDER BY id`);
    expect(audit.map((a) => a.details.owner)).toEqual([
      { from: null, to: "Andy Agent" },
      { from: "Andy Agent", to: "Mona Manager" },
    ]);
    expect(audit[0]!.actor).toBe("owner.manager@example.com");
    const activity = await loadAccountActivity(db, viewer, accountId);
    expect(activity.events[0]).toMatchObject({ title: "Account owner changed", actor: "owner.manager@example.com" });
    expect(activity.events[0]!.detail).toContain("owner: Andy Agent → Mona Manager");
  });

  it("lists follow-ups on its carts and edits sent to Magento in the activity, newest first, a page at a time", async () => {
    const [cart] = await rows<{ id: number; origin_id: string; customer_id: number; channel_id: number }>(sql`
      SELECT ct.id::int, ct.origin_id::text, ct.customer_id::int, ct.channel_id::int FROM magento_carts ct
      JOIN magento_customers c ON c.id = ct.customer_id WHERE c.account_id = ${accountId} ORDER BY ct.id LIMIT 1`);
    expect(cart, "a cart of the account's customers").toBeDefined();
    await db.execute(sql`
      INSERT INTO cart_events (cart_id, at, actor, kind, outcome) VALUES (${cart!.id}, now() + interval '1 minute', 'Andy Agent', 'contact_call', 'Will buy next week')`);
    await db.execute(sql`
      INSERT INTO outbox (channel_id, kind, idempotency_key, entity_type, entity_id, status, created_at, completed_at)
      VALUES (${cart!.channel_id}, 'customer.update', 'account-page-test', 'customer', ${cart!.customer_id}, 'done', now(), now() + interval '2 minutes')`);
    const { events, hasMore } = await loadAccountActivity(db, viewer, accountId);
    expect(events.slice(0, 2)).toMatchObject([
      { title: "Profile change sent to Magento", detail: "saved in Magento", href: `/customers/${cart!.customer_id}` },
      {
        title: `Call logged: cart ${cart!.origin_id}`,
        detail: "Will buy next week",
        actor: "Andy Agent",
        href: `/sales/carts/${cart!.id}`,
      },
    ]);
    expect(hasMore).toBe(false);
    expect((await loadAccountActivity(db, viewer, accountId, 2)).events).toEqual([]);
  });

  it("refuses an inactive user as the owner", async () => {
    const [gone] = await rows<{ id: number }>(sql`SELECT id::int FROM users WHERE email = 'gone@example.com'`);
    expect(await setAccountOwner(db, sessionUserOf("admin", managerId), accountId, gone!.id)).toEqual({
      ok: false,
      error: "Choose an active user as the owner.",
    });
  });
});
