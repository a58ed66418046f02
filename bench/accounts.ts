// `npm run bench -- accounts [--requests N] [--orders N] [--customers N] [--keep]` (defaults: 50
// requests; background of 20,000 customers with 60,000 orders): server time of the account page.
//   1. create `portal_bench_accounts_<ts>` on TEST_DATABASE_URL, migrate, seed the background store
//      set-based (bench/lib/seed-grids.ts, each customer a personal account), then one company
//      account of 4 customers in 2 websites with 1,000 orders, 50 credit memos and 200 carts;
//      account figures and RFM as after a sync (refreshAccountFigures);
//   2. per request, everything the page awaits for its default tab (Orders) as a manager sees it:
//      the account with its customers and live figures plus the owner list, then the Orders tab's
//      grid page narrowed to the account (rows + capped count) and its "any rows at all?" check;
//   3. a calibration: one fixed statement (the 1,000 orders' sum by customer) timed on the same
//      database, so figures from machines of different speed can be compared (ratio = page p50 ÷
//      calibration p50).
// Target: p95 < 300 ms. The database is dropped at the end, also on failure.
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { openDatabase, type Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import { listAccountOwners, loadAccountDetail } from "@/lib/accounts/detail";
import { ROLE_PERMISSIONS } from "@/lib/auth/permissions";
import type { SessionUser } from "@/lib/auth/session";
import { parseGridState } from "@/lib/grid/params";
import { gridFrom, gridWhere, loadGridPage } from "@/lib/grid/sql";
import type { GridScope } from "@/lib/grid/types";
import { ordersGrid } from "@/lib/orders/grid";
import { refreshAccountFigures } from "@/lib/sync/rules/account-figures";
import { ADMIN_URL, adminQuery, withDatabase } from "./lib/database";
import { migrateAndSeed } from "./lib/seed-grids";
import { option } from "./lib/simulator-process";

const TARGET_P95_MS = 300;
const WARMUP = 5;
const ACCOUNT_ORDERS = 1_000;
const MANAGER: SessionUser = { id: 0, email: "bench@portal.test", name: "Bench", role: "manager", permissions: ROLE_PERMISSIONS.manager };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
};

