import { sql, type SQL } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { accountInChannel, accountInWebsite } from "@/lib/accounts/scope";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { customerNameSql } from "@/lib/customers/name";
import { rangeLength, type DayRange } from "@/lib/dates";
import { bucketStarts, type Bucket, type ReportFilters } from "@/lib/periods/filters";
import { DAILY_SALES } from "@/lib/sync/rules/rollups";
import { queryRows } from "@/db/rows";
import { inLocalDays, storeZoneCase, storeZones } from "@/lib/periods/time-zones";

// The dashboard's loaders: one per widget, each checking the permission itself and reading the
// daily rollups where it can (lib/sync/rules/rollups.ts). Money stays numeric in SQL and comes back
// as decimal strings; ratios are computed by Postgres too (numeric division, rounded for display).

export type DashboardScope = Pick<ReportFilters, "range" | "previous" | "bucket" | "channelId" | "websiteId">;

async function open(user: SessionUser | null, db?: Db): Promise<Db> {
  requirePermission(user, "view_sales");
  return db ?? (await getDb());
}

/** Rollup rows of the scope's channel / website within a range (alias r). */
function rollupWhere(scope: DashboardScope, range: DayRange): SQL {
  const parts: SQL[] = [sql`r.day BETWEEN ${range.from}::date AND ${range.to}::date`];
  if (scope.channelId !== null) parts.push(sql`r.channel_id = ${scope.channelId}`);
  if (scope.websiteId !== null) parts.push(sql`r.website_id = ${scope.websiteId}`);
  return sql.join(parts, sql` AND `);
}

/** Orders (alias o) of the scope's channel / website created within a range of their stores' local days. */
function ordersWhere(scope: DashboardScope, range: DayRange, zones: ReadonlyMap<number, string>): SQL {
  const parts: SQL[] = [inLocalDays(sql`o.remote_created_at`, storeZoneCase(sql`o.store_id`, zones), range), sql`o.removed_at IS NULL`];
  if (scope.channelId !== null) parts.push(sql`o.channel_id = ${scope.channelId}`);
  if (scope.websiteId !== null) parts.push(sql`o.store_id IN (SELECT id FROM magento_stores WHERE website_id = ${scope.websiteId})`);
  return sql.join(parts, sql` AND `);
}

function bucketOf(bucket: Bucket): SQL {
  if (bucket === "day") return sql`r.day`;
  return bucket === "week" ? sql`date_trunc('week', r.day)::date` : sql`date_trunc('month', r.day)::date`;
}

// Amounts are in the global currency of the Magento behind each channel: base amounts × each
// order's base_to_global_rate, summed by the rollups (lib/sync/rules/rollups.ts), as Magento's own
// reports add them. Only channels of different Magento installs can differ in global currency.

/** The global currencies of the scope's rollups (one per Magento install); more than one: they do not add up. */
export async function scopeCurrencies(
  user: SessionUser | null,
  scope: Pick<DashboardScope, "channelId" | "websiteId">,
  db?: Db,
): Promise<string[]> {
  const d = await open(user, db);
  const rows = await queryRows<{ code: string }>(
    d,
    sql`
    SELECT r.global_currency AS code, min(r.channel_id) AS first FROM report_daily_sales r
    WHERE r.global_currency IS NOT NULL
      AND (${scope.channelId}::bigint IS NULL OR r.channel_id = ${scope.channelId})
      AND (${scope.websiteId}::bigint IS NULL OR r.website_id = ${scope.websiteId})
    GROUP BY 1 ORDER BY 2, 1`,
  );
  return rows.map((row) => row.code);
}

/** The currency the dashboard's amounts are in: the scope's global currency (USD before any sync). */
export async function dashboardCurrency(user: SessionUser | null, scope: DashboardScope, db?: Db): Promise<string> {
  return (await scopeCurrencies(user, scope, db))[0] ?? "USD";
}

// ── KPIs ────────────────────────────────────────────────────────────────────────────────────

export type KpiFigures = {
  revenue: string;
  orders: number;
  discountedOrders: number;
  /** discounted ÷ orders × 100, or null with no orders */
  discountedPercent: string | null;
  averageOrderValue: string | null;
  newCustomers: number;
  returningCustomers: number;
  refunds: string;
  abandonedRevenue: string;
  abandonedCarts: number;
  cartsCreated: number;
  /** abandoned carts ÷ created carts × 100 (a count over a count, unlike OroCRM's) */
  abandonRate: string | null;
  /** Records synced before their base amounts were: counted, but not in the money figures yet. */
  unconverted: { orders: number; refunds: number; carts: number };
};

