import { sql, type SQL } from "drizzle-orm";
import { countOf } from "@/lib/format/count";

// What "abandoned cart" means, the one definition every screen uses (carts list and page, the
// Abandoned Carts report, My Follow-ups, segments, dashboard rollups).
//
// A cart is ABANDONED at a moment `at` when it
//   - is still active in Magento (is_active) and not removed from the portal,
//   - has items (items_count > 0),
//   - belongs to a known email (customer_email neither null nor blank): someone can be contacted,
//   - is still being followed (status 'open' or 'contacted'; expired, lost, purchased and converted
//     never are), and
//   - has not changed in Magento for the channel's abandonment delay:
//     coalesce(remote_updated_at, remote_created_at) <= at - delay hours.
// "Open" stays the status of a cart being worked on: abandoned is a stage computed from the row,
// never stored, so it moves with time and with the channel's setting.
//
// Two spellings of the same condition, built from the same pieces:
//   abandonedCartCondition("ct", { at: sql`now()`, delayHours: sql`ch.abandonment_delay_hours` })  → drizzle SQL
//   abandonedCartSqlText("ct", "now()", "ch.abandonment_delay_hours")                                → string (grid definitions)
// `cart` is the SQL alias of a magento_carts row; `at` a timestamptz expression; `delayHours` an
// integer expression, usually the channel's abandonment_delay_hours joined from channels.

export const DEFAULT_ABANDONMENT_DELAY_HOURS = 24;
export const MIN_ABANDONMENT_DELAY_HOURS = 1;
/** 30 days: past that a cart is old news rather than waiting for a call. */
export const MAX_ABANDONMENT_DELAY_HOURS = 720;

/** The statuses under which a cart is still followed, so may be abandoned. */
export const FOLLOWED_CART_STATUSES = ["open", "contacted"] as const;

function checkedAlias(cart: string): string {
  // The alias is pasted into SQL: only ever a bare identifier of ours.
  if (!/^[a-z_][a-z0-9_]*$/i.test(cart)) throw new Error(`Not an SQL alias: ${cart}`);
  return cart;
}

/** The parts that need no parameter: everything but the delay comparison. */
function staticPart(cart: string): string {
  const c = checkedAlias(cart);
  return (
    `${c}.removed_at IS NULL AND ${c}.is_active AND ${c}.items_count > 0 AND nullif(btrim(${c}.customer_email), '') IS NOT NULL` +
    ` AND ${c}.status IN (${FOLLOWED_CART_STATUSES.map((s) => `'${s}'`).join(", ")})`
  );
}

/** When the cart last changed in Magento (its creation when Magento never sent an update time). */
export function lastActivitySql(cart: string): string {
  const c = checkedAlias(cart);
  return `coalesce(${c}.remote_updated_at, ${c}.remote_created_at)`;
}

/** The definition as drizzle SQL (a boolean condition, parenthesised). */
export function abandonedCartCondition(cart: string, opts: { at: SQL; delayHours: SQL }): SQL {
  return sql`(${sql.raw(staticPart(cart))} AND ${sql.raw(lastActivitySql(cart))} <= (${opts.at}) - make_interval(hours => (${opts.delayHours})::int))`;
}

/** The definition as SQL text, for grid definitions (trusted expressions only, never user input). */
export function abandonedCartSqlText(cart: string, atSql: string, delayHoursSql: string): string {
  return `(${staticPart(cart)} AND ${lastActivitySql(cart)} <= (${atSql}) - make_interval(hours => (${delayHoursSql})::int))`;
}

/** A delay in words for people: "24 hours", "3 days". */
export function describeDelay(hours: number): string {
  if (hours >= 48 && hours % 24 === 0) {
    const days = hours / 24;
    return countOf(days, "day");
  }
  return countOf(hours, "hour");
}
