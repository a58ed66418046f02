import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi, type Mock } from "vitest";
import { closeDb, openDatabase } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { queryRows } from "@/db/rows";
import {
  accountEmails,
  accounts,
  channels,
  magentoCarts,
  magentoCreditMemos,
  magentoCustomerAddresses,
  magentoCustomers,
  magentoNewsletterSubscribers,
  magentoOrders,
} from "@/db/schema";
import { ROLES, can } from "@/lib/auth/permissions";
import { ForbiddenError, getSessionUser } from "@/lib/auth/session";
import {
  SEARCH_KINDS,
  SEARCH_KIND_PERMISSION,
  globalSearch,
  parseSearchQuery,
  searchKindsFor,
  type SearchResult,
} from "@/lib/search/global-search";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { sessionUserOf } from "@/tests/helpers/session-user";
import { GET as searchRoute } from "@/app/api/search/route";

// Global search on a real Postgres: what it finds, how it reads odd input, and that it lists only
// what the role may open; and the route the header's box asks, signed out and per role.

vi.mock("@/lib/auth/auth", () => ({ auth: vi.fn(async () => null), signIn: vi.fn(), signOut: vi.fn(), handlers: {} }));
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  getSessionUser: vi.fn(),
}));

let testDb: TestDatabase;
const previousUrl = process.env.DATABASE_URL;
const ids: Record<string, number> = {};

beforeAll(async () => {
  testDb = await createTestDatabase();
  await closeDb();
  process.env.DATABASE_URL = testDb.url;
  const db = testDb.db;
  const [channel] = await db.insert(channels).values({ name: "Search store", baseUrl: "http://search.test" }).returning();
  const channelId = channel!.id;
  const customers = await db
    .insert(magentoCustomers)
    .values([
      { channelId, originId: 1, email: "jens.mueller@example.de", firstName: "Jens", lastName: "Müller" },
      { channelId, originId: 2, email: "anna.schmidt@example.de", firstName: "Anna", lastName: "Schmidt" },
      { channelId, originId: 3, email: "percent%user@example.com", firstName: "Per", lastName: "Cent" },
      { channelId, originId: 4, email: "under_score@example.com", firstName: "Under", lastName: "Score" },
      { channelId, originId: 5, email: "gone@example.com", firstName: "Gone", lastName: "Müllerson", removedAt: new Date() },
    ])
    .returning({ id: magentoCustomers.id, originId: magentoCustomers.originId });
  for (const c of customers) ids[`customer${c.originId}`] = c.id;
  await db
    .insert(magentoCustomerAddresses)
    .values([{ channelId, originId: 11, customerId: ids.customer2!, company: "Brötchen GmbH", telephone: "+49 (30) 555-1234" }]);
  const [order] = await db
    .insert(magentoOrders)
    .values([
      {
        channelId,
        originId: 100,
        incrementId: "000000123",
        state: "new",
        status: "pending",
        grandTotal: "10.00",
        customerEmail: "jens.mueller@example.de",
        customerId: ids.customer1!,
      },
      {
        channelId,
        originId: 101,
        incrementId: "000001230",
        state: "new",
        status: "pending",
        grandTotal: "5.00",
        customerEmail: "x@example.com",
      },
    ])
    .returning({ id: magentoOrders.id });
  ids.order = order!.id;
  const [cart] = await db
    .insert(magentoCarts)
    .values([
      { channelId, originId: 4199, customerEmail: "cart.person@example.org" },
      { channelId, originId: 41990, customerEmail: "other@example.org" },
    ])
    .returning({ id: magentoCarts.id });
  ids.cart = cart!.id;
  const [memo] = await db
    .insert(magentoCreditMemos)
    .values({ channelId, originId: 7, incrementId: "100000007", orderId: ids.order, orderOriginId: 100 })
    .returning({ id: magentoCreditMemos.id });
  ids.memo = memo!.id;
  // Accounts: a company holding Anna's email, a person, and an account merged into the company.
  const [bakery, person] = await db
    .insert(accounts)
    .values([
      { name: "Brötchen GmbH", type: "company", channelId, customersCount: 1, lifetimeValue: "1234.5", currencyCode: "EUR" },
      { name: "Per Cent", type: "person", customersCount: 1 },
    ])
    .returning({ id: accounts.id });
  ids.bakery = bakery!.id;
  const [merged] = await db
    .insert(accounts)
    .values({ name: "Brot und Butter", type: "company", mergedIntoId: ids.bakery, mergedAt: new Date() })
    .returning({ id: accounts.id });
  await db.insert(accountEmails).values([
    { email: "anna.schmidt@example.de", accountId: ids.bakery },
    { email: "percent%user@example.com", accountId: person!.id },
    { email: "old.bakery@example.org", accountId: merged!.id },
  ]);
  // The customers in them: Anna in the company, Per Cent in his own, and the merged account's guest
  // checkout, moved into the company by the merge.
  await db.execute(sql`UPDATE magento_customers SET account_id = ${ids.bakery} WHERE id = ${ids.customer2!}`);
  await db.execute(sql`UPDATE magento_customers SET account_id = ${person!.id} WHERE id = ${ids.customer3!}`);
  await db.insert(magentoCustomers).values({
    channelId,
    isGuest: true,
    guestKey: "old.bakery@example.org",
    email: "old.bakery@example.org",
    firstName: "Old",
    lastName: "Bakery",
    accountId: ids.bakery,
  });
  await db.insert(magentoNewsletterSubscribers).values([
    { channelId, originId: 1, email: "news.reader@example.net", status: "subscribed" },
    { channelId, originId: 2, email: "jens.mueller@example.de", status: "subscribed", customerId: ids.customer1! },
  ]);
}, 60_000);

