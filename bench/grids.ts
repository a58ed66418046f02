// `npm run bench -- grids [--customers N] [--carts N] [--orders N] [--credit-memos N] [--requests N]`
// (defaults: the issue's 200k customers, 1M carts, 1M orders with 3 items each, 50k credit memos;
// 50 requests per case). Server time of the workspace grids on a store of that size:
//   1. create `portal_bench_grids_<ts>` on TEST_DATABASE_URL (default
//      postgres://postgres@127.0.0.1:5432/test), migrate, seed set-based (bench/lib/seed-grids.ts),
//      VACUUM ANALYZE; the seed time is printed;
//   2. per case, the portal's own data path: parseGridState (the URL's search params) +
//      loadGridPage (rows + capped count), and for the customer detail also its lifetime figures;
//   3. the same statements run alone: the exact SQL text and parameters loadGridPage sent
//      (recorded once through the Db's execute), executed directly on postgres.js, concurrently
//      as loadGridPage runs them. Portal and SQL runs alternate, so load on the shared machine hits
//      both alike; ratio = portal p50 ÷ SQL p50 (the portal's own overhead).
// The accounts grid (Customers › Accounts) is measured the same way: its default order, by lifetime
// value, and a name search; accounts_grid_p95_ms in the final JSON line is the worst of their p95s.
// Global search (lib/search, the header's dropdown) is measured the same way on four queries: a
// name part with an umlaut, an email fragment, an order number and a cart number; search_p95_ms in
// the final JSON line is the worst of their p95s.
// Targets: p95 < 150 ms for every grid case, < 100 ms for global search; each within 1.5× of its SQL alone.
// The database is dropped at the end, also on failure.
import { randomBytes } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { openDatabase, type Db } from "@/db/client";
import { accountsGrid } from "@/lib/accounts/grid";
import { ordersGrid } from "@/lib/orders/grid";
import { parseGridState, type SearchParams } from "@/lib/grid/params";
import { loadGridPage } from "@/lib/grid/sql";
import type { GridDefinition, GridScope } from "@/lib/grid/types";
import { queryRows } from "@/db/rows";
import { lifetimeFiguresQuery } from "@/lib/customers/lifetime-figures";
import { ROLE_PERMISSIONS } from "@/lib/auth/permissions";
import type { SessionUser } from "@/lib/auth/session";
import { globalSearch } from "@/lib/search/global-search";
import { ADMIN_URL, adminQuery, withDatabase } from "./lib/database";
import { migrateAndSeed, seedSizesFromArgs } from "./lib/seed-grids";
import { option } from "./lib/simulator-process";

const TARGET_P95_MS = 150;
// Global search (the header's dropdown: five hits of each kind) answers as the user types.
const SEARCH_TARGET_P95_MS = 100;
const SEARCH_USER: SessionUser = { id: 0, email: "bench@portal.test", name: "Bench", role: "viewer", permissions: ROLE_PERMISSIONS.viewer };
const TARGET_RATIO = 1.5;
const WARMUP = 5;

type Statement = { text: string; params: unknown[] };

interface Case {
  key: string;
  label: string;
  /** The portal's data path for one request. */
  portal: (db: Db) => Promise<unknown>;
}

const dialect = new PgDialect();