export type Kpis = { current: KpiFigures; previous: KpiFigures };

async function kpiFigures(d: Db, scope: DashboardScope, range: DayRange): Promise<KpiFigures> {
  const [[r], [c]] = await Promise.all([rollupKpis(d, scope, range), customersInRange(d, scope, range)]);
  return {
    revenue: r!.revenue,
    orders: r!.orders,
    discountedOrders: r!.discounted,
    discountedPercent: r!.discounted_pct,
    averageOrderValue: r!.aov,
    newCustomers: r!.new_customers,
    returningCustomers: Math.max(0, c!.n - r!.new_customers),
    refunds: r!.refunds,
    abandonedRevenue: r!.abandoned_value,
    abandonedCarts: r!.abandoned,
    cartsCreated: r!.created,
    abandonRate: r!.abandon_rate,
    unconverted: { orders: r!.unconverted_orders, refunds: r!.unconverted_refunds, carts: r!.unconverted_carts },
  };
}

function rollupKpis(d: Db, scope: DashboardScope, range: DayRange) {
  return queryRows<{
    revenue: string;
    orders: number;
    discounted: number;
    discounted_pct: string | null;
    aov: string | null;
    new_customers: number;
    refunds: string;
    abandoned_value: string;
    abandoned: number;
    created: number;
    abandon_rate: string | null;
    unconverted_orders: number;
    unconverted_refunds: number;
    unconverted_carts: number;
  }>(
    d,
    sql`
    SELECT coalesce(sum(r.revenue), 0)::text AS revenue, coalesce(sum(r.orders), 0)::int AS orders,
      coalesce(sum(r.discounted_orders), 0)::int AS discounted,
      round(sum(r.discounted_orders)::numeric * 100 / nullif(sum(r.orders), 0), 2)::text AS discounted_pct,
      round(sum(r.revenue) / nullif(sum(r.orders) - sum(r.unconverted_orders), 0), 4)::text AS aov,
      coalesce(sum(r.new_customers), 0)::int AS new_customers, coalesce(sum(r.refunds), 0)::text AS refunds,
      coalesce(sum(r.abandoned_value), 0)::text AS abandoned_value, coalesce(sum(r.carts_abandoned), 0)::int AS abandoned,
      coalesce(sum(r.carts_created), 0)::int AS created,
      round(sum(r.carts_abandoned)::numeric * 100 / nullif(sum(r.carts_created), 0), 2)::text AS abandon_rate,
      coalesce(sum(r.unconverted_orders), 0)::int AS unconverted_orders, coalesce(sum(r.unconverted_refunds), 0)::int AS unconverted_refunds,
      coalesce(sum(r.unconverted_carts), 0)::int AS unconverted_carts
    FROM report_daily_sales r WHERE ${rollupWhere(scope, range)}`,
  );
}

/**
 * Customers who ordered in the range. Returning = these less those whose first order is in it (the
 * new ones); a distinct count over the range cannot come from daily rows, so it reads orders.
 * (DISTINCT in a subquery: a hash aggregate, where count(DISTINCT …) would sort.)
 */
async function customersInRange(d: Db, scope: DashboardScope, range: DayRange) {
  // A long range over whole channels: one overlap test per customer on the days they ordered
  // (magento_customers.order_days, the same orders and days), not a distinct count over every order
  // in the range. A website narrows by the orders' stores, which only the orders hold.
  if (scope.websiteId === null && rangeLength(range) > 31) {
    return queryRows<{ n: number }>(
      d,
      sql`
      SELECT count(*)::int AS n FROM magento_customers c
      WHERE c.order_days && daterange(${range.from}::date, ${range.to}::date, '[]')
        AND (${scope.channelId}::bigint IS NULL OR c.channel_id = ${scope.channelId})`,
    );
  }
  const zones = await storeZones(d, scope.channelId);
  return queryRows<{ n: number }>(
    d,
    sql`
    SELECT count(*)::int AS n FROM (SELECT DISTINCT o.customer_id FROM magento_orders o
    WHERE ${ordersWhere(scope, range, zones)} AND o.state <> 'canceled' AND o.customer_id IS NOT NULL) x`,
  );
}

/** The KPIs of the range and of the previous period. */
export async function loadKpis(user: SessionUser | null, scope: DashboardScope, db?: Db): Promise<Kpis> {
  const d = await open(user, db);
  const [current, previous] = await Promise.all([kpiFigures(d, scope, scope.range), kpiFigures(d, scope, scope.previous)]);
  return { current, previous };
}

