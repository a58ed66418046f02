import { sql, type SQL } from "drizzle-orm";
import type { Db, DbTx } from "@/db/client";
import { queryRows } from "@/db/rows";
import { segmentCase } from "@/lib/sync/rules/rfm";
import { idArray } from "@/lib/sync/write/upsert";

// The figures an account keeps for its grid, the reports and the dashboard: sums of its customers'
// own totals (lib/sync/rules/ltv.ts: lifetime value and refunds in the global currency, non-canceled
// orders), their first and last order, and an RFM score among all accounts with orders (the
// customers' quintile rule of lib/sync/rules/rfm.ts, one level up, across channels since an account
// spans them). Refreshed after each sync for the accounts whose customers changed, and at once after
// a merge or a move. The account page computes its figures live from the orders themselves.

/** Refreshes the figures of `accountIds` (every account when "all"); then the RFM scores when any changed. Returns the accounts changed. */
export async function refreshAccountFigures(db: Db | DbTx, accountIds: readonly number[] | "all", asOf = new Date()): Promise<number> {
  if (accountIds !== "all" && accountIds.length === 0) return 0;
  const scope: SQL = accountIds === "all" ? sql`true` : sql`a.id = ANY(${idArray(accountIds)})`;
  const changed = await queryRows<{ id: unknown }>(
    db,
    sql`
    UPDATE accounts t SET
      customers_count = s.customers, lifetime_value = s.ltv, orders_count = s.orders, refunds_total = s.refunds,
      currency_code = s.currency, mixed_currencies = s.mixed, first_order_at = s.first_at, last_order_at = s.last_at
    FROM (
      SELECT a.id,
        count(c.id) FILTER (WHERE c.merged_into_id IS NULL)::int AS customers,
        coalesce(sum(c.lifetime_value), 0)::numeric(20, 4) AS ltv,
        coalesce(sum(c.orders_count), 0)::int AS orders,
        coalesce(sum(c.refunds_total), 0)::numeric(20, 4) AS refunds,
        min(c.lifetime_currency_code) AS currency,
        count(DISTINCT c.lifetime_currency_code) > 1 AS mixed,
        min(o.first_at) AS first_at, max(o.last_at) AS last_at
      FROM accounts a
      LEFT JOIN magento_customers c ON c.account_id = a.id
      LEFT JOIN LATERAL (
        SELECT min(x.remote_created_at) AS first_at, max(x.remote_created_at) AS last_at FROM magento_orders x
        WHERE x.customer_id = c.id AND x.state <> 'canceled' AND x.removed_at IS NULL
      ) o ON c.orders_count > 0
      WHERE ${scope}
      GROUP BY a.id
    ) s
    WHERE t.id = s.id
      AND (t.customers_count, t.lifetime_value, t.orders_count, t.refunds_total, t.currency_code, t.mixed_currencies, t.first_order_at, t.last_order_at)
        IS DISTINCT FROM (s.customers, s.ltv, s.orders, s.refunds, s.currency, s.mixed, s.first_at, s.last_at)
    RETURNING t.id`,
  );
  if (changed.length > 0 || accountIds === "all") await rescoreAccountRfm(db, asOf);
  return changed.length;
}

/**
 * RFM of every account with orders, scored 1–5 by the customers' rule (ties together, the lower
 * fifth): R by days since the last order, F by orders, M by lifetime value. Accounts without orders
 * have no score.
 */
export async function rescoreAccountRfm(db: Db | DbTx, asOf = new Date()): Promise<void> {
  const day = (value: SQL) => sql`((${value}) AT TIME ZONE 'UTC')::date`;
  const at = sql`${asOf.toISOString()}::timestamptz`;
  await db.execute(sql`
    UPDATE accounts t SET rfm_r = s.r, rfm_f = s.f, rfm_m = s.m, rfm_segment = ${segmentCase("s.")}
    FROM (
      SELECT id,
        (1 + 5 * (rank() OVER (ORDER BY recency_days DESC) - 1) / n)::smallint AS r,
        (1 + 5 * (rank() OVER (ORDER BY orders_count ASC) - 1) / n)::smallint AS f,
        (1 + 5 * (rank() OVER (ORDER BY lifetime_value ASC) - 1) / n)::smallint AS m
      FROM (
        SELECT id, orders_count, lifetime_value, greatest(0, ${day(at)} - ${day(sql`last_order_at`)}) AS recency_days, count(*) OVER () AS n
        FROM accounts WHERE orders_count > 0 AND last_order_at IS NOT NULL AND merged_into_id IS NULL
      ) cur
    ) s
    WHERE t.id = s.id AND (t.rfm_r, t.rfm_f, t.rfm_m) IS DISTINCT FROM (s.r, s.f, s.m)`);
  await db.execute(sql`
    UPDATE accounts SET rfm_r = NULL, rfm_f = NULL, rfm_m = NULL, rfm_segment = NULL
    WHERE rfm_segment IS NOT NULL AND (orders_count = 0 OR last_order_at IS NULL OR merged_into_id IS NOT NULL)`);
}

/** The accounts of a channel's customers whose orders, credit memos or own rows a run wrote since `since`. */
export async function accountsChangedSince(db: Db | DbTx, channelId: number, since: Date): Promise<number[]> {
  const at = sql`${since.toISOString()}::timestamptz`;
  const rows = await queryRows<{ id: unknown }>(
    db,
    sql`
    SELECT DISTINCT c.account_id AS id FROM magento_customers c
    WHERE c.account_id IS NOT NULL AND c.id IN (
      SELECT customer_id FROM magento_orders WHERE channel_id = ${channelId} AND synced_at >= ${at} AND customer_id IS NOT NULL
      UNION SELECT customer_id FROM magento_credit_memos WHERE channel_id = ${channelId} AND synced_at >= ${at} AND customer_id IS NOT NULL
      UNION SELECT id FROM magento_customers WHERE channel_id = ${channelId} AND synced_at >= ${at}
    )`,
  );
  return rows.map((row) => Number(row.id));
}
