import { sql, type SQL } from "drizzle-orm";

// The SQL of lifetime figures, apart from the pages' loaders (customers/detail.ts, accounts/detail.ts,
// server-only) so that the benches, run outside Next, can time the same statements.

/** Whose orders and credit memos the figures add up: one customer, or every customer of an account. */
export type LifetimeScope = { customerId: number } | { accountId: number };

/** The statement of a customer's lifetime figures (LifetimeFigures in customers/detail.ts says what each one is). */
export function lifetimeFiguresQuery(customerId: number): SQL {
  return lifetimeFiguresOf({ customerId });
}

/**
 * The same figures over a scope. An account's are over its customers' own orders, so a guest
 * record merged into a registered customer (its orders moved to that customer) is counted once.
 */
export function lifetimeFiguresOf(scope: LifetimeScope): SQL {
  const whose: SQL =
    "customerId" in scope
      ? sql`customer_id = ${scope.customerId}`
      : sql`customer_id IN (SELECT id FROM magento_customers WHERE account_id = ${scope.accountId})`;
  return sql`
    SELECT
      round(coalesce(o.sales, 0), 4)::text AS sales, coalesce(o.n, 0)::int AS n, coalesce(o.n - o.converted, 0)::int AS unconverted,
      CASE WHEN o.converted > 0 THEN round(o.sales / o.converted, 4)::text END AS average,
      o.first_at, o.last_at, o.currency, coalesce(o.currencies, 0)::int AS currencies,
      round(coalesce(m.refunds, 0), 4)::text AS refunds, coalesce(m.n, 0)::int AS refunds_count
    FROM (
      SELECT sum((base_subtotal + coalesce(base_discount_amount, 0)) * base_to_global_rate) AS sales, count(*) AS n,
             count(*) FILTER (WHERE base_subtotal IS NOT NULL AND base_to_global_rate IS NOT NULL) AS converted,
             min(remote_created_at) AS first_at, max(remote_created_at) AS last_at,
             min(global_currency_code) FILTER (WHERE base_subtotal IS NOT NULL AND base_to_global_rate IS NOT NULL) AS currency,
             count(DISTINCT global_currency_code) FILTER (WHERE base_subtotal IS NOT NULL AND base_to_global_rate IS NOT NULL) AS currencies
      FROM magento_orders WHERE ${whose} AND state <> 'canceled' AND removed_at IS NULL
    ) o, (
      SELECT sum(base_grand_total * base_to_global_rate) AS refunds, count(*) AS n
      FROM magento_credit_memos WHERE ${whose} AND removed_at IS NULL
    ) m`;
}
