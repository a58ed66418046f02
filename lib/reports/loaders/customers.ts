import { sql } from "drizzle-orm";
import { getReadDb, type Db } from "@/db/client";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import type { ReportFilters } from "@/lib/periods/filters";
import { scopeCurrencies } from "@/lib/reports/dashboard/queries";
import { RFM_SEGMENTS } from "@/lib/sync/rules/rfm";
import { queryRows } from "@/db/rows";
import { channelWebsite, reportAsOf, singleCurrency, text } from "./common";

// Customers by lifetime value: the segment counts beside the grid (lib/reports/grids/customers.ts).

export type SegmentCount = { id: string; label: string; customers: number; monetary: string };
export type CustomersReport = { segments: SegmentCount[]; unscored: number; currency: string | null; asOf: Date | null };

/** Customers per RFM segment (every segment listed, zeros included) and buyers not scored yet. */
export async function loadCustomersReport(user: SessionUser | null, f: ReportFilters, db?: Db): Promise<CustomersReport> {
  requirePermission(user, "view_sales");
  const database = db ?? (await getReadDb());
  const where = channelWebsite(f, sql`c.channel_id`, sql`c.website_id`);
  // One pass over the customers: the scored ones by segment, and (segment null) buyers not scored yet.
  const [all, currencies, asOf] = await Promise.all([
    queryRows<{ segment: string | null; n: unknown; monetary: unknown }>(
      database,
      sql`
      SELECT rfm.segment, count(*) AS n, sum(rfm.monetary) AS monetary
      FROM magento_customers c LEFT JOIN customer_rfm rfm ON rfm.customer_id = c.id
      WHERE c.removed_at IS NULL AND c.merged_into_id IS NULL AND (rfm.customer_id IS NOT NULL OR c.orders_count > 0) AND ${where}
      GROUP BY rfm.segment`,
    ),
    // Lifetime values are in the global currency of the channels shown (one per Magento install).
    scopeCurrencies(user, f, database),
    reportAsOf(database, "rfm", f.channelId),
  ]);
  const rows = all.filter((r): r is typeof r & { segment: string } => r.segment !== null);
  const unscored = all.find((r) => r.segment === null);
  const byId = new Map(rows.map((r) => [r.segment, r]));
  return {
    segments: RFM_SEGMENTS.map((s) => ({
      id: s.id,
      label: s.label,
      customers: Number(byId.get(s.id)?.n ?? 0),
      monetary: text(byId.get(s.id)?.monetary),
    })),
    unscored: Number(unscored?.n ?? 0),
    currency: singleCurrency(currencies),
    asOf,
  };
}
