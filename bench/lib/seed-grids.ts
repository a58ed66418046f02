// Seeds a migrated, empty Postgres database with a store of the issue's size for the grids bench,
// set-based (INSERT … SELECT FROM generate_series), in minutes. Secondary indexes are dropped for
// the load and rebuilt afterwards (one sorted build beats a million index insertions), and foreign
// key triggers are off for the load (session_replication_role = replica): the rows are consistent
// by construction. Distributions: 3 years of dates weighted to recent ones, a few big customers
// (customer = ⌊N·u²⌋ gives the first customers thousands of orders), realistic statuses, 4 store
// views in 2 websites with their currencies, 10% guests, amounts as numeric; an account per customer
// but for 5% who are the people of 2,000 company accounts (per 200k customers).
import postgres from "postgres";
import type { Db } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { refreshAccountFigures } from "@/lib/sync/rules/account-figures";
import { option } from "./simulator-process";

export type SeedSizes = { customers: number; carts: number; orders: number; creditMemos: number; itemsPerOrder: number };

export const ISSUE_SIZES: SeedSizes = { customers: 200_000, carts: 1_000_000, orders: 1_000_000, creditMemos: 50_000, itemsPerOrder: 3 };

/** `--customers N --carts N --orders N --credit-memos N` over the issue's sizes (exits 2 on a bad value). */
export function seedSizesFromArgs(args: string[]): SeedSizes {
  return {
    customers: option(args, "customers", ISSUE_SIZES.customers),
    carts: option(args, "carts", ISSUE_SIZES.carts),
    orders: option(args, "orders", ISSUE_SIZES.orders),
    creditMemos: option(args, "credit-memos", ISSUE_SIZES.creditMemos),
    itemsPerOrder: ISSUE_SIZES.itemsPerOrder,
  };
}

/**
 * Migrates the new, empty database at `url` (through `db`) and seeds it on a connection of its
 * own: one connection, so the seed's session settings hold for all its statements. Returns the
 * seed's seconds.
 */
export async function migrateAndSeed(db: Db, url: string, sizes: SeedSizes, log: (line: string) => void): Promise<number> {
  await migrateDatabase(db, "postgres");
  const seedClient = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const t0 = performance.now();
    await seedGrids(seedClient, sizes, log);
    // The accounts' figures and RFM, as the sync leaves them after a run (its own function), then
    // the accounts' statistics afresh.
    const t1 = performance.now();
    await refreshAccountFigures(db, "all");
    await seedClient.unsafe("VACUUM ANALYZE accounts");
    log(`    ${"account figures".padEnd(22)} ${((performance.now() - t1) / 1000).toFixed(1).padStart(6)} s`);
    const seconds = (performance.now() - t0) / 1000;
    log(`  seed: ${seconds.toFixed(1)} s`);
    return seconds;
  } finally {
    await seedClient.end({ timeout: 5 }).catch(() => {});
  }
}

const SEEDED_TABLES = [
  "magento_customers",
  "magento_carts",
  "magento_cart_items",
  "magento_orders",
  "magento_order_items",
  "magento_credit_memos",
  "accounts",
];
/** Seeded too (indexes dropped and rebuilt), but keyed by email: no id sequence to move on. */
const SEEDED_WITHOUT_ID = ["account_emails"];

const FIRST_NAMES = [
  "anna",
  "ben",
  "carla",
  "david",
  "emma",
  "felix",
  "grace",
  "henry",
  "ines",
  "jack",
  "kate",
  "liam",
  "maria",
  "noah",
  "olga",
  "paul",
  "rosa",
  "sam",
  "tina",
  "victor",
];
const LAST_NAMES = [
  "adams",
  "brown",
  "clark",
  "davis",
  "evans",
  "fisher",
  "garcia",
  "harris",
  "jones",
  "king",
  "lopez",
  "miller",
  "nguyen",
  "owens",
  "parker",
  "smith",
  "taylor",
  "walker",
  "young",
  "zimmer",
  // German names with umlauts, for global search's bench case (bench/grids.ts); emails spell them plain.
  "müller",
  "schröder",
  "bäcker",
];
const DOMAINS = ["example.com", "mail.test", "shop.example", "inbox.test"];

