import type { GridDefinition, GridId } from "./types";
import { auditLogGrid } from "./grids/audit-log";
import { cartsGrid } from "./grids/carts";
import { creditMemosGrid } from "./grids/credit-memos";
import { customersGrid } from "./grids/customers";
import { ordersGrid } from "./grids/orders";
import { reportAbandonedCartsGrid } from "./grids/report-abandoned-carts";
import { reportCustomersGrid } from "./grids/report-customers";
import { reportProductsGrid } from "./grids/report-products";
import { reportRefundsGrid } from "./grids/report-refunds";
import { reportSalesGrid } from "./grids/report-sales";
import { subscribersGrid } from "./grids/subscribers";

/** Every grid by id (the export route and tests look grids up here). */
export const GRIDS: Record<GridId, GridDefinition> = {
  orders: ordersGrid,
  carts: cartsGrid,
  customers: customersGrid,
  credit_memos: creditMemosGrid,
  subscribers: subscribersGrid,
  audit_log: auditLogGrid,
  report_customers: reportCustomersGrid,
  report_abandoned_carts: reportAbandonedCartsGrid,
  report_sales: reportSalesGrid,
  report_products: reportProductsGrid,
  report_refunds: reportRefundsGrid,
};

export function gridById(id: string): GridDefinition | null {
  return Object.hasOwn(GRIDS, id) ? GRIDS[id as GridId] : null;
}