afterAll(async () => {
  await closeDb();
  process.env.DATABASE_URL = previousUrl;
  await testDb?.drop();
});

const agent = sessionUserOf("agent");
const titles = (result: SearchResult, kind: string) => result.groups.find((g) => g.kind === kind)?.hits.map((h) => h.title) ?? [];

describe("globalSearch", () => {
  it("finds a customer by a part of the name with an umlaut, in any case", async () => {
    for (const q of ["müll", "MÜLL", "Jens Mü"]) {
      const result = await globalSearch(testDb.db, agent, q);
      expect(titles(result, "customers"), q).toEqual(["Jens Müller"]);
    }
    const [hit] = (await globalSearch(testDb.db, agent, "müll")).groups[0]!.hits;
    expect(hit!.href).toBe(`/customers/${ids.customer1}`);
  });

  it("leaves out removed customers", async () => {
    expect(titles(await globalSearch(testDb.db, agent, "Müllerson"), "customers")).toEqual([]);
  });

  it("finds customers by email, company and phone digits", async () => {
    expect(titles(await globalSearch(testDb.db, agent, "schmidt@exa"), "customers")).toEqual(["Anna Schmidt"]);
    expect(titles(await globalSearch(testDb.db, agent, "brötchen"), "customers")).toEqual(["Anna Schmidt"]);
    expect(titles(await globalSearch(testDb.db, agent, "555 12"), "customers")).toEqual(["Anna Schmidt"]);
  });

  it("matches two characters at the beginning only", async () => {
    expect(titles(await globalSearch(testDb.db, agent, "sc"), "customers")).toEqual(["Anna Schmidt", "Under Score"]);
    expect(titles(await globalSearch(testDb.db, agent, "nn"), "customers")).toEqual([]);
  });

  it("finds an order by increment id (exact first) or email, a cart by number, a memo by number, a subscriber by email", async () => {
    const orders = await globalSearch(testDb.db, agent, "000000123");
    expect(titles(orders, "orders")).toEqual(["Order #000000123"]);
    expect(titles(await globalSearch(testDb.db, agent, "123"), "orders")).toEqual(["Order #000001230", "Order #000000123"]);
    expect(orders.groups.find((g) => g.kind === "orders")!.hits[0]!.href).toBe(`/sales/orders/${ids.order}`);
    expect(titles(await globalSearch(testDb.db, agent, "mueller@"), "orders")).toEqual(["Order #000000123"]);
    const carts = await globalSearch(testDb.db, agent, "4199");
    expect(titles(carts, "carts")[0]).toBe("Cart #4199");
    expect(carts.groups.find((g) => g.kind === "carts")!.hits[0]!.href).toBe(`/sales/carts/${ids.cart}`);
    const memos = await globalSearch(testDb.db, agent, "100000007");
    expect(titles(memos, "credit_memos")).toEqual(["Credit memo #100000007"]);
    expect(memos.groups.find((g) => g.kind === "credit_memos")!.hits[0]!.href).toBe(`/sales/credit-memos/${ids.memo}`);
    const subscribers = await globalSearch(testDb.db, agent, "news.reader");
    expect(subscribers.groups.map((g) => g.kind)).toEqual(["subscribers"]);
    expect(subscribers.groups[0]!.hits[0]!.href).toBe("/marketing/subscribers?q=news.reader%40example.net");
  });

  it("finds an account by a part of its name or of any of its emails, linking to the account page", async () => {
    const byName = await globalSearch(testDb.db, agent, "BRÖTCH");
    expect(titles(byName, "accounts")).toEqual(["Brötchen GmbH"]);
    const group = byName.groups.find((g) => g.kind === "accounts")!;
    expect(group.hits[0]).toMatchObject({ href: `/customers/accounts/${ids.bakery}`, detail: "company · 1 customer · €1,234.50" });
    expect(group.gridHref).toBe("/customers/accounts?q=BR%C3%96TCH");
    expect(titles(await globalSearch(testDb.db, agent, "schmidt@exa"), "accounts")).toEqual(["Brötchen GmbH"]);
    expect(titles(await globalSearch(testDb.db, agent, "br"), "accounts")).toEqual(["Brötchen GmbH"]);
  });

  it("never finds an account merged away; its emails find the account it was merged into", async () => {
    expect(titles(await globalSearch(testDb.db, agent, "und butter"), "accounts")).toEqual([]);
    expect(titles(await globalSearch(testDb.db, agent, "old.bakery"), "accounts")).toEqual(["Brötchen GmbH"]);
  });

  it("takes LIKE wildcards and backslashes literally", async () => {
    expect(titles(await globalSearch(testDb.db, agent, "t%u"), "customers")).toEqual(["Per Cent"]);
    expect(titles(await globalSearch(testDb.db, agent, "r_s"), "customers")).toEqual(["Under Score"]);
    // Unescaped, "%%%" and "___" would match every customer.
    expect((await globalSearch(testDb.db, agent, "%%%")).groups).toEqual([]);
    expect((await globalSearch(testDb.db, agent, "___")).groups).toEqual([]);
    expect((await globalSearch(testDb.db, agent, "a\\b")).groups).toEqual([]);
    expect((await globalSearch(testDb.db, agent, "o'brien")).groups).toEqual([]);
    expect((await globalSearch(testDb.db, agent, "müll\u0000er")).groups).toEqual([]);
  });

  it("refuses too short and too long queries, and gives no groups for them", async () => {
    expect(parseSearchQuery(" a ")).toEqual({ ok: false, error: "Type at least 2 characters." });
    expect(parseSearchQuery("x".repeat(101))).toEqual({ ok: false, error: "Search for at most 100 characters." });
    expect(parseSearchQuery(42)).toMatchObject({ ok: false });
    expect(parseSearchQuery("  jens \t müller ")).toEqual({ ok: true, query: "jens müller" });
    expect((await globalSearch(testDb.db, agent, "x".repeat(101))).groups).toEqual([]);
  });

  it("caps the hits per kind and counts the rest", async () => {
    // Four registered customers and the bakery's guest checkout (the removed one is left out).
    const result = await globalSearch(testDb.db, agent, "example", { limit: 1, count: true });
    const customers = result.groups.find((g) => g.kind === "customers")!;
    expect(customers.hits).toHaveLength(1);
    expect(customers).toMatchObject({ more: true, total: 5, gridHref: "/customers?q=example" });
  });
});