/** The benched account: a company of 4 customers (2 per website) with ACCOUNT_ORDERS orders, set-based. Returns its id. */
async function seedAccount(client: postgres.Sql): Promise<number> {
  // The background store's accounts come with the shared seed (bench/lib/seed-grids.ts).
  const [{ id }] = (await client.unsafe(`
    INSERT INTO accounts (name, type, sync_key, channel_id) VALUES ('Bench Buyer GmbH', 'company', 'company:1:bench buyer gmbh', 1)
    RETURNING id`)) as unknown as [{ id: string }];
  const accountId = Number(id);
  await client.unsafe(
    `
    INSERT INTO magento_customers (channel_id, origin_id, email, first_name, last_name, group_id, group_origin_id,
      website_id, website_origin_id, store_id, store_origin_id, currency_code, account_id, remote_created_at, remote_updated_at)
    SELECT 1, 50000000 + g, 'buyer' || g || '@bench-buyer.example', 'Buyer', 'Number ' || g, 2, 1,
      1 + (g - 1) / 2, 1 + (g - 1) / 2, 1 + 2 * ((g - 1) / 2), 1 + 2 * ((g - 1) / 2), CASE WHEN g <= 2 THEN 'USD' ELSE 'EUR' END,
      $1, now() - interval '3 years', now() - interval '1 day'
    FROM generate_series(1, 4) g`,
    [accountId],
  );
  await client.unsafe(
    `
    INSERT INTO magento_orders (channel_id, origin_id, increment_id, state, status, customer_id, customer_origin_id, is_guest,
      customer_email, customer_first_name, customer_last_name, store_id, store_origin_id, grand_total, base_grand_total, subtotal,
      tax_amount, shipping_amount, discount_amount, total_paid, order_currency_code, base_currency_code, global_currency_code,
      base_subtotal, base_discount_amount, base_shipping_amount, base_tax_amount, base_to_global_rate, payment_method,
      total_item_count, total_qty_ordered, remote_created_at, remote_updated_at)
    SELECT 1, 60000000 + g, (600000000 + g)::text, CASE WHEN g % 10 = 0 THEN 'canceled' ELSE 'complete' END,
      CASE WHEN g % 10 = 0 THEN 'canceled' ELSE 'complete' END, c.id, c.origin_id, false, c.email, c.first_name, c.last_name,
      c.store_id, c.store_origin_id, sub + 10, sub + 10, sub, 0, 10, 0, sub + 10, c.currency_code, c.currency_code, 'USD',
      sub, 0, 10, 0, CASE WHEN c.currency_code = 'EUR' THEN 1.0815 ELSE 1 END, 'checkmo', 2, 2,
      date_trunc('second', now() - interval '1000 days' * random()), now() - interval '1 day'
    FROM (SELECT g, round((20 + random() * 480)::numeric, 2) AS sub FROM generate_series(1, ${ACCOUNT_ORDERS}) g) o
    JOIN magento_customers c ON c.account_id = $1 AND c.origin_id = 50000000 + 1 + g % 4`,
    [accountId],
  );
  await client.unsafe(
    `
    INSERT INTO magento_credit_memos (channel_id, origin_id, increment_id, order_id, order_origin_id, customer_id, store_id, store_origin_id,
      state, grand_total, base_grand_total, subtotal, base_subtotal, base_to_global_rate, global_currency_code, order_currency_code,
      base_currency_code, remote_created_at, remote_updated_at)
    SELECT 1, 70000000 + o.id, (700000000 + o.id)::text, o.id, o.origin_id, o.customer_id, o.store_id, o.store_origin_id, 2,
      o.grand_total, o.base_grand_total, o.subtotal, o.base_subtotal, o.base_to_global_rate, 'USD', o.order_currency_code,
      o.base_currency_code, o.remote_created_at + interval '3 days', o.remote_created_at + interval '3 days'
    FROM magento_orders o WHERE o.customer_id IN (SELECT id FROM magento_customers WHERE account_id = $1) AND o.origin_id % 20 = 1`,
    [accountId],
  );
  await client.unsafe(
    `
    INSERT INTO magento_carts (channel_id, origin_id, status, is_active, customer_id, customer_origin_id, is_guest, customer_email,
      store_id, store_origin_id, items_count, items_qty, subtotal, grand_total, base_grand_total, currency_code, base_currency_code,
      base_to_global_rate, global_currency_code, remote_created_at, remote_updated_at)
    SELECT 1, 80000000 + g, CASE WHEN g % 3 = 0 THEN 'open' ELSE 'expired' END, g % 3 = 0, c.id, c.origin_id, false, c.email,
      c.store_id, c.store_origin_id, 1, 1, 50, 50, 50, c.currency_code, c.currency_code, 1, 'USD',
      now() - interval '300 days' * random(), now() - interval '1 day'
    FROM generate_series(1, 200) g JOIN magento_customers c ON c.account_id = $1 AND c.origin_id = 50000000 + 1 + g % 4`,
    [accountId],
  );
  return accountId;
}

/** Everything the account page awaits for its default tab, as a manager opens it. */
async function accountPage(db: Db, accountId: number, scope: GridScope): Promise<void> {
  const [detail] = await Promise.all([loadAccountDetail(db, MANAGER, accountId), listAccountOwners(db, MANAGER)]);
  if (detail?.kind !== "account") throw new Error(`account ${accountId} did not load`);
  const { state } = parseGridState(ordersGrid, {});
  const any = gridWhere(ordersGrid, { ...state, filters: {}, q: null, channelId: null, segmentId: null }, "UTC", { scope });
  await Promise.all([
    loadGridPage(db, ordersGrid, state, "UTC", { scope }),
    queryRows(db, sql`SELECT EXISTS (SELECT 1 FROM ${gridFrom(ordersGrid, state)} WHERE ${any}) AS any`),
  ]);
}

