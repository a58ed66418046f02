import { sql, type SQL } from "drizzle-orm";
import { getReadDb, type Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import { accountInChannel, accountInWebsite } from "@/lib/accounts/scope";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import type { ReportFilters } from "@/lib/periods/filters";
import { scopeCurrencies } from "@/lib/reports/dashboard/queries";
import { RFM_SEGMENTS } from "@/lib/sync/rules/rfm";
import { reportAsOf, singleCurrency, text } from "./common";
import type { CustomersReport } from "./customers";

// Customers by lifetime value, by account: the segment counts beside the accounts grid
// (lib/reports/grids/accounts.ts), from the RFM scores the sync keeps on each account.

/** The accounts of the channel / website filters (an account with a customer there). */
export function accountScope(f: Pick<ReportFilters, "channelId" | "websiteId">, alias = "a"): SQL {
  const parts: SQL[] = [sql`true`];
  if (f.channelId !== null) parts.push(accountInChannel(f.channelId, alias));
  if (f.websiteId !== null) parts.push(accountInWebsite(f.websiteId, alias));
  return sql.join(parts, sql` AND `);
}

/** Accounts per RFM segment (every segment listed, zeros included) and accounts with orders not scored yet. */
export async function loadAccountsReport(user: SessionUser | null, f: ReportFilters, db?: Db): Promise<CustomersReport> {
  requirePermission(user, "view_sales");
  const database = db ?? (await getReadDb());
  const [all, currencies, asOf] = await Promise.all([
    queryRows<{ segment: string | null; n: unknown; monetary: unknown }>(
      database,
      sql`
      SELECT a.rfm_segment AS segment, count(*) AS n, sum(a.lifetime_value) AS monetary
      FROM accounts a
      WHERE a.merged_into_id IS NULL AND a.orders_count > 0 AND ${accountScope(f)}
      GROUP BY a.rfm_segment`,
    ),
    scopeCurrencies(user, f, database),
    // The figures and scores are refreshed at the end of each sync.
    reportAsOf(database, "live", f.channelId),
  ]);
  const byId = new Map(all.filter((r) => r.segment !== null).map((r) => [r.segment!, r]));
  const unscored = all.find((r) => r.segment === null);
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