describe("role filtering", () => {
  it("refuses a missing user", async () => {
    await expect(globalSearch(testDb.db, null, "müll")).rejects.toBeInstanceOf(ForbiddenError);
  });

  it.each(ROLES)("lists for %s exactly the kinds its role may open", async (role) => {
    const user = sessionUserOf(role);
    const expected = SEARCH_KINDS.filter((kind) => can(role, SEARCH_KIND_PERMISSION[kind]));
    expect(searchKindsFor(user)).toEqual(expected);
    // "example" matches every kind here except carts' and memos' numbers: search "4199" for those.
    const seen = new Set([
      ...(await globalSearch(testDb.db, user, "example")).groups.map((g) => g.kind),
      ...(await globalSearch(testDb.db, user, "4199")).groups.map((g) => g.kind),
      ...(await globalSearch(testDb.db, user, "100000007")).groups.map((g) => g.kind),
    ]);
    expect([...seen].sort()).toEqual([...expected].sort());
  });

  it("never lists a kind the role may not open", async () => {
    const viewer = sessionUserOf("viewer");
    const result = await globalSearch(testDb.db, viewer, "example", { kinds: ["orders"] });
    expect(result.groups.map((g) => g.kind)).toEqual(["orders"]);
  });
});

describe("GET /api/search", () => {
  const ask = (q: string) => searchRoute(new Request(`http://portal/api/search?q=${encodeURIComponent(q)}`));

  it("refuses a signed-out request", async () => {
    (getSessionUser as Mock).mockResolvedValue(null);
    const response = await ask("müll");
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "Sign in first." });
  });

  it.each(ROLES)("answers %s with only the kinds its role may open", async (role) => {
    (getSessionUser as Mock).mockResolvedValue(sessionUserOf(role));
    const response = await ask("müll");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as SearchResult;
    expect(body.groups.map((g) => g.kind)).toEqual(can(role, "view_sales") ? ["customers"] : []);
    for (const group of body.groups) expect(can(role, SEARCH_KIND_PERMISSION[group.kind])).toBe(true);
  });

  it("answers an invalid query with 400 and the reason", async () => {
    (getSessionUser as Mock).mockResolvedValue(sessionUserOf("viewer"));
    const response = await ask("a");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "Type at least 2 characters." });
  });

  it("runs on a database with pg_trgm (migration 0028)", async () => {
    const rows = await queryRows<{ extname: string }>(testDb.db, sql`SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'`);
    expect(rows).toHaveLength(1);
  });
});

describe("on embedded PGlite", () => {
  it("has pg_trgm and finds a customer by a part of the name with an umlaut", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "portal-search-pglite-"));
    const handle = await openDatabase({ pgliteDir: path.join(dir, "pglite") });
    try {
      await migrateDatabase(handle.db, "pglite");
      const [channel] = await handle.db.insert(channels).values({ name: "Embedded", baseUrl: "http://embedded.test" }).returning();
      await handle.db
        .insert(magentoCustomers)
        .values({ channelId: channel!.id, originId: 1, email: "jens.mueller@example.de", firstName: "Jens", lastName: "Müller" });
      const result = await globalSearch(handle.db, agent, "MÜLL");
      expect(titles(result, "customers")).toEqual(["Jens Müller"]);
      const indexes = await queryRows<{ indexname: string }>(
        handle.db,
        sql`SELECT indexname FROM pg_indexes WHERE indexname = 'magento_customers_name_trgm_idx'`,
      );
      expect(indexes).toHaveLength(1);
    } finally {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
