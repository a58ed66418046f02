import { sql, type SQL } from "drizzle-orm";
import type { Db, DbTx } from "@/db/client";
import { addDays } from "@/lib/dates";
import { queryRows } from "@/db/rows";
import { storeZones, localDaySql } from "@/lib/periods/time-zones";
import { abandonedCartCondition, DEFAULT_ABANDONMENT_DELAY_HOURS } from "@/lib/sync/rules/abandoned-carts";

// Daily rollups (report_daily_sales, report_daily_mix, report_daily_products) per channel, store
// and store-local day (the store's own time zone, lib/periods/time-zones.ts), and report_monthly_products (the daily products summed per calendar month, for
// long report ranges). They are derived data: a refresh recomputes whole days from the synced
// rows (sales and mix: delete and insert; products: only the rows that differ are written), then
// the months of the days whose products rows changed from the daily rows, so an incremental
// refresh and a full rebuild give the same rows by construction. Order lines count
// with their order (a sync writes an order's items with it, under the order's synced_at).
//
// Which days a change touches:
//  - an order: its own day, and for its customer the day of their first non-canceled order now and
//    the day of their first non-canceled order among the orders that did not change. A customer's
//    first order before the change was either one of the changed orders (its day is touched) or
//    the first of the unchanged ones; between the old and the new first order the customer has no
//    other non-canceled order, so no other day's new / returning counts can move. When both are the
//    same order the first order did not move and no customer day is added: a typical sync (new
//    orders of known customers, status changes) touches only its orders' own days. (Touching every
//    day of the customer would be exact too, but a customer with thousands of orders would turn a
//    small sync into a rebuild.)
//  - a cart: its own day, and the day of the order it became (recovered revenue depends on whether
//    the cart was contacted); also, with no change at all, when its abandonment delay ran out since
//    the last refresh (it is counted abandoned as of the refresh, lib/sync/rules/abandoned-carts.ts);
//  - a credit memo: its own day.

export const DAILY_SALES = "daily_sales";

// Rows a sync page writes carry synced_at = the page transaction's start, which may commit a few
// seconds after a refresh began; looking back this far past the last refresh keeps them.
const DEFAULT_LOOK_BACK_MS = 10 * 60_000;

type Exec = Db | DbTx;

export type RefreshResult = { mode: "full" | "incremental"; days: number; refreshedAt: Date };

/** Days ("YYYY-MM-DD") as a Postgres date[] parameter. */
function dayArray(days: readonly string[]): SQL {
  for (const d of days) if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new TypeError(`Not a day: ${d}`);
  return sql`${`{${days.join(",")}}`}::date[]`;
}

// A customer's first order: earliest, then lowest id. Spelled as magento_orders_customer_idx
// (customer_id, remote_created_at DESC NULLS LAST, id DESC NULLS FIRST) read backwards (the
// queries exclude null dates, so NULLS FIRST changes nothing), the walk stops at the first
// non-canceled order instead of reading and sorting every order of the customer.
const FIRST_ORDER = sql.raw("o.remote_created_at ASC NULLS FIRST, o.id ASC");

/** When the refresh counts carts as abandoned, and the channel's abandonment delay (lib/sync/rules/abandoned-carts.ts). */
type CartClock = { at: SQL; delayHours: SQL };

/** The local day of a row's `column`, by the zone of its store (`storeId`): see localDaySql. */
type DayOf = (column: SQL, storeId: SQL) => SQL;

function dayOfIn(zones: ReadonlyMap<number, string>): DayOf {
  return (column, storeId) => localDaySql(column, storeId, zones);
}