/** Change from `previous` to `current` in percent (one decimal), null when there is nothing to compare with. */
export function percentChange(current: string | number | null, previous: string | number | null): number | null {
  if (current === null || previous === null) return null;
  const c = Number(current);
  const p = Number(previous);
  if (!Number.isFinite(c) || !Number.isFinite(p) || p === 0) return null;
  // A display figure (not a money amount): a float is fine here.
  return Math.round(((c - p) / Math.abs(p)) * 1000) / 10;
}

// ── series ──────────────────────────────────────────────────────────────────────────────────

export type SalesSeries = {
  bucket: Bucket;
  buckets: string[];
  revenue: string[];
  orders: string[];
  previousBuckets: string[];
  /** aligned by position with `buckets` (the first bucket of the previous period beside the first of this one) */
  previousRevenue: (string | null)[];
  previousOrders: (string | null)[];
};

async function bucketed(d: Db, scope: DashboardScope, range: DayRange): Promise<Map<string, { revenue: string; orders: number }>> {
  const rows = await queryRows<{ b: string; revenue: string; orders: number }>(
    d,
    sql`
    SELECT ${bucketOf(scope.bucket)}::text AS b, sum(r.revenue)::text AS revenue, sum(r.orders)::int AS orders
    FROM report_daily_sales r WHERE ${rollupWhere(scope, range)} GROUP BY 1`,
  );
  return new Map(rows.map((r) => [r.b, { revenue: r.revenue, orders: r.orders }]));
}

/** Revenue (canceled excluded) and orders per bucket, with the previous period beside them. */
export async function loadSalesSeries(user: SessionUser | null, scope: DashboardScope, db?: Db): Promise<SalesSeries> {
  const d = await open(user, db);
  const [cur, prev] = await Promise.all([bucketed(d, scope, scope.range), bucketed(d, scope, scope.previous)]);
  const buckets = bucketStarts(scope.range, scope.bucket);
  const previousBuckets = bucketStarts(scope.previous, scope.bucket);
  const at = (i: number) => previousBuckets[i];
  return {
    bucket: scope.bucket,
    buckets,
    revenue: buckets.map((b) => cur.get(b)?.revenue ?? "0"),
    orders: buckets.map((b) => String(cur.get(b)?.orders ?? 0)),
    previousBuckets,
    previousRevenue: buckets.map((_, i) => (at(i) === undefined ? null : (prev.get(at(i)!)?.revenue ?? "0"))),
    previousOrders: buckets.map((_, i) => (at(i) === undefined ? null : String(prev.get(at(i)!)?.orders ?? 0))),
  };
}

export type ChannelSeries = {
  buckets: string[];
  channels: { id: number; name: string; averageOrderValue: (string | null)[]; newCustomers: string[] }[];
};

/** Average order value and new customers per bucket, one line per channel. */
export async function loadChannelSeries(user: SessionUser | null, scope: DashboardScope, db?: Db): Promise<ChannelSeries> {
  const d = await open(user, db);
  const rows = await queryRows<{ channel_id: number; name: string; b: string; aov: string | null; new_customers: number }>(
    d,
    sql`
    SELECT r.channel_id::int AS channel_id, ch.name, ${bucketOf(scope.bucket)}::text AS b,
      round(sum(r.revenue) / nullif(sum(r.orders) - sum(r.unconverted_orders), 0), 4)::text AS aov, sum(r.new_customers)::int AS new_customers
    FROM report_daily_sales r JOIN channels ch ON ch.id = r.channel_id
    WHERE ${rollupWhere(scope, scope.range)} GROUP BY 1, 2, 3 ORDER BY 2, 1`,
  );
  const buckets = bucketStarts(scope.range, scope.bucket);
  const byChannel = new Map<number, { name: string; values: Map<string, { aov: string | null; n: number }> }>();
  for (const r of rows) {
    const entry = byChannel.get(r.channel_id) ?? { name: r.name, values: new Map() };
    entry.values.set(r.b, { aov: r.aov, n: r.new_customers });
    byChannel.set(r.channel_id, entry);
  }
  return {
    buckets,
    channels: [...byChannel].map(([id, c]) => ({
      id,
      name: c.name,
      averageOrderValue: buckets.map((b) => c.values.get(b)?.aov ?? null),
      newCustomers: buckets.map((b) => String(c.values.get(b)?.n ?? 0)),
    })),
  };
}

// ── carts ───────────────────────────────────────────────────────────────────────────────────

