import { sql } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import type { ReportFilters } from "@/lib/reports/filters";
import { RFM_SEGMENTS } from "@/lib/reports/rfm";
import { queryRows } from "@/lib/sync/write/rows";
import { channelWebsite, reportAsOf, singleCurrency, text } from "./common";

// Customers by lifetime value: the segment counts beside the grid (lib/grid/grids/report-customers.ts).

export type SegmentCount = { id: string; label: string; customers: number; monetary: string };
export type CustomersReport = { segments: SegmentCount[]; unscored: number; currency: string | null; asOf: Date | null };

/** Customers per RFM segment (every segment listed, zeros included) and buyers not scored yet. */
export async function loadCustomersReport(user: SessionUser | null, f: ReportFilters, db?: Db): Promise<CustomersReport> {
  requirePermission(user, "view_sales");
  const database = db ?? (await getDb());
  const where = channelWebsite(f, sql`c.channel_id`, sql`c.website_id`);
  const [rows, [unscored], currencies, asOf] = await Promise.all([
    queryRows<{ segment: string; n: unknown; monetary: unknown }>(database, sql`
      SELECT rfm.segment, count(*) AS n, sum(rfm.monetary) AS monetary
      FROM customer_rfm rfm JOIN magento_customers c ON c.id = rfm.customer_id
      WHERE c.removed_at IS NULL AND c.merged_into_id IS NULL AND ${where}
      GROUP BY rfm.segment`),
    queryRows<{ n: unknown }>(database, sql`
      SELECT count(*) AS n FROM magento_customers c
      WHERE c.removed_at IS NULL AND c.merged_into_id IS NULL AND c.orders_count > 0 AND ${where}
        AND NOT EXISTS (SELECT 1 FROM customer_rfm rfm WHERE rfm.customer_id = c.id)`),
    queryRows<{ code: string | null }>(database, sql`
      SELECT DISTINCT c.lifetime_currency_code AS code FROM magento_customers c
      WHERE c.orders_count > 0 AND c.removed_at IS NULL AND ${where} LIMIT 3`),
    reportAsOf(database, "rfm", f.channelId),
  ]);
  const byId = new Map(rows.map((r) => [r.segment, r]));
  return {
    segments: RFM_SEGMENTS.map((s) => ({ id: s.id, label: s.label, customers: Number(byId.get(s.id)?.n ?? 0), monetary: text(byId.get(s.id)?.monetary) })),
    unscored: Number(unscored?.n ?? 0),
    currency: singleCurrency(currencies.map((c) => c.code)),
    asOf,
  };
}
