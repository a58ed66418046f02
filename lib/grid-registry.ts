import type { GridDefinition, GridId } from "@/lib/grid/types";
import { accountsGrid } from "@/lib/accounts/grid";
import { auditLogGrid } from "@/lib/users/audit-log-grid";
import { cartsGrid } from "@/lib/carts/grid";
import { creditMemosGrid } from "@/lib/credit-memos/grid";
import { customersGrid } from "@/lib/customers/grid";
import { ordersGrid } from "@/lib/orders/grid";
import { reportAbandonedCartsGrid } from "@/lib/reports/grids/abandoned-carts";
import { reportAccountsGrid } from "@/lib/reports/grids/accounts";
import { reportCustomersGrid } from "@/lib/reports/grids/customers";
import { reportProductsGrid } from "@/lib/reports/grids/products";
import { reportRefundsGrid } from "@/lib/reports/grids/refunds";
import { reportSalesGrid } from "@/lib/reports/grids/sales";
import { subscribersGrid } from "@/lib/subscribers/grid";

/** Every grid by id (the export route and tests look grids up here). */
export const GRIDS: Record<GridId, GridDefinition> = {
  orders: ordersGrid,
  carts: cartsGrid,
  customers: customersGrid,
  credit_memos: creditMemosGrid,
  subscribers: subscribersGrid,
  accounts: accountsGrid,
  audit_log: auditLogGrid,
  report_customers: reportCustomersGrid,
  report_accounts: reportAccountsGrid,
  report_abandoned_carts: reportAbandonedCartsGrid,
  report_sales: reportSalesGrid,
  report_products: reportProductsGrid,
  report_refunds: reportRefundsGrid,
};

export function gridById(id: string): GridDefinition | null {
  return Object.hasOwn(GRIDS, id) ? GRIDS[id as GridId] : null;
}