/** The local days touched by rows written since `since` (see the header). */
async function touchedDays(db: Exec, channelId: number, since: Date, dayOf: DayOf, carts: CartClock): Promise<string[]> {
  const from = since.toISOString();
  const rows = await queryRows<{ day: string }>(
    db,
    sql`
    WITH changed_orders AS (
      SELECT id, customer_id, store_id, remote_created_at FROM magento_orders
      WHERE channel_id = ${channelId} AND synced_at >= ${from}::timestamptz
    ), changed_carts AS (
      SELECT id, order_id, store_id, remote_created_at FROM magento_carts
      WHERE channel_id = ${channelId} AND synced_at >= ${from}::timestamptz
      UNION
      -- follow-up steps change a cart's status and contact without a sync
      SELECT c.id, c.order_id, c.store_id, c.remote_created_at FROM cart_events e JOIN magento_carts c ON c.id = e.cart_id
      WHERE e.at >= ${from}::timestamptz AND c.channel_id = ${channelId}
      UNION
      -- carts that became abandoned with no change at all: their delay ran out since the last refresh
      SELECT c.id, c.order_id, c.store_id, c.remote_created_at FROM magento_carts c
      WHERE c.channel_id = ${channelId} AND c.status IN ('open', 'contacted')
        AND c.remote_updated_at > ${from}::timestamptz - make_interval(hours => ${carts.delayHours})
        AND c.remote_updated_at <= ${carts.at} - make_interval(hours => ${carts.delayHours})
      UNION
      SELECT c.id, c.order_id, c.store_id, c.remote_created_at FROM magento_carts c
      WHERE c.channel_id = ${channelId} AND c.status IN ('open', 'contacted') AND c.remote_updated_at IS NULL
        AND c.remote_created_at > ${from}::timestamptz - make_interval(hours => ${carts.delayHours})
        AND c.remote_created_at <= ${carts.at} - make_interval(hours => ${carts.delayHours})
    )
    SELECT DISTINCT day::text AS day FROM (
      SELECT ${dayOf(sql`remote_created_at`, sql`store_id`)} AS day FROM changed_orders
      UNION ALL
      -- A customer's first order moved only when the first of all their orders is not the first of
      -- their unchanged ones; then both days are touched (usually it did not move: nothing more).
      SELECT ${dayOf(sql`d.at`, sql`d.store_id`)} FROM (SELECT DISTINCT customer_id FROM changed_orders WHERE customer_id IS NOT NULL) x
      LEFT JOIN LATERAL (
        SELECT o.id, o.store_id, o.remote_created_at FROM magento_orders o
        WHERE o.customer_id = x.customer_id AND o.state <> 'canceled' AND o.removed_at IS NULL AND o.remote_created_at IS NOT NULL
        ORDER BY ${FIRST_ORDER} LIMIT 1
      ) now_first ON true
      LEFT JOIN LATERAL (
        SELECT o.id, o.store_id, o.remote_created_at FROM magento_orders o
        WHERE o.customer_id = x.customer_id AND o.state <> 'canceled' AND o.removed_at IS NULL AND o.remote_created_at IS NOT NULL
          AND o.synced_at < ${from}::timestamptz
        ORDER BY ${FIRST_ORDER} LIMIT 1
      ) kept_first ON true
      CROSS JOIN LATERAL (VALUES (now_first.remote_created_at, now_first.store_id), (kept_first.remote_created_at, kept_first.store_id)) d(at, store_id)
      WHERE kept_first.id IS DISTINCT FROM now_first.id
      UNION ALL
      SELECT ${dayOf(sql`remote_created_at`, sql`store_id`)} FROM changed_carts
      UNION ALL
      SELECT ${dayOf(sql`o.remote_created_at`, sql`o.store_id`)} FROM magento_orders o WHERE o.id IN (SELECT order_id FROM changed_carts)
      UNION ALL
      SELECT ${dayOf(sql`remote_created_at`, sql`store_id`)} FROM magento_credit_memos
      WHERE channel_id = ${channelId} AND synced_at >= ${from}::timestamptz
    ) d WHERE day IS NOT NULL
    ORDER BY 1`,
  );
  return rows.map((r) => r.day);
}

/** Every day the channel has an order, cart or credit memo on. */
async function allDays(db: Exec, channelId: number, dayOf: DayOf): Promise<string[]> {
  const day = dayOf(sql`remote_created_at`, sql`store_id`);
  const rows = await queryRows<{ day: string }>(
    db,
    sql`
    SELECT DISTINCT day::text AS day FROM (
      SELECT ${day} AS day FROM magento_orders WHERE channel_id = ${channelId}
      UNION SELECT ${day} FROM magento_carts WHERE channel_id = ${channelId}
      UNION SELECT ${day} FROM magento_credit_memos WHERE channel_id = ${channelId}
    ) d WHERE day IS NOT NULL ORDER BY 1`,
  );
  return rows.map((r) => r.day);
}

