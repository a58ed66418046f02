import { sql } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { REFUND_REASON_SQL, REFUND_REASONS, REFUNDS_FROM } from "@/lib/grid/grids/report-refunds";
import { bucketStarts, type ReportFilters } from "@/lib/reports/filters";
import { queryRows } from "@/lib/sync/write/rows";
import { storeZoneSql } from "@/lib/reports/time-zones";
import { channelWebsite, inRange, reportAsOf, singleCurrency, text } from "./common";

// Refunds (credit memos) over time and by reason, over the grid's own rows (same FROM and filters).

export type RefundsReport = {
  points: { period: string; count: number; total: string }[];
  byReason: { id: string; label: string; count: number; total: string; adjustments: string }[];
  currency: string | null;
  asOf: Date | null;
};

export async function loadRefundsReport(user: SessionUser | null, f: ReportFilters, db?: Db): Promise<RefundsReport> {
  requirePermission(user, "view_sales");
  const database = db ?? (await getDb());
  const where = sql`m.removed_at IS NULL AND ${inRange(sql`m.remote_created_at`, storeZoneSql("s"), f)} AND ${channelWebsite(f, sql`m.channel_id`, sql`s.website_id`)}`;
  const [periods, reasons, currencies, asOf] = await Promise.all([
    queryRows<{ period: string; n: unknown; total: unknown }>(database, sql`
      SELECT to_char(date_trunc(${f.bucket}, m.remote_created_at AT TIME ZONE ${storeZoneSql("s")})::date, 'YYYY-MM-DD') AS period, count(*) AS n, sum(m.grand_total) AS total
      FROM ${sql.raw(REFUNDS_FROM)} WHERE ${where} GROUP BY 1`),
    queryRows<{ reason: string; n: unknown; total: unknown; adjustments: unknown }>(database, sql`
      SELECT ${sql.raw(REFUND_REASON_SQL)} AS reason, count(*) AS n, sum(m.grand_total) AS total, sum(m.adjustment) AS adjustments
      FROM ${sql.raw(REFUNDS_FROM)} WHERE ${where} GROUP BY 1`),
    queryRows<{ code: string | null }>(database, sql`SELECT DISTINCT m.order_currency_code AS code FROM ${sql.raw(REFUNDS_FROM)} WHERE ${where} LIMIT 3`),
    reportAsOf(database, "live", f.channelId),
  ]);
  const byPeriod = new Map(periods.map((p) => [p.period, p]));
  const byReason = new Map(reasons.map((r) => [r.reason, r]));
  return {
    points: bucketStarts(f.range, f.bucket).map((period) => ({ period, count: Number(byPeriod.get(period)?.n ?? 0), total: text(byPeriod.get(period)?.total) })),
    byReason: REFUND_REASONS.map((r) => ({
      id: r.value, label: r.label, count: Number(byReason.get(r.value)?.n ?? 0),
      total: text(byReason.get(r.value)?.total), adjustments: text(byReason.get(r.value)?.adjustments),
    })),
    currency: singleCurrency(currencies.map((c) => c.code)),
    asOf,
  };
}