/** A Db whose execute also records each statement's text and parameters. */
function recordingDb(db: Db, into: Statement[]): Db {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === "execute") {
        return (query: SQL) => {
          const { sql: text, params } = dialect.sqlToQuery(query);
          into.push({ text, params });
          return target.execute(query);
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
};

function gridCase(
  key: string,
  label: string,
  definition: GridDefinition,
  params: SearchParams,
  scoped?: { scope: GridScope; extra: (db: Db) => Promise<unknown> },
): Case {
  return {
    key,
    label,
    portal: async (db) => {
      const { state, notices } = parseGridState(definition, params);
      if (notices.length) throw new Error(`${key}: the bench's own URL was refused: ${notices.map((n) => n.message).join(" ")}`);
      return Promise.all([loadGridPage(db, definition, state, "UTC", { scope: scoped?.scope ?? null }), scoped?.extra(db)]);
    },
  };
}

function searchCase(key: string, label: string, query: string): Case {
  return { key, label, portal: (db) => globalSearch(db, SEARCH_USER, query, { limit: 5 }) };
}

async function buildCases(db: Db): Promise<Case[]> {
  const [top] = await queryRows<{ id: string; n: string }>(
    db,
    sql`
    SELECT customer_id AS id, count(*) AS n FROM magento_orders WHERE customer_id IS NOT NULL
    GROUP BY customer_id ORDER BY count(*) DESC, customer_id LIMIT 1`,
  );
  if (!top) throw new Error("The seeded store has no orders.");
  const topCustomer = Number(top.id);
  // A two-month window a year back, and one status: a typical "processing orders in March" view.
  const [range] = await queryRows<{ from: string; to: string }>(
    db,
    sql`
    SELECT to_char((now() - interval '400 days')::date, 'YYYY-MM-DD') AS "from", to_char((now() - interval '340 days')::date, 'YYYY-MM-DD') AS "to"`,
  );
  // An email prefix a person would type: a real customer's address up to two characters short.
  const [probe] = await queryRows<{ email: string }>(
    db,
    sql`
    SELECT customer_email AS email FROM magento_orders WHERE customer_email IS NOT NULL ORDER BY id LIMIT 1 OFFSET ${Math.floor(
      Number((await queryRows<{ n: string }>(db, sql`SELECT count(*) AS n FROM magento_orders`))[0]?.n ?? 1) / 3,
    )}`,
  );
  const prefix = probe!.email.split("@")[0]!.slice(0, -2);
  // Global search: a part of an email from its middle, an order number and a cart number as typed.
  const fragment = probe!.email.split("@")[0]!.slice(2);
  const [numbers] = await queryRows<{ increment: string; cart: string }>(
    db,
    sql`SELECT (SELECT increment_id FROM magento_orders ORDER BY id DESC LIMIT 1 OFFSET 12345) AS increment,
      (SELECT origin_id::text FROM magento_carts ORDER BY id DESC LIMIT 1 OFFSET 23456) AS cart`,
  );
  // Accounts: a name as typed into the grid's search ("first name + the start of the last"), from an
  // account a third of the way down.
  const [account] = await queryRows<{ name: string }>(
    db,
    sql`SELECT name FROM accounts WHERE type = 'person' ORDER BY id LIMIT 1 OFFSET (SELECT count(*) / 3 FROM accounts WHERE type = 'person')`,
  );
  const accountPrefix = account!.name.slice(0, account!.name.indexOf(" ") + 4);
  console.log(`  accounts: name search "${accountPrefix}"`);
  console.log(
    `  customer with most orders: #${topCustomer} (${top.n} orders); date range ${range!.from}..${range!.to}; email prefix "${prefix}"; search: "${fragment}", order ${numbers!.increment}, cart ${numbers!.cart}`,
  );
  return [
    gridCase("orders_first_page", "orders, first page", ordersGrid, {}),
    gridCase("orders_page_2000", "orders, page 2,000", ordersGrid, { page: "2000" }),
    gridCase("orders_sort_grand_total", "orders, sort by grand total", ordersGrid, { sort: "-grand_total" }),
    gridCase("orders_filter_status_date", "orders, status + date range", ordersGrid, {
      f_status: "processing",
      f_created_at: `${range!.from}..${range!.to}`,
    }),
    gridCase("orders_search_email_prefix", "orders, email prefix search", ordersGrid, { q: prefix }),
    gridCase(
      "customer_detail",
      "customer detail (orders + figures)",
      ordersGrid,
      {},
      {
        scope: { sql: "o.customer_id", value: topCustomer, label: `customer ${topCustomer}` },
        extra: (d) => queryRows(d, lifetimeFiguresQuery(topCustomer)),
      },
    ),
    gridCase("accounts_default_sort", "accounts, first page (last order)", accountsGrid, {}),
    gridCase("accounts_sort_lifetime_value", "accounts, sort by lifetime value", accountsGrid, { sort: "-lifetime_value" }),
    gridCase("accounts_search_name", "accounts, name search", accountsGrid, { q: accountPrefix }),
    searchCase("search_name_umlaut", 'global search, name part "müll"', "müll"),
    searchCase("search_email_fragment", "global search, email fragment", fragment),
    searchCase("search_increment_id", "global search, order number", numbers!.increment),
    searchCase("search_cart_id", "global search, cart number", numbers!.cart),
  ];
}

const isSearch = (result: { key: string }) => result.key.startsWith("search_");
const isAccounts = (result: { key: string }) => result.key.startsWith("accounts_");

type CaseResult = { key: string; label: string; portal: { p50: number; p95: number }; sql: { p50: number; p95: number }; ratio: number };

async function measure(db: Db, client: postgres.Sql, item: Case, requests: number): Promise<CaseResult> {
  const statements: Statement[] = [];
  await item.portal(recordingDb(db, statements));
  const alone = () => Promise.all(statements.map((s) => client.unsafe(s.text, s.params as postgres.ParameterOrJSON<never>[])));
  for (let i = 0; i < WARMUP; i++) {
    await item.portal(db);
    await alone();
  }
  const portalMs: number[] = [];
  const sqlMs: number[] = [];
  for (let i = 0; i < requests; i++) {
    let t0 = performance.now();
    await item.portal(db);
    portalMs.push(performance.now() - t0);
    t0 = performance.now();
    await alone();
    sqlMs.push(performance.now() - t0);
  }
  const portal = stats(portalMs);
  const sqlStats = stats(sqlMs);
  return { key: item.key, label: item.label, portal, sql: sqlStats, ratio: portal.p50 / Math.max(sqlStats.p50, 0.001) };
}

export async function run(args: string[]): Promise<void> {
  const sizes = seedSizesFromArgs(args);
  const requests = option(args, "requests", 50);
  // --database NAME: measure an already seeded database (e.g. one left by --keep); never dropped.
  const reuse = args.includes("--database") ? args[args.indexOf("--database") + 1] : undefined;
  if (reuse !== undefined && !/^portal_bench_grids_[a-z0-9_]+$/.test(reuse)) {
    console.error("--database needs the name of a database this bench seeded (portal_bench_grids_…).");
    process.exit(2);
  }
  const keep = args.includes("--keep") || reuse !== undefined;
  const name = reuse ?? `portal_bench_grids_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const url = withDatabase(ADMIN_URL, name);
  console.log(
    `Grids bench: ${sizes.customers.toLocaleString("en-US")} customers, ${sizes.carts.toLocaleString("en-US")} carts, ${sizes.orders.toLocaleString("en-US")} orders (${sizes.itemsPerOrder} items each), ${sizes.creditMemos.toLocaleString("en-US")} credit memos; ${requests} requests per case`,
  );
  let handle: Awaited<ReturnType<typeof openDatabase>> | null = null;
  let direct: postgres.Sql | null = null;
  try {
    let seedSeconds = 0;
    if (reuse === undefined) {
      await adminQuery(`create database "${name}"`);
      handle = await openDatabase({ databaseUrl: url, max: 4 });
      seedSeconds = await migrateAndSeed(handle.db, url, sizes, console.log);
    } else {
      handle = await openDatabase({ databaseUrl: url, max: 4 });
      console.log(`  reusing ${name} (no seed)`);
    }

    direct = postgres(url, { max: 4, onnotice: () => {} });
    // The pool the pages read through (getReadDb), with its connection settings.
    const cases = await buildCases(handle.reads);
    const results: CaseResult[] = [];
    console.log(`  ${"case".padEnd(38)} ${"portal p50/p95 ms".padStart(18)} ${"SQL p50/p95 ms".padStart(16)} ${"ratio".padStart(6)}`);
    for (const item of cases) {
      const result = await measure(handle.reads, direct, item, requests);
      results.push(result);
      const target = isSearch(result) ? SEARCH_TARGET_P95_MS : TARGET_P95_MS;
      const flag = result.portal.p95 < target && result.ratio <= TARGET_RATIO ? "" : "  ← over target";
      console.log(
        `  ${item.label.padEnd(38)} ${`${result.portal.p50.toFixed(1)} / ${result.portal.p95.toFixed(1)}`.padStart(18)} ${`${result.sql.p50.toFixed(1)} / ${result.sql.p95.toFixed(1)}`.padStart(16)} ${result.ratio.toFixed(2).padStart(6)}${flag}`,
      );
    }
    const grids = results.filter((r) => !isSearch(r));
    const worst = Math.max(...grids.map((r) => r.portal.p95));
    const worstRatio = Math.max(...results.map((r) => r.ratio));
    // search_p95_ms: the worst p95 of the four global search cases (each its own query kind).
    const searchP95 = Math.max(...results.filter(isSearch).map((r) => r.portal.p95));
    console.log(
      `  worst p95 ${worst.toFixed(1)} ms (target < ${TARGET_P95_MS}); worst portal ÷ SQL ${worstRatio.toFixed(2)} (target ≤ ${TARGET_RATIO}); global search p95 ${searchP95.toFixed(1)} ms (target < ${SEARCH_TARGET_P95_MS})`,
    );
    // accounts_grid_p95_ms: the worst p95 of the accounts grid's cases (also within grid_p95_ms_max).
    const accountsP95 = Math.max(...results.filter(isAccounts).map((r) => r.portal.p95));
    const json: Record<string, unknown> = {
      grid_p95_ms_max: Number(worst.toFixed(1)),
      grid_sql_ratio_max: Number(worstRatio.toFixed(2)),
      search_p95_ms: Number(searchP95.toFixed(1)),
      accounts_grid_p95_ms: Number(accountsP95.toFixed(1)),
    };
    for (const r of results) {
      json[`${r.key}_p95_ms`] = Number(r.portal.p95.toFixed(1));
      json[`${r.key}_p50_ms`] = Number(r.portal.p50.toFixed(1));
      json[`${r.key}_sql_p95_ms`] = Number(r.sql.p95.toFixed(1));
    }
    json.seed_s = Number(seedSeconds.toFixed(1));
    json.sizes = sizes;
    console.log(JSON.stringify(json));
  } finally {
    if (direct) await direct.end({ timeout: 5 }).catch(() => {});
    if (handle) await handle.close().catch(() => {});
    if (keep) console.error(`kept database ${name} (--keep)`);
    else {
      await adminQuery(`drop database if exists "${name}" with (force)`).catch((error: unknown) =>
        console.error(`could not drop ${name}: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  }
}
