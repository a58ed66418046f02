import type { Db } from "@/db/client";
import type { SessionUser } from "@/lib/auth/session";
import { reportAbandonedCartsGrid } from "@/lib/reports/grids/abandoned-carts";
import { reportCustomersGrid } from "@/lib/reports/grids/customers";
import { reportProductsGrid } from "@/lib/reports/grids/products";
import { reportRefundsGrid } from "@/lib/reports/grids/refunds";
import { reportSalesGrid } from "@/lib/reports/grids/sales";
import { parseGridState } from "@/lib/grid/params";
import { loadGridPage } from "@/lib/grid/sql";
import type { GridDefinition } from "@/lib/grid/types";
import { parseReportFilters } from "@/lib/periods/filters";
import { loadAbandonedCartsReport } from "@/lib/reports/loaders/abandoned-carts";
import { loadCustomersReport } from "@/lib/reports/loaders/customers";
import { loadProductsReport } from "@/lib/reports/loaders/products";
import { loadRefundsReport } from "@/lib/reports/loaders/refunds";
import { loadSalesReport } from "@/lib/reports/loaders/sales";

// The reports' server-side reads as bench cases, for bench/reports.ts: each case is what one
// report page queries (its summary/chart loader and the first page of its grid, side by side as
// the page runs them), on the default range (last 30 days) and on "this year".

export type ReportCase = { key: string; label: string; run: () => Promise<unknown> };

// The loaders check a permission; the bench reads as an administrator would.
const BENCH_USER: SessionUser = { id: 0, email: "bench@localhost", name: "Bench", role: "admin", permissions: ["view_sales"] };

export function reportCases(db: Db): ReportCase[] {
  const ranges = [
    { key: "last30", params: {} },
    { key: "year", params: { range: "this_year" } },
  ] as const;
  const page = (definition: GridDefinition, params: Record<string, string>) => {
    const { state } = parseGridState(definition, params);
    return loadGridPage(db, definition, state, "UTC");
  };
  const cases: ReportCase[] = [];
  for (const range of ranges) {
    const f = parseReportFilters(range.params);
    const p: Record<string, string> = { ...range.params };
    cases.push(
      {
        key: `sales_${range.key}`,
        label: `Sales by period (${range.key})`,
        run: () => Promise.all([loadSalesReport(BENCH_USER, f, db), page(reportSalesGrid, p)]),
      },
      {
        key: `products_${range.key}`,
        label: `Best-selling products (${range.key})`,
        run: () => Promise.all([loadProductsReport(BENCH_USER, f, db), page(reportProductsGrid, p)]),
      },
      {
        key: `abandoned_${range.key}`,
        label: `Abandoned carts (${range.key})`,
        run: () => Promise.all([loadAbandonedCartsReport(BENCH_USER, f, db), page(reportAbandonedCartsGrid, p)]),
      },
      {
        key: `refunds_${range.key}`,
        label: `Refunds (${range.key})`,
        run: () => Promise.all([loadRefundsReport(BENCH_USER, f, db), page(reportRefundsGrid, p)]),
      },
    );
  }
  cases.push({
    key: "customers_ltv",
    label: "Customers by lifetime value",
    run: () => Promise.all([loadCustomersReport(BENCH_USER, parseReportFilters({}), db), page(reportCustomersGrid, {})]),
  });
  return cases;
}
