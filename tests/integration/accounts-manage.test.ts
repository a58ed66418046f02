import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeDb, type Db } from "@/db/client";
import { channels, users } from "@/db/schema";
import { rowsOf } from "@/db/rows";
import { mergeAccounts, moveCustomer, undoAccountChange } from "@/lib/accounts/manage";
import { loadAccountSummary, searchAccountsToPick } from "@/lib/accounts/pick";
import { ForbiddenError, getSessionUser, type SessionUser } from "@/lib/auth/session";
import { mergeAccountsAction, moveCustomerAction, undoAccountChangeAction } from "@/app/(portal)/customers/accounts/manage-actions";
import { ROLE_PERMISSIONS, type Role } from "@/lib/auth/permissions";
import { createMagentoClient } from "@/lib/magento/client";
import { runChannelSync } from "@/lib/sync/runner";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// The session module reads next-auth's cookie; these tests hand the session user in directly.
vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));
// The server actions read the session user, the request's headers and the database of the process.
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  getSessionUser: vi.fn(),
}));
vi.mock("next/headers", () => ({ headers: vi.fn(async () => new Headers({ "x-forwarded-for": "203.0.113.9" })) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

// Staff merge accounts, move a customer, and undo either from the audit log (lib/accounts/manage.ts);
// the sync never reverts their decisions.

let sim: RunningSimulator;
let test: TestDatabase;
let db: Db;
let channelId: number;
const staff = {} as Record<Role, SessionUser>;

function register(email: string, websiteId: number, extra: Record<string, unknown> = {}, stampedAgo = 60_000) {
  const view =
    websiteId === 2
      ? { websiteId: 2, storeId: 3, storeName: "German Store View" }
      : { websiteId: 1, storeId: 1, storeName: "Default Store View" };
  const customer = sim.store.createAccount({ email, firstname: "Pat", lastname: "Doe", website_id: websiteId, ...extra }, view);
  // A minute ago: a record stamped in the very second a sync starts is left to the next sync.
  const at = new Date(Date.now() - stampedAgo).toISOString().slice(0, 19).replace("T", " ");
  customer.created_at = at;
  customer.updated_at = at;
  sim.store.changed();
  return customer;
}

async function sync(mode: "initial" | "incremental" | "full" = "incremental") {
  const client = createMagentoClient({ baseUrl: sim.baseUrl, auth: { type: "bearer", token: sim.adminToken }, requestsPerSecond: null });
  const run = await runChannelSync({ db, channelId, mode, trigger: "cli", client, pageSize: 50 });
  expect(run.status).toBe("succeeded");
  return run;
}

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

async function accountOf(email: string): Promise<number> {
  const [row] = await rows<{ id: string }>(
    sql`SELECT account_id::text AS id FROM magento_customers WHERE lower(email) = ${email} AND merged_into_id IS NULL ORDER BY id LIMIT 1`,
  );
  return Number(row!.id);
}

/** Every customer row → its account, as one comparable list. */
async function membership(): Promise<string[]> {
  const found = await rows<{ m: string }>(sql`SELECT id || ':' || coalesce(account_id::text, '-') AS m FROM magento_customers ORDER BY id`);
  return found.map((r) => r.m);
}

async function members(accountId: number): Promise<number[]> {
  const found = await rows<{ id: string }>(sql`SELECT id::text FROM magento_customers WHERE account_id = ${accountId} ORDER BY id`);
  return found.map((r) => Number(r.id));
}

async function account(id: number) {
  const [row] = await rows<{
    name: string;
    merged_into_id: string | null;
    merged_at: unknown;
    customers_count: number;
    lifetime_value: string;
  }>(sql`SELECT name, merged_into_id::text, merged_at, customers_count, lifetime_value::text FROM accounts WHERE id = ${id}`);
  return row ?? null;
}

async function emailsOf(accountId: number): Promise<string[]> {
  const found = await rows<{ email: string }>(sql`SELECT email FROM account_emails WHERE account_id = ${accountId} ORDER BY email`);
  return found.map((r) => r.email);
}

/** Accounts whose stored figures differ from SQL over their customers' orders and credit memos. */
async function figureMismatches(): Promise<string[]> {
  const found = await rows<{ id: string }>(sql`
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
    LEFT JOIN LATERAL (
      SELECT count(*) FILTER (WHERE c.merged_into_id IS NULL)::int AS n FROM magento_customers c WHERE c.account_id = a.id
    ) c ON true
    WHERE (a.lifetime_value, a.orders_count, a.refunds_total, a.first_order_at, a.last_order_at, a.customers_count)
      IS DISTINCT FROM (o.ltv, o.n, m.refunds, o.first_at, o.last_at, c.n)`);
  return found.map((r) => r.id);
}

/** An account with orders other than those given, for a merge that changes figures. */
async function buyerAccount(except: number[]): Promise<number> {
  const [row] = await rows<{ id: string }>(sql`
    SELECT id::text FROM accounts WHERE orders_count > 0 AND merged_into_id IS NULL AND type = 'person'
      AND NOT (id = ANY(${`{${except.join(",")}}`}::bigint[])) ORDER BY id LIMIT 1`);
  return Number(row!.id);
}

async function lastAudit(action: string) {
  const [row] = await rows<{ id: string; details: Record<string, unknown>; actor: string }>(
    sql`SELECT a.id::text, a.details, a.actor FROM audit_log a WHERE a.action = ${action} ORDER BY a.id DESC LIMIT 1`,
  );
  return row!;
}

beforeAll(async () => {
  sim = await startMagentoSimulator({ port: 0, seed: 2211, customers: 40, orders: 120 });
  test = await createTestDatabase();
  db = test.db;
  // The actions open the process's database: this test's.
  process.env.DATABASE_URL = test.url;
  const [channel] = await db.insert(channels).values({ name: "Store", baseUrl: sim.baseUrl }).returning();
  channelId = channel!.id;
  for (const role of ["admin", "manager", "agent", "viewer"] as const) {
    const [row] = await db
      .insert(users)
      .values({ email: `${role}@manage.test`, name: `The ${role}`, role, passwordHash: "x" })
      .returning();
    staff[role] = { id: row!.id, email: row!.email, name: row!.name, role, permissions: ROLE_PERMISSIONS[role] };
  }
  // The same buyer on two websites (one account), and two people of their own.
  register("pat@example.com", 1);
  register("pat@example.com", 2);
  register("sam@example.com", 1, { firstname: "Sam", lastname: "Roe" });
  register("kim@example.com", 1, { firstname: "Kim", lastname: "Lee" });
  register("lou@example.com", 1, { firstname: "Lou", lastname: "Fox" });
  // A guest who checked out, then registered with the same email: the guest row is merged into the customer.
  const registered = new Set([...sim.store.customers.values()].map((c) => c.email.toLowerCase()));
  const guestOrder = [...sim.store.orders.values()].find((o) => o.isGuest && !registered.has(o.email.toLowerCase()))!;
  register(guestOrder.email, 1, { firstname: "Gus", lastname: "Guest" });
  await sync("initial");
}, 120_000);

afterAll(async () => {
  await closeDb();
  await sim?.close();
  await test?.drop();
});

describe("merging accounts", () => {
  it("moves the source's customers and emails into the target, closes the source and keeps the figures right", async () => {
    const pat = await accountOf("pat@example.com");
    const sam = await accountOf("sam@example.com");
    const patMembers = await members(pat);
    const samMembers = await members(sam);
    expect(patMembers).toHaveLength(2);

    const result = await mergeAccounts(db, staff.manager, { sourceId: pat, targetId: sam }, { ip: "10.0.0.1" });
    expect(result).toMatchObject({ ok: true, accountId: sam });
    expect(result.ok && result.message).toBe("2 customers of Pat Doe joined Sam Roe; Pat Doe is closed and can be restored with Undo.");

    expect(await members(sam)).toEqual([...patMembers, ...samMembers].sort((a, b) => a - b));
    expect(await members(pat)).toEqual([]);
    expect(await emailsOf(sam)).toEqual(["pat@example.com", "sam@example.com"]);
    const closed = await account(pat);
    expect(closed).toMatchObject({ merged_into_id: String(sam), customers_count: 0 });
    expect(closed!.merged_at).not.toBeNull();
    expect((await account(sam))!.customers_count).toBe(3);
    expect(await figureMismatches()).toEqual([]);

    const entry = await lastAudit("account.merge");
    expect(entry.actor).toBe("manager@manage.test");
    expect(entry.details).toEqual({
      source: { id: pat, name: "Pat Doe" },
      target: { id: sam, name: "Sam Roe" },
      customerIds: patMembers,
      emails: ["pat@example.com"],
      repointedAccountIds: [],
      sourceBefore: { mergedIntoId: null, mergedAt: null },
    });
  });

  it("refuses a self-merge, a merged-away account and an unknown one, changing nothing", async () => {
    const pat = await accountOf("pat@example.com"); // now Sam's account
    const [closed] = await rows<{ id: string }>(sql`SELECT id::text FROM accounts WHERE merged_into_id IS NOT NULL LIMIT 1`);
    const before = await membership();
    expect(await mergeAccounts(db, staff.manager, { sourceId: pat, targetId: pat })).toMatchObject({
      ok: false,
      error: "An account cannot be merged into itself.",
    });
    expect(await mergeAccounts(db, staff.manager, { sourceId: Number(closed!.id), targetId: pat })).toMatchObject({
      ok: false,
      error: "Pat Doe was already merged into Sam Roe.",
    });
    expect(await mergeAccounts(db, staff.manager, { sourceId: 99_999_999, targetId: pat })).toMatchObject({
      ok: false,
      error: "The account to merge no longer exists.",
    });
    expect(await mergeAccounts(db, staff.manager, { sourceId: pat, targetId: Number(closed!.id) })).toMatchObject({
      ok: false,
      error: "Pat Doe was merged into Sam Roe; merge into that account instead.",
    });
    expect(await membership()).toEqual(before);
  });

  it("a manual merge survives the next full sync", async () => {
    const sam = await accountOf("sam@example.com");
    const before = await membership();
    await sync("full");
    expect(await membership()).toEqual(before);
    expect(await accountOf("pat@example.com")).toBe(sam);
    expect(await figureMismatches()).toEqual([]);
  });

  it("keeps one level: accounts merged into the source point at the new target; undo restores the chain", async () => {
    const kim = await accountOf("kim@example.com");
    const lou = await accountOf("lou@example.com");
    const buyer = await buyerAccount([kim, lou, await accountOf("sam@example.com")]);
    const first = await mergeAccounts(db, staff.manager, { sourceId: kim, targetId: lou });
    expect(first.ok).toBe(true);
    const second = await mergeAccounts(db, staff.admin, { sourceId: lou, targetId: buyer });
    expect(second.ok).toBe(true);
    expect((await account(kim))!.merged_into_id).toBe(String(buyer));
    expect((await lastAudit("account.merge")).details.repointedAccountIds).toEqual([kim]);

    // The first merge cannot be undone while the second stands: its target has gone on.
    const blocked = await undoAccountChange(db, staff.manager, { auditId: first.ok ? first.auditId : 0 });
    expect(blocked).toEqual({
      ok: false,
      error: "Lou Fox was since merged into " + (await account(buyer))!.name + "; undo that merge first.",
    });

    const undoSecond = await undoAccountChange(db, staff.manager, { auditId: second.ok ? second.auditId : 0 });
    expect(undoSecond.ok).toBe(true);
    expect((await account(lou))!.merged_into_id).toBeNull();
    expect((await account(kim))!.merged_into_id).toBe(String(lou));
    expect(await accountOf("kim@example.com")).toBe(lou);

    const undoFirst = await undoAccountChange(db, staff.manager, { auditId: first.ok ? first.auditId : 0 });
    expect(undoFirst).toMatchObject({ ok: true, accountId: kim, message: "Kim Lee is restored with 1 customer." });
    expect(await accountOf("kim@example.com")).toBe(kim);
    expect(await accountOf("lou@example.com")).toBe(lou);
    expect(await emailsOf(kim)).toEqual(["kim@example.com"]);
    expect(await account(kim)).toMatchObject({ merged_into_id: null, merged_at: null, customers_count: 1 });
    expect(await figureMismatches()).toEqual([]);
    // Undo twice is refused.
    expect(await undoAccountChange(db, staff.manager, { auditId: first.ok ? first.auditId : 0 })).toEqual({
      ok: false,
      error: "This change has been undone already.",
    });
    const undoEntry = await lastAudit("account.undo");
    expect(undoEntry.details).toMatchObject({ auditId: first.ok ? first.auditId : 0, undid: "account.merge", customersBack: 1 });
  });
});

describe("moving a customer", () => {
  it("a move is undone from its audit entry", async () => {
    const guestEmail = (
      await rows<{ email: string }>(sql`
        SELECT lower(r.email) AS email FROM magento_customers g JOIN magento_customers r ON r.id = g.merged_into_id LIMIT 1`)
    )[0]!.email;
    const [registered] = await rows<{ id: string; account_id: string }>(sql`
      SELECT id::text, account_id::text FROM magento_customers WHERE lower(email) = ${guestEmail} AND merged_into_id IS NULL`);
    const from = Number(registered!.account_id);
    const before = await membership();
    const fromFigures = await account(from);
    expect(await members(from)).toHaveLength(2); // the customer and its guest checkout

    const moved = await moveCustomer(db, staff.manager, {
      customerId: Number(registered!.id),
      newAccount: { name: "Gus & Co", type: "company" },
    });
    expect(moved.ok).toBe(true);
    if (!moved.ok) return;
    expect(moved.message).toBe("Gus Guest moved from Gus Guest to the new account Gus & Co.");
    const to = moved.accountId;
    expect(await members(to)).toHaveLength(2);
    expect(await members(from)).toEqual([]);
    expect(await emailsOf(to)).toEqual([guestEmail]);
    expect(await account(to)).toMatchObject({ name: "Gus & Co", customers_count: 1, lifetime_value: fromFigures!.lifetime_value });
    expect(await figureMismatches()).toEqual([]);
    const entry = await lastAudit("account.move");
    expect(entry.details).toMatchObject({
      from: { id: from },
      to: { id: to, name: "Gus & Co" },
      createdAccount: true,
      emails: [guestEmail],
    });

    const undone = await undoAccountChange(db, staff.manager, { auditId: moved.auditId });
    expect(undone).toMatchObject({ ok: true, accountId: from });
    expect(await membership()).toEqual(before);
    expect(await emailsOf(from)).toEqual([guestEmail]);
    // The account made for the move is gone again.
    expect(await account(to)).toBeNull();
    expect(await figureMismatches()).toEqual([]);
    expect(await undoAccountChange(db, staff.manager, { auditId: moved.auditId })).toEqual({
      ok: false,
      error: "This change has been undone already.",
    });
  });

  it("keeps the email with the old account while someone with it stays there", async () => {
    const sam = await accountOf("sam@example.com");
    const [pat] = await rows<{ id: string }>(
      sql`SELECT id::text FROM magento_customers WHERE lower(email) = 'pat@example.com' ORDER BY id LIMIT 1`,
    );
    const kim = await accountOf("kim@example.com");
    const moved = await moveCustomer(db, staff.admin, { customerId: Number(pat!.id), targetAccountId: kim });
    expect(moved).toMatchObject({ ok: true, accountId: kim });
    expect(await emailsOf(sam)).toContain("pat@example.com");
    expect(await emailsOf(kim)).toEqual(["kim@example.com"]);
    expect((await lastAudit("account.move")).details).toMatchObject({ emails: [], createdAccount: false });
    expect(await figureMismatches()).toEqual([]);
    // A later move of the same customer makes the first one impossible to undo.
    const lou = await accountOf("lou@example.com");
    const again = await moveCustomer(db, staff.admin, { customerId: Number(pat!.id), targetAccountId: lou });
    expect(again.ok).toBe(true);
    expect(await undoAccountChange(db, staff.admin, { auditId: moved.ok ? moved.auditId : 0 })).toEqual({
      ok: false,
      error: "Pat Doe is no longer in Kim Lee (moved or merged on since); nothing to undo.",
    });
  });

  it("refuses a guest checkout merged into a customer, the same account, a merged-away target and no target", async () => {
    const [guest] = await rows<{ id: string; account_id: string }>(
      sql`SELECT id::text, account_id::text FROM magento_customers WHERE merged_into_id IS NOT NULL LIMIT 1`,
    );
    const sam = await accountOf("sam@example.com");
    expect(await moveCustomer(db, staff.manager, { customerId: Number(guest!.id), targetAccountId: sam })).toEqual({
      ok: false,
      error: "This guest checkout was merged into Gus Guest; move that customer instead.",
    });
    const [samRow] = await rows<{ id: string }>(sql`SELECT id::text FROM magento_customers WHERE lower(email) = 'sam@example.com'`);
    expect(await moveCustomer(db, staff.manager, { customerId: Number(samRow!.id), targetAccountId: sam })).toEqual({
      ok: false,
      error: "The customer is already in this account.",
    });
    const [closed] = await rows<{ id: string }>(sql`SELECT id::text FROM accounts WHERE merged_into_id IS NOT NULL LIMIT 1`);
    expect(await moveCustomer(db, staff.manager, { customerId: Number(samRow!.id), targetAccountId: Number(closed!.id) })).toMatchObject({
      ok: false,
      error: "Pat Doe was merged into Sam Roe; move the customer there instead.",
    });
    expect(await moveCustomer(db, staff.manager, { customerId: Number(samRow!.id) })).toMatchObject({
      ok: false,
      fieldErrors: { targetAccountId: ["Choose an account to move to, or name a new one."] },
    });
    expect(
      await moveCustomer(db, staff.manager, { customerId: Number(samRow!.id), newAccount: { name: " ", type: "person" } }),
    ).toMatchObject({
      ok: false,
      fieldErrors: { "newAccount.name": ["Name the new account."] },
    });
  });
});

describe("finding the account to merge into or move to", () => {
  it("finds open accounts by a part of the name or the start of an email, never a merged-away one or the account itself", async () => {
    const sam = await accountOf("sam@example.com");
    const lou = await accountOf("lou@example.com");
    const byName = await searchAccountsToPick(db, staff.manager, { q: "roe" });
    expect(byName.map((a) => a.id)).toContain(sam);
    expect(byName.find((a) => a.id === sam)).toMatchObject({ name: "Sam Roe", type: "person" });
    expect((await searchAccountsToPick(db, staff.manager, { q: "LOU@EXA" })).map((a) => a.id)).toEqual([lou]);
    expect(await searchAccountsToPick(db, staff.manager, { q: "lou@example.com", excludeId: lou })).toEqual([]);
    // Pat Doe was merged into Sam Roe, and one of Pat's two rows moved on to Lou Fox since: the accounts
    // holding a customer with Pat's email are offered, never Pat's merged-away account.
    const forPat = (await searchAccountsToPick(db, staff.manager, { q: "pat@example.com" })).map((a) => a.id);
    expect(new Set(forPat)).toEqual(new Set([sam, lou]));
    expect(forPat).toHaveLength(2);
    expect(await searchAccountsToPick(db, staff.manager, { q: "%_" })).toEqual([]);
    const summary = await loadAccountSummary(db, staff.manager, sam);
    expect(summary).toMatchObject({ id: sam, name: "Sam Roe", mergedInto: null });
    expect(summary!.customers.map((c) => c.email.toLowerCase())).toContain("sam@example.com");
  });
});

describe("who may", () => {
  const refused = [
    ["agent", () => staff.agent],
    ["viewer", () => staff.viewer],
    ["nobody signed in", () => null],
  ] as const;

  it.each(refused)("refuses merge, move and undo for %s, changing nothing", async (_who, who) => {
    const before = await membership();
    const sam = await accountOf("sam@example.com");
    const kim = await accountOf("kim@example.com");
    const [samRow] = await rows<{ id: string }>(sql`SELECT id::text FROM magento_customers WHERE lower(email) = 'sam@example.com'`);
    const entry = await lastAudit("account.merge");
    const audits = (await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log`))[0]!.n;
    for (const attempt of [
      () => mergeAccounts(db, who(), { sourceId: kim, targetId: sam }),
      () => moveCustomer(db, who(), { customerId: Number(samRow!.id), targetAccountId: kim }),
      () => undoAccountChange(db, who(), { auditId: Number(entry.id) }),
    ]) {
      const error = await attempt().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as ForbiddenError).permission).toBe("manage_accounts");
    }
    expect(await membership()).toEqual(before);
    expect((await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log`))[0]!.n).toBe(audits);
  });

  it("refuses to undo an entry that is not an account change", async () => {
    const [other] = await rows<{ id: string }>(sql`
      INSERT INTO audit_log (actor, action, details) VALUES ('test', 'user.created', '{}') RETURNING id::text`);
    expect(await undoAccountChange(db, staff.admin, { auditId: Number(other!.id) })).toEqual({
      ok: false,
      error: "Only account merges and moves can be undone.",
    });
    expect(await undoAccountChange(db, staff.admin, { auditId: 99_999_999 })).toEqual({
      ok: false,
      error: "There is no such audit entry.",
    });
  });
});

describe("the server actions", () => {
  const form = (fields: Record<string, string>) => {
    const data = new FormData();
    for (const [key, value] of Object.entries(fields)) data.set(key, value);
    return data;
  };
  const digestOf = (error: unknown) => String((error as { digest?: unknown } | null)?.digest ?? error);

  it("refuse an agent and a viewer before touching anything", async () => {
    const before = await membership();
    const kim = await accountOf("kim@example.com");
    const lou = await accountOf("lou@example.com");
    const [samRow] = await rows<{ id: string }>(sql`SELECT id::text FROM magento_customers WHERE lower(email) = 'sam@example.com'`);
    const entry = await lastAudit("account.merge");
    for (const role of ["agent", "viewer"] as const) {
      vi.mocked(getSessionUser).mockResolvedValue(staff[role]);
      for (const [action, fields] of [
        [mergeAccountsAction, { sourceId: String(kim), targetId: String(lou) }],
        [moveCustomerAction, { customerId: samRow!.id, targetAccountId: String(kim) }],
        [undoAccountChangeAction, { auditId: entry.id }],
      ] as const) {
        expect(await action(null, form(fields))).toMatchObject({ ok: false, code: "forbidden" });
      }
    }
    vi.mocked(getSessionUser).mockResolvedValue(null);
    expect(await mergeAccountsAction(null, form({ sourceId: String(kim), targetId: String(lou) }))).toMatchObject({
      ok: false,
      code: "unauthenticated",
    });
    expect(await membership()).toEqual(before);
  });

  it("merge for a manager and open the change's page; a refusal comes back as the form's error", async () => {
    vi.mocked(getSessionUser).mockResolvedValue(staff.manager);
    const kim = await accountOf("kim@example.com");
    const lou = await accountOf("lou@example.com");
    expect(await mergeAccountsAction(null, form({ sourceId: String(kim), targetId: String(kim) }))).toMatchObject({
      ok: false,
      code: "failed",
      error: "An account cannot be merged into itself.",
    });
    const redirected = await mergeAccountsAction(null, form({ sourceId: String(kim), targetId: String(lou) })).then(
      () => null,
      (e: unknown) => e,
    );
    const entry = await lastAudit("account.merge");
    expect(digestOf(redirected)).toContain(`;/customers/accounts/changes/${entry.id};`);
    expect(await accountOf("kim@example.com")).toBe(lou);
    const undone = await undoAccountChangeAction(null, form({ auditId: entry.id }));
    expect(undone).toMatchObject({ ok: true, data: { accountId: kim } });
    expect(await accountOf("kim@example.com")).toBe(kim);
  });
});
