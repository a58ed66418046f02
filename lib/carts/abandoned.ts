import { sql, type SQL } from "drizzle-orm";

// The one definition of an abandoned cart (issue 16): active in Magento, with items, a known email,
// still followed (open or contacted) and unchanged for the channel's abandonment delay.

export const DEFAULT_ABANDONMENT_DELAY_HOURS = 24;

/** SQL: cart alias `cart` is abandoned at `at` (timestamptz) given `delayHours` (integer). */
export function abandonedCartCondition(cart: string, opts: { at: SQL; delayHours: SQL }): SQL {
  const c = sql.raw(cart);
  return sql`(${c}.removed_at IS NULL AND ${c}.is_active AND ${c}.items_count > 0 AND nullif(trim(${c}.customer_email), '') IS NOT NULL
    AND ${c}.status IN ('open', 'contacted')
    AND coalesce(${c}.remote_updated_at, ${c}.remote_created_at) <= ${opts.at} - make_interval(hours => ${opts.delayHours}))`;
}
