import { sql, type SQL } from "drizzle-orm";

// The SQL of a customer's lifetime figures, apart from the page's loader (detail.ts, server-only)
// so that the grids bench, run outside Next, can time the same statement.

/** The statement of a customer's lifetime figures (LifetimeFigures in detail.ts says what each one is). */
export function lifetimeFiguresQuery(customerId: number): SQL {
  return sql`
    SELECT
      round(coalesce(o.sales, 0), 4)::text AS sales, coalesce(o.n, 0)::int AS n, coalesce(o.n - o.converted, 0)::int AS unconverted,
      CASE WHEN o.converted > 0 THEN round(o.sales / o.converted, 4)::text END AS average,
      o.first_at, o.last_at, o.currency,
      round(coalesce(m.refunds, 0), 4)::text AS refunds, coalesce(m.n, 0)::int AS refunds_count
    FROM (
      SELECT sum((base_subtotal + coalesce(base_discount_amount, 0)) * base_to_global_rate) AS sales, count(*) AS n,
             count(*) FILTER (WHERE base_subtotal IS NOT NULL AND base_to_global_rate IS NOT NULL) AS converted,
             min(remote_created_at) AS first_at, max(remote_created_at) AS last_at,
             min(global_currency_code) FILTER (WHERE base_subtotal IS NOT NULL AND base_to_global_rate IS NOT NULL) AS currency
      FROM magento_orders WHERE customer_id = ${customerId} AND state <> 'canceled' AND removed_at IS NULL
    ) o, (
      SELECT sum(base_grand_total * base_to_global_rate) AS refunds, count(*) AS n
      FROM magento_credit_memos WHERE customer_id = ${customerId} AND removed_at IS NULL
    ) m`;
}