export async function run(args: string[]): Promise<void> {
  const requests = option(args, "requests", 50);
  const customers = option(args, "customers", 20_000);
  const orders = option(args, "orders", 60_000);
  const keep = args.includes("--keep");
  const name = `portal_bench_accounts_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const url = withDatabase(ADMIN_URL, name);
  console.log(
    `Accounts bench: one account with ${ACCOUNT_ORDERS.toLocaleString("en-US")} orders beside ${customers.toLocaleString("en-US")} other accounts with ${orders.toLocaleString("en-US")} orders; ${requests} requests`,
  );
  let handle: Awaited<ReturnType<typeof openDatabase>> | null = null;
  let seedClient: postgres.Sql | null = null;
  try {
    await adminQuery(`create database "${name}"`);
    handle = await openDatabase({ databaseUrl: url, max: 4 });
    const t0 = performance.now();
    await migrateAndSeed(
      handle.db,
      url,
      { customers, carts: Math.round(orders / 2), orders, creditMemos: Math.round(orders / 50), itemsPerOrder: 2 },
      console.log,
    );
    seedClient = postgres(url, { max: 1, onnotice: () => {} });
    const accountId = await seedAccount(seedClient);
    await refreshAccountFigures(handle.db, "all");
    await seedClient.unsafe("VACUUM ANALYZE");
    const seedSeconds = (performance.now() - t0) / 1000;
    console.log(`  seeded in ${seedSeconds.toFixed(1)} s; account #${accountId}`);

    const db = handle.reads;
    const scope: GridScope = { sql: "o.customer_id", value: accountId, label: "Bench Buyer GmbH", in: "account" };
    const detail = await loadAccountDetail(db, MANAGER, accountId);
    if (detail?.kind !== "account" || detail.figures.orderCount !== ACCOUNT_ORDERS - ACCOUNT_ORDERS / 10) {
      throw new Error(
        `the benched account does not hold the seeded orders (${detail?.kind === "account" ? detail.figures.orderCount : "none"})`,
      );
    }
    const calibration = () =>
      queryRows(
        db,
        sql`SELECT customer_id, sum(base_subtotal * base_to_global_rate) FROM magento_orders
            WHERE customer_id IN (SELECT id FROM magento_customers WHERE account_id = ${accountId}) GROUP BY customer_id`,
      );
    for (let i = 0; i < WARMUP; i++) {
      await accountPage(db, accountId, scope);
      await calibration();
    }
    const pageMs: number[] = [];
    const calibrationMs: number[] = [];
    for (let i = 0; i < requests; i++) {
      let start = performance.now();
      await accountPage(db, accountId, scope);
      pageMs.push(performance.now() - start);
      start = performance.now();
      await calibration();
      calibrationMs.push(performance.now() - start);
    }
    const page = stats(pageMs);
    const cal = stats(calibrationMs);
    const ratio = page.p50 / Math.max(cal.p50, 0.001);
    console.log(
      `  account page p50 ${page.p50.toFixed(1)} ms, p95 ${page.p95.toFixed(1)} ms (target p95 < ${TARGET_P95_MS})${page.p95 < TARGET_P95_MS ? "" : "  ← over target"}`,
    );
    console.log(
      `  calibration (the account's orders summed by customer) p50 ${cal.p50.toFixed(2)} ms; page ÷ calibration ${ratio.toFixed(1)}`,
    );
    console.log(
      JSON.stringify({
        account_page_p50_ms: Number(page.p50.toFixed(1)),
        account_page_p95_ms: Number(page.p95.toFixed(1)),
        calibration_ms: Number(cal.p50.toFixed(2)),
        ratio: Number(ratio.toFixed(1)),
        account_orders: ACCOUNT_ORDERS,
        background_orders: orders,
        seed_s: Number(seedSeconds.toFixed(1)),
      }),
    );
  } finally {
    if (seedClient) await seedClient.end({ timeout: 5 }).catch(() => {});
    if (handle) await handle.close().catch(() => {});
    if (keep) console.error(`kept database ${name} (--keep)`);
    else {
      await adminQuery(`drop database if exists "${name}" with (force)`).catch((error: unknown) =>
        console.error(`could not drop ${name}: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  }
}