/** A validated day as a SQL literal (see inDays). */
function dayLiteral(day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new TypeError(`Not a day: ${day}`);
  return `'${day}'::date`;
}

/**
 * `<alias>.remote_created_at` within the given local days: one UTC range per run of consecutive
 * days, widened by 15 hours on each side (no zone is further from UTC), as literals, then the exact
 * local day. The planner estimates the rows from the column's statistics; a join to unnest(days) on
 * the range was guessed at 1/9 of the table per day, so a refresh of a few days chose hash joins
 * over whole tables and paid for JIT compilation of every statement.
 */
function inDays(alias: string, days: readonly string[], dayOf: DayOf): SQL {
  const sorted = [...new Set(days)].sort();
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let end = sorted[i]!;
    let j = i + 1;
    while (j < sorted.length && sorted[j] === addDays(end, 1)) end = sorted[j++]!;
    ranges.push(
      `(${alias}.remote_created_at >= ${dayLiteral(sorted[i]!)}::timestamp AT TIME ZONE 'UTC' - interval '15 hours'` +
        ` AND ${alias}.remote_created_at < (${dayLiteral(end)} + 1)::timestamp AT TIME ZONE 'UTC' + interval '15 hours')`,
    );
    i = j;
  }
  if (ranges.length === 0) return sql.raw("false");
  return sql`(${sql.raw(ranges.join(" OR "))}) AND ${dayOf(sql.raw(`${alias}.remote_created_at`), sql.raw(`${alias}.store_id`))} = ANY(${dayArray(sorted)})`;
}

/**
 * Recomputes the given days of one channel's rollups (delete + insert, one transaction); returns
 * the days whose products rows changed (their months need recomputing).
 */
