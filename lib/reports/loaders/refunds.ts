import { sql } from "drizzle-orm";
import { getReadDb, type Db } from "@/db/client";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { REFUND_REASON_SQL, REFUND_REASONS, REFUNDS_FROM } from "@/lib/reports/grids/refunds";
import { bucketStarts, type ReportFilters } from "@/lib/periods/filters";
import { queryRows } from "@/db/rows";
import { storeZoneSql } from "@/lib/periods/time-zones";
import { channelWebsite, inRange, reportAsOf, singleCurrency, text } from "./common";

// Refunds (credit memos) over time and by reason, over the grid's own rows (same FROM and filters).
// Totals are in the global currency (base amounts × each memo's base_to_global_rate), so memos of
// USD and EUR stores add up; a memo synced before its base amounts is counted but adds no money.

export type RefundsReport = {
  points: { period: string; count: number; total: string }[];
  byReason: { id: string; label: string; count: number; total: string; adjustments: string }[];
  currency: string | null;
  /** Memos in range synced before their base amounts: counted, not in the totals yet. */
  unconverted: number;
  asOf: Date | null;
};

const GLOBAL_TOTAL = sql.raw("sum(m.base_grand_total * m.base_to_global_rate)");

export async function loadRefundsReport(user: SessionUser | null, f: ReportFilters, db?: Db): Promise<RefundsReport> {
  requirePermission(user, "view_sales");
  const database = db ?? (await getReadDb());
  const where = sql`m.removed_at IS NULL AND ${inRange(sql`m.remote_created_at`, storeZoneSql("s"), f)} AND ${channelWebsite(f, sql`m.channel_id`, sql`s.website_id`)}`;
  const [periods, reasons, currencies, [unconverted], asOf] = await Promise.all([
    queryRows<{ period: string; n: unknown; total: unknown }>(
      database,
      sql`
      SELECT to_char(date_trunc(${f.bucket}, m.remote_created_at AT TIME ZONE ${storeZoneSql("s")})::date, 'YYYY-MM-DD') AS period, count(*) AS n, ${GLOBAL_TOTAL} AS total
      FROM ${sql.raw(REFUNDS_FROM)} WHERE ${where} GROUP BY 1`,
    ),
    queryRows<{ reason: string; n: unknown; total: unknown; adjustments: unknown }>(
      database,
      sql`
      SELECT ${sql.raw(REFUND_REASON_SQL)} AS reason, count(*) AS n, ${GLOBAL_TOTAL} AS total,
        sum(m.base_adjustment * m.base_to_global_rate) AS adjustments
      FROM ${sql.raw(REFUNDS_FROM)} WHERE ${where} GROUP BY 1`,
    ),
    queryRows<{ code: string | null }>(
      database,
      sql`SELECT DISTINCT m.global_currency_code AS code FROM ${sql.raw(REFUNDS_FROM)} WHERE ${where} LIMIT 3`,
    ),
    queryRows<{ n: unknown }>(
      database,
      sql`
      SELECT count(*) AS n FROM ${sql.raw(REFUNDS_FROM)} WHERE ${where} AND (m.base_grand_total IS NULL OR m.base_to_global_rate IS NULL)`,
    ),
    reportAsOf(database, "live", f.channelId),
  ]);
  const byPeriod = new Map(periods.map((p) => [p.period, p]));
  const byReason = new Map(reasons.map((r) => [r.reason, r]));
  return {
    points: bucketStarts(f.range, f.bucket).map((period) => ({
      period,
      count: Number(byPeriod.get(period)?.n ?? 0),
      total: text(byPeriod.get(period)?.total),
    })),
    byReason: REFUND_REASONS.map((r) => ({
      id: r.value,
      label: r.label,
      count: Number(byReason.get(r.value)?.n ?? 0),
      total: text(byReason.get(r.value)?.total),
      adjustments: text(byReason.get(r.value)?.adjustments),
    })),
    currency: singleCurrency(currencies.map((c) => c.code)),
    unconverted: Number(unconverted?.n ?? 0),
    asOf,
  };
}
