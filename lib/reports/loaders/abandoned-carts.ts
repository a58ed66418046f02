import { sql } from "drizzle-orm";
import { getReadDb, type Db } from "@/db/client";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { ABANDONED_FROM, ABANDONED_NOW_SQL, AGE_BUCKET_SQL, AGE_BUCKETS, OUTCOME_OPTIONS } from "@/lib/reports/grids/abandoned-carts";
import type { ReportFilters } from "@/lib/periods/filters";
import { queryRows } from "@/db/rows";
import { storeZoneSql } from "@/lib/periods/time-zones";
import { channelWebsite, inRange, reportAsOf, singleCurrency, text } from "./common";

// Abandoned carts by age and follow-up outcome, beside the grid (same FROM and WHERE as the grid, so
// the chart and the rows cannot disagree about which carts are abandoned). What the follow-up
// already settled (recovered by an order, or lost) is no longer abandoned: it is counted apart, for
// carts created in the same range, so the team sees its results without mixing them in.

export type AbandonedCell = { count: number; value: string };
export type AbandonedReport = {
  byAge: { id: string; label: string; count: number; value: string }[];
  byOutcome: { id: string; label: string; count: number; value: string }[];
  total: AbandonedCell;
  /** Follow-up results of carts created in the range: converted after a contact, and marked lost. */
  recovered: AbandonedCell;
  lost: AbandonedCell;
  currency: string | null;
  asOf: Date | null;
};

// Values in the global currency (base_grand_total × the cart's base_to_global_rate), so carts of USD
// and EUR stores add up; a cart synced before its rate adds no value until the next sync.
const GLOBAL_VALUE = sql.raw("coalesce(sum(ct.base_grand_total * ct.base_to_global_rate), 0)");

export async function loadAbandonedCartsReport(user: SessionUser | null, f: ReportFilters, db?: Db): Promise<AbandonedReport> {
  requirePermission(user, "view_sales");
  const database = db ?? (await getReadDb());
  const filters = sql`${inRange(sql`ct.remote_created_at`, storeZoneSql("s"), f)} AND ${channelWebsite(f, sql`ct.channel_id`, sql`s.website_id`)}`;
  const [rows, settled, asOf] = await Promise.all([
    queryRows<{ age: string; outcome: string; n: unknown; value: unknown; currency: string | null }>(
      database,
      sql`
      SELECT ${sql.raw(AGE_BUCKET_SQL)} AS age, ct.status AS outcome, ct.global_currency_code AS currency, count(*) AS n, ${GLOBAL_VALUE} AS value
      FROM ${sql.raw(ABANDONED_FROM)}
      WHERE ${sql.raw(ABANDONED_NOW_SQL)} AND ${filters}
      GROUP BY 1, 2, 3`,
    ),
    queryRows<{ status: string; n: unknown; value: unknown; currency: string | null }>(
      database,
      sql`
      SELECT ct.status, ct.global_currency_code AS currency, count(*) AS n, ${GLOBAL_VALUE} AS value
      FROM ${sql.raw(ABANDONED_FROM)}
      WHERE ct.removed_at IS NULL AND ct.items_count > 0 AND ct.status IN ('converted', 'lost') AND ${filters}
      GROUP BY 1, 2`,
    ),
    reportAsOf(database, "live", f.channelId),
  ]);
  // Sums of exact decimals, added in SQL per group; here only group totals are added, as strings
  // through BigInt units of 10^-16 (base amounts × rates carry 16 decimals), so no float touches money.
  const add = (a: string, b: string) => fromUnits(toUnits(a) + toUnits(b));
  const sum = <R extends { n: unknown; value: unknown }>(list: R[], pick: (r: R) => boolean) =>
    list.filter(pick).reduce<AbandonedCell>((acc, r) => ({ count: acc.count + Number(r.n), value: add(acc.value, text(r.value)) }), {
      count: 0,
      value: "0",
    });
  return {
    byAge: AGE_BUCKETS.map((b) => ({ id: b.value, label: b.label, ...sum(rows, (r) => r.age === b.value) })),
    byOutcome: OUTCOME_OPTIONS.map((o) => ({ id: o.value, label: o.label, ...sum(rows, (r) => r.outcome === o.value) })),
    total: sum(rows, () => true),
    recovered: sum(settled, (r) => r.status === "converted"),
    lost: sum(settled, (r) => r.status === "lost"),
    currency: singleCurrency([...rows, ...settled].map((r) => r.currency)),
    asOf,
  };
}

const DECIMALS = 16;
const SCALE = 10n ** BigInt(DECIMALS);

/** "12.3456" → 12.3456 × 10^16 (exact up to 16 decimals, what numeric(20,4) × numeric(24,12) gives). */
export function toUnits(value: string): bigint {
  const m = new RegExp(`^(-)?(\\d+)(?:\\.(\\d{0,${DECIMALS}})\\d*)?$`).exec(value.trim());
  if (!m) throw new Error(`Not a decimal: ${value}`);
  const units = BigInt(m[2]!) * SCALE + BigInt((m[3] ?? "").padEnd(DECIMALS, "0"));
  return m[1] ? -units : units;
}

/** The inverse of toUnits, trailing zeros of the fraction dropped (at least four decimals kept). */
export function fromUnits(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const fraction = (abs % SCALE).toString().padStart(DECIMALS, "0").replace(/0+$/, "").padEnd(4, "0");
  return `${negative ? "-" : ""}${abs / SCALE}.${fraction}`;
}