async function recomputeDays(tx: DbTx, channelId: number, days: readonly string[], dayOf: DayOf, carts: CartClock): Promise<string[]> {
  if (days.length === 0) return [];
  const D = dayArray(days);
  await tx.execute(sql`DELETE FROM report_daily_sales WHERE channel_id = ${channelId} AND day = ANY(${D})`);
  await tx.execute(sql`DELETE FROM report_daily_mix WHERE channel_id = ${channelId} AND day = ANY(${D})`);
  // A contacted cart: a follow-up reached its customer (issue F); orders from such carts are "recovered".
  await tx.execute(sql`
    CREATE TEMP TABLE IF NOT EXISTS report_day_orders (
      id bigint, store_id bigint, day date, customer_id bigint, canceled boolean, converted boolean, revenue numeric,
      base_revenue numeric, grand_total numeric, discount numeric, discounted boolean, rate numeric, status text, payment text,
      shipping text, contacted boolean, base_currency text, global_currency text
    ) ON COMMIT DROP`);
  // Money in the global currency: base amounts × the order's own base_to_global_rate, as Magento's
  // admin reports add them. An order synced before its base amounts were (converted = false) counts
  // as an order but adds no money: revenue & co. are null and sum() skips them.
  await tx.execute(sql`
    INSERT INTO report_day_orders
    SELECT o.id, o.store_id, ${dayOf(sql`o.remote_created_at`, sql`o.store_id`)}, o.customer_id, o.state = 'canceled', x.converted,
      CASE WHEN x.converted THEN (o.base_subtotal + o.base_discount_amount) * o.base_to_global_rate END,
      CASE WHEN x.converted THEN o.base_subtotal + o.base_discount_amount END,
      CASE WHEN x.converted THEN o.base_grand_total * o.base_to_global_rate END,
      CASE WHEN x.converted THEN o.base_discount_amount * o.base_to_global_rate END,
      o.discount_amount <> 0, CASE WHEN x.converted THEN o.base_to_global_rate END,
      o.status, coalesce(o.payment_method, '(none)'), coalesce(o.shipping_method, '(none)'),
      -- by the cart's key, order by order: a join hashed every cart of the store for a few days' orders
      coalesce((SELECT c.contact_count > 0 OR c.last_contact_at IS NOT NULL FROM magento_carts c WHERE c.id = o.cart_id), false),
      o.base_currency_code, o.global_currency_code
    FROM magento_orders o
    CROSS JOIN LATERAL (SELECT o.base_to_global_rate IS NOT NULL AND o.base_subtotal IS NOT NULL AND o.base_discount_amount IS NOT NULL
      AND o.base_grand_total IS NOT NULL AS converted) x
    WHERE ${inDays("o", days, dayOf)} AND o.channel_id = ${channelId} AND o.removed_at IS NULL`);
  // Its statistics, or the joins below are planned for a guessed size.
  await tx.execute(sql`ANALYZE report_day_orders`);
  await tx.execute(sql`
    WITH customers AS (SELECT DISTINCT customer_id FROM report_day_orders WHERE customer_id IS NOT NULL AND NOT canceled),
    firsts AS (
      -- each customer's first non-canceled order (over all days, not only the recomputed ones)
      SELECT f.customer_id, f.id AS first_id, ${dayOf(sql`f.remote_created_at`, sql`f.store_id`)} AS first_day
      FROM customers c CROSS JOIN LATERAL (
        SELECT o.id, o.customer_id, o.store_id, o.remote_created_at FROM magento_orders o
        WHERE o.customer_id = c.customer_id AND o.state <> 'canceled' AND o.removed_at IS NULL AND o.remote_created_at IS NOT NULL
        ORDER BY ${FIRST_ORDER} LIMIT 1
      ) f
    ),
    orders_agg AS (
      SELECT o.store_id, o.day,
        count(*) FILTER (WHERE NOT o.canceled)::int AS orders,
        count(*) FILTER (WHERE o.canceled)::int AS orders_canceled,
        coalesce(sum(o.revenue) FILTER (WHERE NOT o.canceled), 0) AS revenue,
        coalesce(sum(o.grand_total) FILTER (WHERE NOT o.canceled), 0) AS grand_total,
        coalesce(sum(o.discount) FILTER (WHERE NOT o.canceled), 0) AS discount_total,
        count(*) FILTER (WHERE NOT o.canceled AND o.discounted)::int AS discounted_orders,
        coalesce(sum(o.base_revenue) FILTER (WHERE NOT o.canceled), 0) AS base_revenue,
        count(*) FILTER (WHERE NOT o.canceled AND NOT o.converted)::int AS unconverted_orders,
        max(o.base_currency) AS base_currency, max(o.global_currency) AS global_currency,
        count(*) FILTER (WHERE NOT o.canceled AND o.id = f.first_id)::int AS new_customers,
        count(DISTINCT o.customer_id) FILTER (WHERE NOT o.canceled AND f.first_day < o.day)::int AS returning_customers,
        count(*) FILTER (WHERE NOT o.canceled AND f.first_day < o.day)::int AS returning_orders,
        count(*) FILTER (WHERE NOT o.canceled AND o.contacted)::int AS recovered_orders,
        coalesce(sum(o.revenue) FILTER (WHERE NOT o.canceled AND o.contacted), 0) AS recovered_revenue
      FROM report_day_orders o LEFT JOIN firsts f ON f.customer_id = o.customer_id
      GROUP BY o.store_id, o.day
    ),
    carts_agg AS (
      SELECT c.store_id, ${dayOf(sql`c.remote_created_at`, sql`c.store_id`)} AS day,
        count(*)::int AS carts_created,
        count(*) FILTER (WHERE c.status = 'purchased' AND NOT x.contacted)::int AS carts_purchased,
        count(*) FILTER (WHERE c.status = 'converted' OR (c.status = 'purchased' AND x.contacted))::int AS carts_converted,
        count(*) FILTER (WHERE c.status = 'expired')::int AS carts_expired,
        count(*) FILTER (WHERE c.status = 'lost')::int AS carts_lost,
        count(*) FILTER (WHERE c.status IN ('open', 'contacted') AND NOT x.abandoned)::int AS carts_open,
        count(*) FILTER (WHERE x.abandoned)::int AS carts_abandoned,
        coalesce(sum(c.base_grand_total * c.base_to_global_rate) FILTER (WHERE x.abandoned), 0) AS abandoned_value,
        count(*) FILTER (WHERE x.abandoned AND (c.base_grand_total IS NULL OR c.base_to_global_rate IS NULL))::int AS unconverted_carts,
        max(c.global_currency_code) AS global_currency
      FROM magento_carts c
      -- abandoned as of this refresh (lib/sync/rules/abandoned-carts.ts); the days of carts crossing the delay
      -- since the last refresh are touched (touchedDays)
      CROSS JOIN LATERAL (SELECT (c.contact_count > 0 OR c.last_contact_at IS NOT NULL) AS contacted,
        coalesce(${abandonedCartCondition("c", { at: carts.at, delayHours: carts.delayHours })}, false) AS abandoned) x
      WHERE ${inDays("c", days, dayOf)} AND c.channel_id = ${channelId}
      GROUP BY 1, 2
    ),
    memos_agg AS (
      SELECT m.store_id, ${dayOf(sql`m.remote_created_at`, sql`m.store_id`)} AS day, count(*)::int AS refunds_count,
        coalesce(sum(m.base_grand_total * m.base_to_global_rate), 0) AS refunds, coalesce(sum(m.base_grand_total), 0) AS base_refunds,
        count(*) FILTER (WHERE m.base_grand_total IS NULL OR m.base_to_global_rate IS NULL)::int AS unconverted_refunds,
        max(m.base_currency_code) AS base_currency, max(m.global_currency_code) AS global_currency
      FROM magento_credit_memos m
      WHERE ${inDays("m", days, dayOf)} AND m.channel_id = ${channelId} AND m.removed_at IS NULL AND m.state IS DISTINCT FROM 3
      GROUP BY 1, 2
    ),
    keys AS (
      SELECT store_id, day FROM orders_agg UNION SELECT store_id, day FROM carts_agg UNION SELECT store_id, day FROM memos_agg
    )
    INSERT INTO report_daily_sales (
      channel_id, website_id, store_id, day, orders, orders_canceled, revenue, grand_total, discount_total, discounted_orders,
      new_customers, returning_customers, returning_orders, refunds, refunds_count, carts_created, carts_purchased,
      carts_converted, carts_expired, carts_lost, carts_open, carts_abandoned, abandoned_value, recovered_orders, recovered_revenue,
      base_revenue, base_refunds, base_currency, global_currency, unconverted_orders, unconverted_refunds, unconverted_carts)
    SELECT ${channelId}, s.website_id, k.store_id, k.day,
      coalesce(o.orders, 0), coalesce(o.orders_canceled, 0), coalesce(o.revenue, 0), coalesce(o.grand_total, 0),
      coalesce(o.discount_total, 0), coalesce(o.discounted_orders, 0), coalesce(o.new_customers, 0),
      coalesce(o.returning_customers, 0), coalesce(o.returning_orders, 0), coalesce(m.refunds, 0), coalesce(m.refunds_count, 0),
      coalesce(c.carts_created, 0), coalesce(c.carts_purchased, 0), coalesce(c.carts_converted, 0), coalesce(c.carts_expired, 0),
      coalesce(c.carts_lost, 0), coalesce(c.carts_open, 0), coalesce(c.carts_abandoned, 0), coalesce(c.abandoned_value, 0),
      coalesce(o.recovered_orders, 0), coalesce(o.recovered_revenue, 0),
      coalesce(o.base_revenue, 0), coalesce(m.base_refunds, 0),
      coalesce(o.base_currency, m.base_currency, s.base_currency_code), coalesce(o.global_currency, m.global_currency, c.global_currency),
      coalesce(o.unconverted_orders, 0), coalesce(m.unconverted_refunds, 0), coalesce(c.unconverted_carts, 0)
    FROM keys k
    LEFT JOIN orders_agg o ON o.store_id IS NOT DISTINCT FROM k.store_id AND o.day = k.day
    LEFT JOIN carts_agg c ON c.store_id IS NOT DISTINCT FROM k.store_id AND c.day = k.day
    LEFT JOIN memos_agg m ON m.store_id IS NOT DISTINCT FROM k.store_id AND m.day = k.day
    LEFT JOIN magento_stores s ON s.id = k.store_id`);
  await tx.execute(sql`
    INSERT INTO report_daily_mix (channel_id, website_id, store_id, day, kind, value, orders, revenue)
    SELECT ${channelId}, s.website_id, x.store_id, x.day, x.kind, x.value, count(*)::int,
      coalesce(sum(x.revenue) FILTER (WHERE NOT x.canceled), 0)
    FROM (
      SELECT store_id, day, 'status' AS kind, status AS value, revenue, canceled FROM report_day_orders
      UNION ALL SELECT store_id, day, 'payment', payment, revenue, canceled FROM report_day_orders
      UNION ALL SELECT store_id, day, 'shipping', shipping, revenue, canceled FROM report_day_orders
    ) x LEFT JOIN magento_stores s ON s.id = x.store_id
    GROUP BY s.website_id, x.store_id, x.day, x.kind, x.value`);
  // Best sellers (docs/reports.md): top-level lines of non-canceled orders. The lines are fetched
  // per order by magento_order_items_order_idx (OFFSET 0 keeps the subquery a per-order lookup):
  // left to itself the planner hashed the whole items table to join a few days' orders, twice as slow.
  await tx.execute(sql`
    CREATE TEMP TABLE report_day_products ON COMMIT DROP AS
    SELECT max(s.website_id) AS website_id, o.store_id, o.day, i.sku, max(i.name) AS name, max(o.global_currency) AS currency,
      sum(i.qty_ordered - i.qty_canceled) AS qty, coalesce(sum((i.base_row_total - i.base_discount_amount) * o.rate), 0) AS revenue,
      count(DISTINCT i.order_id)::int AS orders, sum(i.qty_refunded) AS qty_refunded
    FROM report_day_orders o
    CROSS JOIN LATERAL (
      SELECT i.order_id, i.sku, i.name, i.qty_ordered, i.qty_canceled, i.base_row_total, i.base_discount_amount, i.qty_refunded
      FROM magento_order_items i WHERE i.order_id = o.id AND i.parent_item_origin_id IS NULL OFFSET 0
    ) i
    LEFT JOIN magento_stores s ON s.id = o.store_id
    WHERE NOT o.canceled
    GROUP BY o.store_id, o.day, i.sku`);
  await tx.execute(sql`ANALYZE report_day_products`);
  // Only the rows that differ are written: most changes a sync brings (an order invoiced, shipped,
  // completed) move no product figure, and rewriting a busy store's days (thousands of rows each,
  // with their index entries) cost more than the rest of the refresh.
  const gone = await queryRows<{ day: string }>(
    tx,
    sql`
    WITH gone AS (
      DELETE FROM report_daily_products d WHERE d.channel_id = ${channelId} AND d.day = ANY(${D}) AND NOT EXISTS (
        SELECT 1 FROM report_day_products n
        WHERE n.day = d.day AND n.sku = d.sku AND n.store_id IS NOT DISTINCT FROM d.store_id
          AND (n.website_id, n.name, n.currency, n.qty, n.revenue, n.orders, n.qty_refunded)
            IS NOT DISTINCT FROM (d.website_id, d.name, d.currency, d.qty, d.revenue, d.orders, d.qty_refunded))
      RETURNING d.day
    ) SELECT DISTINCT day::text AS day FROM gone`,
  );
  const added = await queryRows<{ day: string }>(
    tx,
    sql`
    WITH added AS (
      INSERT INTO report_daily_products (channel_id, website_id, store_id, day, sku, name, currency, qty, revenue, orders, qty_refunded)
      SELECT ${channelId}, n.website_id, n.store_id, n.day, n.sku, n.name, n.currency, n.qty, n.revenue, n.orders, n.qty_refunded
      FROM report_day_products n WHERE NOT EXISTS (
        SELECT 1 FROM report_daily_products d
        WHERE d.channel_id = ${channelId} AND d.day = ANY(${D}) AND d.day = n.day AND d.sku = n.sku AND d.store_id IS NOT DISTINCT FROM n.store_id)
      RETURNING day
    ) SELECT DISTINCT day::text AS day FROM added`,
  );
  await tx.execute(sql`DROP TABLE report_day_orders`);
  await tx.execute(sql`DROP TABLE report_day_products`);
  return [...new Set([...gone, ...added].map((r) => r.day))];
}