const pick = (list: readonly string[], expr: string) => `(ARRAY[${list.map((v) => `'${v}'`).join(",")}])[1 + ((${expr}) % ${list.length})]`;

// Dates: now − 3 years · u^1.5 (more recent orders than old ones), whole seconds as Magento has them.
const recentDate = (u: string) => `date_trunc('second', now() - interval '1095 days' * power(${u}, 1.5))`;

/** Fills the database; returns seconds per step. */
export async function seedGrids(
  sql: postgres.Sql,
  sizes: SeedSizes,
  log: (line: string) => void = () => {},
): Promise<Record<string, number>> {
  const steps: Record<string, number> = {};
  const step = async (name: string, statements: string | string[]) => {
    const t0 = performance.now();
    for (const statement of Array.isArray(statements) ? statements : [statements]) await sql.unsafe(statement);
    steps[name] = (performance.now() - t0) / 1000;
    log(`    ${name.padEnd(22)} ${steps[name]!.toFixed(1).padStart(6)} s`);
  };
  const { customers, carts, orders, creditMemos, itemsPerOrder } = sizes;

  await sql.unsafe("SET synchronous_commit = off");
  await sql.unsafe("SET maintenance_work_mem = '256MB'");
  await sql.unsafe("SET session_replication_role = replica");
  await sql.unsafe("SELECT setseed(0.42)");

  const indexes = await sql.unsafe<{ name: string; def: string }[]>(
    `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
     WHERE i.schemaname = 'public' AND i.tablename = ANY($1)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [[...SEEDED_TABLES, ...SEEDED_WITHOUT_ID]],
  );
  await step(
    "drop indexes",
    indexes.map((i) => `DROP INDEX "${i.name}"`),
  );

  await step("reference data", [
    `INSERT INTO channels (name, base_url) VALUES ('Bench store', 'http://127.0.0.1:1')`,
    `INSERT INTO magento_websites (channel_id, origin_id, code, name)
       SELECT 1, g, 'web' || g, (ARRAY['Main Website','EU Website'])[g] FROM generate_series(1, 2) g`,
    `INSERT INTO magento_stores (channel_id, origin_id, code, name, website_id, website_origin_id, base_currency_code, default_display_currency_code, timezone)
       SELECT 1, g, (ARRAY['us_en','us_es','eu_de','eu_fr'])[g], (ARRAY['US English','US Spanish','German','French'])[g],
              1 + (g - 1) / 2, 1 + (g - 1) / 2, (ARRAY['USD','USD','EUR','EUR'])[g], (ARRAY['USD','USD','EUR','EUR'])[g],
              (ARRAY['America/Chicago','America/Los_Angeles','Europe/Berlin','Europe/Paris'])[g]
       FROM generate_series(1, 4) g`,
    `INSERT INTO magento_customer_groups (channel_id, origin_id, code)
       SELECT 1, g - 1, (ARRAY['NOT LOGGED IN','General','Wholesale','Retailer'])[g] FROM generate_series(1, 4) g`,
  ]);

  // Every 10th customer is a guest (no Magento id, keyed by email). Accounts (lib/sync/rules/accounts.ts):
  // one per email (every customer's email is its own here, so one per customer), except that customers
  // 5, 25, 45, 65 and 85 of every hundred (never guests) are the people of one company account each
  // (account id customers + 1 + ⌊g / 100⌋), as when the channel groups customers by company.
  const companyOf = (g: string) => `${customers} + 1 + ${g} / 100`;
  await step(
    "customers",
    `
    INSERT INTO magento_customers (id, channel_id, origin_id, is_guest, guest_key, email, first_name, last_name,
      group_id, group_origin_id, website_id, website_origin_id, store_id, store_origin_id, is_subscribed,
      billing_country_id, billing_region, currency_code, remote_created_at, remote_updated_at, account_id)
    OVERRIDING SYSTEM VALUE
    SELECT g, 1, CASE WHEN g % 10 = 0 THEN NULL ELSE g END, g % 10 = 0,
      CASE WHEN g % 10 = 0 THEN email END, email, f, l,
      CASE WHEN g % 10 = 0 THEN 1 ELSE 2 + g % 3 END, CASE WHEN g % 10 = 0 THEN 0 ELSE 1 + g % 3 END,
      1 + (st - 1) / 2, 1 + (st - 1) / 2, st, st, CASE g % 3 WHEN 0 THEN true WHEN 1 THEN false END,
      ${pick(["US", "US", "DE", "FR", "GB"], "g / 7")}, ${pick(["CA", "NY", "TX", "BY", "IDF"], "g / 11")},
      CASE WHEN st <= 2 THEN 'USD' ELSE 'EUR' END, created, date_trunc('second', created + random() * interval '200 days'),
      CASE WHEN g % 20 = 5 THEN ${companyOf("g")} ELSE g END
    FROM (
      SELECT g, 1 + g % 4 AS st, ${pick(FIRST_NAMES, "g")} AS f, ${pick(LAST_NAMES, "g / 20")} AS l,
        ${pick(FIRST_NAMES, "g")} || '.' || translate(${pick(LAST_NAMES, "g / 20")}, 'äöü', 'aou') || g || '@' || ${pick(DOMAINS, "g / 400")} AS email,
        ${recentDate("random()")} - interval '30 days' AS created
      FROM generate_series(1, ${customers}) g
    ) s`,
  );

  // Figures and RFM are filled after the load by the sync's own refreshAccountFigures (migrateAndSeed).
  await step("accounts", [
    `
    INSERT INTO accounts (id, name, type, sync_key)
    OVERRIDING SYSTEM VALUE
    SELECT c.id, initcap(c.first_name) || ' ' || initcap(c.last_name), 'person', 'email:' || lower(c.email)
    FROM magento_customers c WHERE c.id % 20 <> 5`,
    `
    INSERT INTO accounts (id, name, type, sync_key, channel_id)
    OVERRIDING SYSTEM VALUE
    SELECT ${companyOf("(100 * k + 5)")}, name, 'company', 'company:1:' || lower(name), 1
    FROM (
      SELECT k, ${pick(["Initech", "Globex", "Umbrella", "Hooli", "Vandelay", "Soylent", "Acme", "Wonka"], "k")} || ' ' || (k + 1) || ' '
        || ${pick(["GmbH", "Ltd", "Inc"], "k / 8")} AS name
      FROM generate_series(0, (${customers} - 5) / 100) k
    ) s`,
    `INSERT INTO account_emails (email, account_id) SELECT lower(email), account_id FROM magento_customers`,
  ]);

  // Orders: customer = 1 + ⌊N·u²⌋ (skewed), created over 3 years; the order's cart is cart g for
  // 3 orders in 5 (the rest came from carts older than the synced history).
  await step(
    "orders",
    `
    INSERT INTO magento_orders (id, channel_id, origin_id, increment_id, quote_origin_id, cart_id, state, status,
      customer_id, customer_origin_id, is_guest, customer_email, customer_first_name, customer_last_name, customer_group_origin_id,
      store_id, store_origin_id, grand_total, base_grand_total, subtotal, tax_amount, shipping_amount, discount_amount,
      total_paid, total_refunded, total_canceled, total_due, order_currency_code, base_currency_code, global_currency_code,
      base_subtotal, base_discount_amount, base_shipping_amount, base_tax_amount, base_total_refunded, base_total_canceled, base_to_global_rate,
      coupon_code, payment_method, shipping_method, shipping_description, total_item_count, total_qty_ordered,
      billing_country_id, billing_region, remote_created_at, remote_updated_at)
    OVERRIDING SYSTEM VALUE
    SELECT g, 1, g, (100000000 + g)::text, CASE WHEN g % 5 < 3 AND g <= ${carts} THEN g END, CASE WHEN g % 5 < 3 AND g <= ${carts} THEN g END,
      st.state, st.status, c.id, c.origin_id, c.is_guest, c.email, c.first_name, c.last_name, c.group_origin_id,
      c.store_id, c.store_origin_id, sub + ship + tax + disc, sub + ship + tax + disc, sub, tax, ship, disc,
      CASE WHEN st.state IN ('complete','processing','closed') THEN sub + ship + tax + disc ELSE 0 END,
      CASE WHEN st.state = 'closed' THEN sub + ship + tax + disc ELSE 0 END,
      CASE WHEN st.state = 'canceled' THEN sub + ship + tax + disc ELSE 0 END,
      CASE WHEN st.state IN ('new','pending_payment','holded') THEN sub + ship + tax + disc ELSE 0 END,
      c.currency_code, c.currency_code, 'USD',
      -- the EU website's base currency is EUR (its orders' amounts); global USD at Magento's rate
      sub, disc, ship, tax, CASE WHEN st.state = 'closed' THEN sub + ship + tax + disc ELSE 0 END,
      CASE WHEN st.state = 'canceled' THEN sub + ship + tax + disc ELSE 0 END, CASE WHEN c.currency_code = 'EUR' THEN 1.0815 ELSE 1 END,
      CASE WHEN disc < 0 THEN ${pick(["SPRING10", "WELCOME", "VIP20", "FREESHIP"], "g")} END,
      ${pick(["checkmo", "banktransfer", "paypal_express", "braintree", "braintree"], "g / 3")},
      ${pick(["flatrate_flatrate", "tablerate_bestway", "freeshipping_freeshipping"], "g / 13")}, 'Shipping',
      ${itemsPerOrder}, ${itemsPerOrder}, c.billing_country_id, c.billing_region, created, date_trunc('second', created + random() * interval '20 days')
    FROM (
      SELECT g, 1 + floor(${customers} * power(random(), 2))::int AS cid, random() AS su,
        round((20 + random() * 480)::numeric, 2) AS sub, round((random() * 25)::numeric, 2) AS ship,
        round((random() * 40)::numeric, 2) AS tax, CASE WHEN random() < 0.2 THEN -round((random() * 30)::numeric, 2) ELSE 0 END AS disc,
        ${recentDate("random()")} AS created
      FROM generate_series(1, ${orders}) g
    ) o
    JOIN magento_customers c ON c.id = o.cid
    CROSS JOIN LATERAL (
      SELECT * FROM (VALUES
        (0.00, 0.55, 'complete', 'complete'), (0.55, 0.70, 'processing', 'processing'), (0.70, 0.80, 'new', 'pending'),
        (0.80, 0.90, 'canceled', 'canceled'), (0.90, 0.95, 'closed', 'closed'), (0.95, 0.98, 'holded', 'holded'),
        (0.98, 1.01, 'pending_payment', 'pending_payment')
      ) v(lo, hi, state, status) WHERE o.su >= v.lo AND o.su < v.hi
    ) st`,
  );

  await step(
    "order items",
    `
    INSERT INTO magento_order_items (channel_id, origin_id, order_id, order_origin_id, sku, name, product_type, product_origin_id,
      qty_ordered, qty_invoiced, price, base_price, original_price, row_total, base_row_total, base_discount_amount, base_tax_amount,
      remote_created_at, remote_updated_at)
    SELECT 1, (o.id - 1) * ${itemsPerOrder} + i, o.id, o.origin_id, 'SKU-' || p, 'Product ' || p, 'simple', p,
      1, CASE WHEN o.state IN ('complete','closed') THEN 1 ELSE 0 END, price, price, price, price, price, 0, 0,
      o.remote_created_at, o.remote_updated_at
    FROM magento_orders o CROSS JOIN LATERAL (
      SELECT i, 1 + (o.id * 7 + i * 131) % 2000 AS p, round((o.subtotal / ${itemsPerOrder}), 4) AS price
      FROM generate_series(1, ${itemsPerOrder}) i
    ) it`,
  );

  // Carts: those an order came from are purchased; the rest open / expired / lost / converted.
  await step(
    "carts",
    `
    INSERT INTO magento_carts (id, channel_id, origin_id, status, is_active, customer_id, customer_origin_id, is_guest,
      customer_email, customer_first_name, customer_last_name, store_id, store_origin_id, items_count, items_qty,
      subtotal, grand_total, base_grand_total, currency_code, base_currency_code, base_to_global_rate, global_currency_code,
      billing_country_id, billing_region, order_id, remote_created_at, remote_updated_at)
    OVERRIDING SYSTEM VALUE
    SELECT g, 1, g, status, status = 'open', c.id, c.origin_id, c.is_guest, c.email, c.first_name, c.last_name,
      c.store_id, c.store_origin_id, 2, 2, total, total, total, c.currency_code, c.currency_code,
      CASE WHEN c.currency_code = 'EUR' THEN 1.0815 ELSE 1 END, 'USD', c.billing_country_id, c.billing_region,
      CASE WHEN status = 'purchased' THEN g END, created, date_trunc('second', created + random() * interval '5 days')
    FROM (
      SELECT g, 1 + floor(${customers} * power(random(), 2))::int AS cid, round((10 + random() * 490)::numeric, 2) AS total,
        ${recentDate("random()")} AS created,
        CASE WHEN g % 5 < 3 AND g <= ${orders} THEN 'purchased'
             ELSE ${pick(["open", "expired", "expired", "lost", "converted"], "g / 5")} END AS status
      FROM generate_series(1, ${carts}) g
    ) s JOIN magento_customers c ON c.id = s.cid`,
  );

  await step(
    "cart items",
    `
    INSERT INTO magento_cart_items (channel_id, origin_id, cart_id, cart_origin_id, sku, name, product_type, qty, price, row_total)
    SELECT 1, (ct.id - 1) * 2 + i, ct.id, ct.origin_id, 'SKU-' || (1 + (ct.id * 3 + i * 17) % 2000), 'Product', 'simple', 1,
      round(ct.subtotal / 2, 4), round(ct.subtotal / 2, 4)
    FROM magento_carts ct CROSS JOIN generate_series(1, 2) i`,
  );

  // Credit memos for every 20th order (refunds of its whole total).
  await step(
    "credit memos",
    `
    INSERT INTO magento_credit_memos (channel_id, origin_id, increment_id, order_id, order_origin_id, customer_id, store_id, store_origin_id,
      state, grand_total, base_grand_total, subtotal, tax_amount, shipping_amount, discount_amount, adjustment,
      base_subtotal, base_tax_amount, base_shipping_amount, base_discount_amount, base_adjustment, base_to_global_rate, global_currency_code,
      order_currency_code, base_currency_code, remote_created_at, remote_updated_at)
    SELECT 1, k, (200000000 + k)::text, o.id, o.origin_id, o.customer_id, o.store_id, o.store_origin_id,
      2, o.grand_total, o.grand_total, o.subtotal, o.tax_amount, o.shipping_amount, o.discount_amount, 0,
      o.base_subtotal, o.base_tax_amount, o.base_shipping_amount, o.base_discount_amount, 0, o.base_to_global_rate, 'USD',
      o.order_currency_code, o.base_currency_code, o.remote_created_at + interval '3 days', o.remote_created_at + interval '3 days'
    FROM generate_series(1, ${creditMemos}) k JOIN magento_orders o ON o.id = k * greatest(1, ${orders} / ${creditMemos})`,
  );

  // Lifetime figures, as lib/sync/rules/ltv.ts keeps them (before the index rebuild: cheaper updates).
  await step(
    "customer totals",
    `
    UPDATE magento_customers c SET lifetime_value = coalesce(s.ltv, 0), orders_count = s.n, refunds_total = coalesce(m.refunds, 0),
      lifetime_currency_code = 'USD', order_days = coalesce(s.days, '{}')
    FROM (SELECT o.customer_id, sum((o.base_subtotal + o.base_discount_amount) * o.base_to_global_rate) FILTER (WHERE o.state <> 'canceled') AS ltv,
                 count(*) FILTER (WHERE o.state <> 'canceled')::int AS n,
                 range_agg(daterange(d.day, d.day, '[]')) FILTER (WHERE o.state <> 'canceled') AS days
          FROM magento_orders o JOIN magento_stores st ON st.id = o.store_id
          CROSS JOIN LATERAL (SELECT (o.remote_created_at AT TIME ZONE st.timezone)::date AS day) d
          GROUP BY o.customer_id) s
    LEFT JOIN (SELECT customer_id, sum(base_grand_total * base_to_global_rate) AS refunds FROM magento_credit_memos GROUP BY customer_id) m
      ON m.customer_id = s.customer_id
    WHERE c.id = s.customer_id`,
  );

  await step(
    "rebuild indexes",
    indexes.map((i) => i.def),
  );
  await sql.unsafe("SET session_replication_role = origin");

  await step(
    "sequences",
    SEEDED_TABLES.concat(["magento_websites", "magento_stores", "magento_customer_groups", "channels"]).map(
      (t) => `SELECT setval(pg_get_serial_sequence('${t}', 'id'), greatest(1, (SELECT coalesce(max(id), 0) FROM ${t})))`,
    ),
  );
  await step("vacuum analyze", "VACUUM ANALYZE");
  return steps;
}
