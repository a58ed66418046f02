import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows, rowDate, rowText } from "@/db/rows";

// The SQL of lifetime figures, apart from the pages' loaders (customers/detail.ts, accounts/detail.ts,
// server-only) so that the benches, run outside Next, can time the same statements.

/** Whose orders and credit memos the figures add up: one customer, or every customer of an account. */
export type LifetimeScope = { customerId: number } | { accountId: number };

/**
 * Figures over the orders that count (not canceled, not removed), by the same rule as the stored
 * lifetime value (lib/sync/rules/ltv.ts), in the global currency: value =
 * Σ (base_subtotal + base_discount_amount) × base_to_global_rate, refunds = Σ memo base_grand_total ×
 * base_to_global_rate. Orders without base amounts yet (unconvertedOrders) are counted in
 * orderCount but not in the value or the average. Computed in SQL numeric, so the average is exact
 * to 4 places and never float-rounded. The customer page and the account page show the same set.
 */
export interface LifetimeFigures {
  value: string;
  orderCount: number;
  /** Orders the value leaves out until a sync reads their base amounts. */
  unconvertedOrders: number;
  averageOrderValue: string | null;
  refundsValue: string;
  refundsCount: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  /** The global currency of the converted orders; null when none is converted. */
  currency: string | null;
  /** Orders in different global currencies (an account's customers in channels that differ): no sum is meaningful. */
  mixedCurrencies: boolean;
}

/** The lifetime figures of a customer or an account, read with lifetimeFiguresOf. */
export async function readLifetimeFigures(db: Db, scope: LifetimeScope): Promise<LifetimeFigures> {
  const [row] = await queryRows<Record<string, unknown>>(db, lifetimeFiguresOf(scope));
  return {
    value: String(row?.sales ?? "0"),
    orderCount: Number(row?.n ?? 0),
    unconvertedOrders: Number(row?.unconverted ?? 0),
    averageOrderValue: rowText(row?.average),
    refundsValue: String(row?.refunds ?? "0"),
    refundsCount: Number(row?.refunds_count ?? 0),
    firstOrderAt: rowDate(row?.first_at),
    lastOrderAt: rowDate(row?.last_at),
    currency: rowText(row?.currency),
    mixedCurrencies: Number(row?.currencies ?? 0) > 1,
  };
}

/** The statement of a customer's lifetime figures (LifetimeFigures above says what each one is). */
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