/**
 * magento_customers.order_days (the store-local days of each customer's non-canceled orders, for
 * the dashboard's "customers who ordered in a range"): for every customer of the channel, or for the
 * customers of orders written since `since`. Kept here, once per refresh, rather than with the
 * lifetime totals on every sync page: a customer's days are read again only when the rollups are.
 */
async function refreshOrderDays(tx: DbTx, channelId: number, dayOf: DayOf, since: Date | null): Promise<void> {
  const day = dayOf(sql`o.remote_created_at`, sql`o.store_id`);
  const customers =
    since === null
      ? sql`SELECT c.id FROM magento_customers c WHERE c.channel_id = ${channelId}`
      : // Orders written since, and customers written since: linking orders to a customer that arrived
        // after them, or moving a guest's orders to the account it merged into, changes the orders'
        // customer_id but not their synced_at (a merged guest keeps no orders, hence no days).
        sql`SELECT o.customer_id AS id FROM magento_orders o
          WHERE o.channel_id = ${channelId} AND o.synced_at >= ${since.toISOString()}::timestamptz AND o.customer_id IS NOT NULL
        UNION
        SELECT c.id FROM magento_customers c
          WHERE c.channel_id = ${channelId} AND (c.synced_at >= ${since.toISOString()}::timestamptz
            OR (c.merged_into_id IS NOT NULL AND c.order_days <> '{}'::datemultirange))`;
  await tx.execute(sql`
    UPDATE magento_customers c SET order_days = x.days
    FROM (
      SELECT ids.id, coalesce((
        SELECT range_agg(daterange(${day}, ${day}, '[]')) FROM magento_orders o
        WHERE o.customer_id = ids.id AND o.state <> 'canceled' AND o.removed_at IS NULL AND o.remote_created_at IS NOT NULL
      ), '{}'::datemultirange) AS days
      FROM (${customers}) ids
    ) x
    WHERE c.id = x.id AND c.order_days IS DISTINCT FROM x.days`);
}