export type CartFunnel = {
  created: number;
  purchased: number;
  convertedAfterFollowUp: number;
  expired: number;
  lost: number;
  open: number;
  abandoned: number;
  abandonRate: string | null;
  recoveredOrders: number;
  recoveredRevenue: string;
};

/** Carts created in the range by where they ended up, and revenue from contacted carts' orders. */
export async function loadCartFunnel(user: SessionUser | null, scope: DashboardScope, db?: Db): Promise<CartFunnel> {
  const d = await open(user, db);
  const [r] = await queryRows<{
    created: number;
    purchased: number;
    converted: number;
    expired: number;
    lost: number;
    open: number;
    abandoned: number;
    rate: string | null;
    rec_orders: number;
    rec_revenue: string;
  }>(
    d,
    sql`
    SELECT coalesce(sum(carts_created), 0)::int AS created, coalesce(sum(carts_purchased), 0)::int AS purchased,
      coalesce(sum(carts_converted), 0)::int AS converted, coalesce(sum(carts_expired), 0)::int AS expired,
      coalesce(sum(carts_lost), 0)::int AS lost, coalesce(sum(carts_open), 0)::int AS open,
      coalesce(sum(carts_abandoned), 0)::int AS abandoned,
      round(sum(carts_abandoned)::numeric * 100 / nullif(sum(carts_created), 0), 2)::text AS rate,
      coalesce(sum(recovered_orders), 0)::int AS rec_orders, coalesce(sum(recovered_revenue), 0)::text AS rec_revenue
    FROM report_daily_sales r WHERE ${rollupWhere(scope, scope.range)}`,
  );
  return {
    created: r!.created,
    purchased: r!.purchased,
    convertedAfterFollowUp: r!.converted,
    expired: r!.expired,
    lost: r!.lost,
    open: r!.open,
    abandoned: r!.abandoned,
    abandonRate: r!.rate,
    recoveredOrders: r!.rec_orders,
    recoveredRevenue: r!.rec_revenue,
  };
}

// ── customers ───────────────────────────────────────────────────────────────────────────────

export type TopCustomer = { id: number; name: string; email: string; lifetimeValue: string; orders: number; channelName: string };

/**
 * Customers with the highest lifetime value (all time) in the scope's channel / website, ranked by
 * their RFM monetary figure (the lifetime value by the same rule, refreshed with the rollups, and
 * indexed: a sort of every customer cost more than the rest of the dashboard together).
 */
export async function loadTopCustomers(user: SessionUser | null, scope: DashboardScope, limit = 10, db?: Db): Promise<TopCustomer[]> {
  const d = await open(user, db);
  const rows = await queryRows<{ id: number; name: string; email: string; ltv: string; orders: number; channel: string }>(
    d,
    sql`
    SELECT c.id::int AS id, ${sql.raw(customerNameSql("c.first_name", "c.last_name", "c.email"))} AS name, c.email, c.lifetime_value::text AS ltv,
      c.orders_count AS orders, ch.name AS channel
    FROM customer_rfm r JOIN magento_customers c ON c.id = r.customer_id JOIN channels ch ON ch.id = c.channel_id
    WHERE c.removed_at IS NULL AND c.merged_into_id IS NULL AND r.monetary > 0
      AND (${scope.channelId}::bigint IS NULL OR c.channel_id = ${scope.channelId})
      AND (${scope.websiteId}::bigint IS NULL OR c.website_id = ${scope.websiteId})
    ORDER BY r.monetary DESC NULLS LAST, r.customer_id LIMIT ${limit}`,
  );
  return rows.map((r) => ({ id: r.id, name: r.name, email: r.email, lifetimeValue: r.ltv, orders: r.orders, channelName: r.channel }));
}

export type TopAccount = {
  id: number;
  name: string;
  type: "person" | "company";
  customers: number;
  lifetimeValue: string;
  orders: number;
  /** Null when the account's customers are in channels of different global currencies. */
  currency: string | null;
};

/**
 * Accounts with the highest lifetime value (all time, the sums the sync keeps on each account, in
 * the global currency); a channel or website keeps the accounts with a customer there, whose figures
 * stay the whole account's. A walk down accounts_grid_lifetime_value_idx.
 */
