import { sql } from "drizzle-orm";
import { getReadDb, type Db } from "@/db/client";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { productsFrom } from "@/lib/reports/grids/products";
import type { ReportFilters } from "@/lib/periods/filters";
import { queryRows } from "@/db/rows";
import { reportAsOf, singleCurrency, text } from "./common";

// Best sellers: the top ten by revenue and by quantity for the charts, from the grid's own rows
// (the products rollups, so "as of" is their last refresh).

export type ProductBar = { sku: string; name: string | null; qty: string; revenue: string };
export type ProductsReport = { byRevenue: ProductBar[]; byQuantity: ProductBar[]; currency: string | null; asOf: Date | null };

const TOP = 10;

export async function loadProductsReport(user: SessionUser | null, f: ReportFilters, db?: Db): Promise<ProductsReport> {
  requirePermission(user, "view_sales");
  const database = db ?? (await getReadDb());
  // One aggregation, both rankings: the range's items are read once.
  const [rows, asOf] = await Promise.all([
    queryRows<{ sku: string; name: string | null; qty: unknown; revenue: unknown; currency: string | null; by: string }>(
      database,
      sql`
      WITH p AS MATERIALIZED (SELECT * FROM ${productsFrom(f)})
      (SELECT p.sku, p.name, p.qty, p.revenue, p.currency, 'revenue' AS by FROM p ORDER BY p.revenue DESC, p.id LIMIT ${TOP})
      UNION ALL
      (SELECT p.sku, p.name, p.qty, p.revenue, p.currency, 'qty' AS by FROM p ORDER BY p.qty DESC, p.id LIMIT ${TOP})`,
    ),
    reportAsOf(database, "daily_sales", f.channelId),
  ]);
  const bar = (r: (typeof rows)[number]): ProductBar => ({ sku: r.sku, name: r.name, qty: text(r.qty), revenue: text(r.revenue) });
  return {
    byRevenue: rows.filter((r) => r.by === "revenue").map(bar),
    byQuantity: rows.filter((r) => r.by === "qty").map(bar),
    currency: singleCurrency(rows.map((r) => r.currency)),
    asOf,
  };
}