/** The months ("YYYY-MM-01") the given days fall in. */
function monthsOf(days: readonly string[]): string[] {
  return [...new Set(days.map((d) => `${d.slice(0, 7)}-01`))].sort();
}

/** Recomputes report_monthly_products for the given months from the daily rows (already up to date). */
async function recomputeMonths(tx: DbTx, channelId: number, months: readonly string[]): Promise<void> {
  if (months.length === 0) return;
  const M = dayArray(months);
  await tx.execute(sql`DELETE FROM report_monthly_products WHERE channel_id = ${channelId} AND month = ANY(${M})`);
  await tx.execute(sql`
    INSERT INTO report_monthly_products (channel_id, website_id, store_id, month, sku, name, currency, qty, revenue, orders, qty_refunded)
    SELECT ${channelId}, max(d.website_id), d.store_id, m.month, d.sku, max(d.name), max(d.currency),
      sum(d.qty), sum(d.revenue), sum(d.orders)::int, sum(d.qty_refunded)
    FROM unnest(${M}) AS m(month)
    JOIN report_daily_products d ON d.day >= m.month AND d.day < (m.month + interval '1 month')::date AND d.channel_id = ${channelId}
    GROUP BY m.month, d.store_id, d.sku`);
}

/** The channel's abandonment delay (lib/sync/rules/abandoned-carts.ts), the default for a channel gone meanwhile. */
async function abandonmentDelayHours(db: Exec, channelId: number): Promise<number> {
  const [row] = await queryRows<{ hours: number }>(db, sql`SELECT abandonment_delay_hours AS hours FROM channels WHERE id = ${channelId}`);
  return row?.hours ?? DEFAULT_ABANDONMENT_DELAY_HOURS;
}