export async function loadTopAccounts(user: SessionUser | null, scope: DashboardScope, limit = 10, db?: Db): Promise<TopAccount[]> {
  const d = await open(user, db);
  const channel = scope.channelId === null ? sql`` : sql` AND ${accountInChannel(scope.channelId)}`;
  const website = scope.websiteId === null ? sql`` : sql` AND ${accountInWebsite(scope.websiteId)}`;
  const rows = await queryRows<{
    id: number;
    name: string;
    type: string;
    customers: number;
    ltv: string;
    orders: number;
    currency: string | null;
  }>(
    d,
    sql`
    SELECT a.id::int AS id, a.name, a.type, a.customers_count AS customers, a.lifetime_value::text AS ltv, a.orders_count AS orders,
      CASE WHEN a.mixed_currencies THEN NULL ELSE a.currency_code END AS currency
    FROM accounts a
    WHERE a.merged_into_id IS NULL AND a.lifetime_value > 0${channel}${website}
    ORDER BY a.lifetime_value DESC NULLS LAST, a.id DESC LIMIT ${limit}`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    type: r.type === "company" ? "company" : "person",
    customers: r.customers,
    lifetimeValue: r.ltv,
    orders: r.orders,
    currency: r.currency,
  }));
}

// ── mixes ───────────────────────────────────────────────────────────────────────────────────

export type MixRow = { value: string; orders: number; revenue: string };

/** Orders (every status) and revenue (canceled excluded) per order status, payment or shipping method. */
export async function loadMix(
  user: SessionUser | null,
  scope: DashboardScope,
  kind: "status" | "payment" | "shipping",
  db?: Db,
): Promise<MixRow[]> {
  const d = await open(user, db);
  return queryRows<MixRow>(
    d,
    sql`
    SELECT r.value, sum(r.orders)::int AS orders, sum(r.revenue)::text AS revenue
    FROM report_daily_mix r WHERE r.kind = ${kind} AND ${rollupWhere(scope, scope.range)}
    GROUP BY r.value ORDER BY 2 DESC, 1`,
  );
}

// ── freshness ───────────────────────────────────────────────────────────────────────────────

export type ChannelHealth = {
  id: number;
  name: string;
  lastRunStatus: string | null;
  lastRunFinishedAt: Date | null;
  lastSuccessAt: Date | null;
  rollupsAsOf: Date | null;
};

/** Each channel's last run, last successful run and rollup "as of" time. */
export async function loadSyncHealth(
  user: SessionUser | null,
  scope: Pick<DashboardScope, "channelId">,
  db?: Db,
): Promise<ChannelHealth[]> {
  const d = await open(user, db);
  const rows = await queryRows<{
    id: number;
    name: string;
    status: string | null;
    finished: string | null;
    success: string | null;
    asof: string | null;
  }>(
    d,
    sql`
    SELECT ch.id::int AS id, ch.name, last.status, last.finished_at::text AS finished, ok.finished_at::text AS success,
      rr.refreshed_at::text AS asof
    FROM channels ch
    LEFT JOIN LATERAL (SELECT status, coalesce(finished_at, started_at, created_at) AS finished_at FROM sync_runs
      WHERE channel_id = ch.id ORDER BY created_at DESC, id DESC LIMIT 1) last ON true
    LEFT JOIN LATERAL (SELECT finished_at FROM sync_runs WHERE channel_id = ch.id AND status IN ('succeeded', 'partial')
      ORDER BY finished_at DESC NULLS LAST LIMIT 1) ok ON true
    LEFT JOIN report_refresh rr ON rr.channel_id = ch.id AND rr.kind = ${DAILY_SALES}
    WHERE ch.deleting_at IS NULL AND (${scope.channelId}::bigint IS NULL OR ch.id = ${scope.channelId})
    ORDER BY ch.name, ch.id`,
  );
  const date = (s: string | null) => (s === null ? null : new Date(s));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    lastRunStatus: r.status,
    lastRunFinishedAt: date(r.finished),
    lastSuccessAt: date(r.success),
    rollupsAsOf: date(r.asof),
  }));
}

export type FilterOptions = { channels: { id: number; name: string }[]; websites: { id: number; name: string; channelId: number }[] };

/** Channels and websites for the filter bar. */
export async function loadFilterOptions(user: SessionUser | null, db?: Db): Promise<FilterOptions> {
  const d = await open(user, db);
  const [channels, websites] = await Promise.all([
    queryRows<{ id: number; name: string }>(d, sql`SELECT id::int AS id, name FROM channels WHERE deleting_at IS NULL ORDER BY name, id`),
    queryRows<{ id: number; name: string; channelId: number }>(
      d,
      sql`
      SELECT w.id::int AS id, w.name, w.channel_id::int AS "channelId" FROM magento_websites w
      JOIN channels ch ON ch.id = w.channel_id WHERE ch.deleting_at IS NULL AND w.removed_at IS NULL ORDER BY w.name, w.id`,
    ),
  ]);
  return { channels, websites };
}