async function lastRefresh(db: Exec, channelId: number): Promise<Date | null> {
  const rows = await queryRows<{ refreshed_at: string | Date }>(
    db,
    sql`
    SELECT refreshed_at FROM report_refresh WHERE channel_id = ${channelId} AND kind = ${DAILY_SALES}`,
  );
  const v = rows[0]?.refreshed_at;
  return v === undefined ? null : new Date(v);
}

/**
 * Brings one channel's rollups up to date: the days touched since the last refresh, or every day
 * when the channel has never been refreshed (a new channel) or `full` is asked for.
 */
export async function refreshRollups(
  db: Db,
  channelId: number,
  options: { full?: boolean; /** how far before the last refresh to look for rows (default 10 min) */ lookBackMs?: number } = {},
): Promise<RefreshResult> {
  return db.transaction(async (tx) => {
    // One refresh per channel at a time: two would delete and insert the same days.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('report_rollups'), ${channelId}::int)`);
    // These statements run once each on modest row counts: JIT compiling them cost more than it
    // saved. A month of a big store's order lines is tens of MB to sort and group: in memory, not
    // spilled to disk (this transaction only; one refresh per channel at a time).
    await tx.execute(sql`SET LOCAL jit = off`);
    await tx.execute(sql`SET LOCAL work_mem = '64MB'`);
    const [clock] = await queryRows<{ now: string | Date }>(tx, sql`SELECT clock_timestamp() AS now`);
    const startedAt = new Date(clock!.now);
    const last = options.full ? null : await lastRefresh(tx, channelId);
    const dayOf = dayOfIn(await storeZones(tx, channelId));
    const carts: CartClock = {
      at: sql`${startedAt.toISOString()}::timestamptz`,
      delayHours: sql`${await abandonmentDelayHours(tx, channelId)}::int`,
    };
    let days: string[];
    const since = last === null ? null : new Date(last.getTime() - (options.lookBackMs ?? DEFAULT_LOOK_BACK_MS));
    await refreshOrderDays(tx, channelId, dayOf, since);
    if (last === null) {
      await tx.execute(sql`DELETE FROM report_daily_sales WHERE channel_id = ${channelId}`);
      await tx.execute(sql`DELETE FROM report_daily_mix WHERE channel_id = ${channelId}`);
      await tx.execute(sql`DELETE FROM report_daily_products WHERE channel_id = ${channelId}`);
      await tx.execute(sql`DELETE FROM report_monthly_products WHERE channel_id = ${channelId}`);
      days = await allDays(tx, channelId, dayOf);
    } else {
      days = await touchedDays(tx, channelId, since!, dayOf, carts);
    }
    // Large sets in slices: one statement over years of days would hold a big temp table at once.
    const changed: string[] = [];
    for (let i = 0; i < days.length; i += 92) changed.push(...(await recomputeDays(tx, channelId, days.slice(i, i + 92), dayOf, carts)));
    // The months of the days whose products rows changed (all of them after the full delete above).
    const months = monthsOf(changed);
    for (let i = 0; i < months.length; i += 12) await recomputeMonths(tx, channelId, months.slice(i, i + 12));
    await tx.execute(sql`
      INSERT INTO report_refresh (channel_id, kind, refreshed_at) VALUES (${channelId}, ${DAILY_SALES}, ${startedAt.toISOString()}::timestamptz)
      ON CONFLICT (channel_id, kind) DO UPDATE SET refreshed_at = excluded.refreshed_at`);
    return { mode: last === null ? "full" : "incremental", days: days.length, refreshedAt: startedAt };
  });
}

/** Rebuilds every day of a channel's rollups from the synced rows. */
export function rebuildRollups(db: Db, channelId: number): Promise<RefreshResult> {
  return refreshRollups(db, channelId, { full: true });
}
