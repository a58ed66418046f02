import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, type Page } from "@playwright/test";
import { portalId, searchPage } from "./store";

// The workspace's grid and detail pages, for the accessibility and screenshot specs. Detail pages
// are picked from the simulator (an order that has a credit memo, its customer and cart, the memo)
// and opened by the portal's ids.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export type WorkspacePage = { name: string; path: string };

export const GRID_PAGES: WorkspacePage[] = [
  { name: "grid-orders", path: "/sales/orders" },
  { name: "grid-carts", path: "/sales/carts" },
  { name: "grid-credit-memos", path: "/sales/credit-memos" },
  { name: "grid-customers", path: "/customers" },
  { name: "grid-subscribers", path: "/marketing/subscribers" },
];

/** Whether a detail route has been built (app/(portal)/<dir>/[id]/page.tsx). */
const detailRouteExists = (dir: string) => existsSync(path.join(root, "app", "(portal)", dir, "[id]", "page.tsx"));

type Rec = Record<string, unknown>;

export type SampleChain = {
  order: Rec & { entity_id: number; customer_id: number; quote_id: number; increment_id: string };
  memo: Rec & { entity_id: number; order_id: number; increment_id: string };
  ids: { order: string; cart: string; customer: string; memo: string };
};

let chain: Promise<SampleChain> | undefined;

/**
 * A chain of records for the detail pages, from the simulator: the newest credit memo whose order
 * belongs to a registered customer and came from a cart; with the portal's ids of all four.
 */
export function sampleChain(): Promise<SampleChain> {
  chain ??= (async () => {
    const memos = await searchPage<SampleChain["memo"]>("/creditmemos", {
      sort: [{ field: "entity_id", direction: "DESC" }],
      pageSize: 50,
    });
    for (const memo of memos.items) {
      const found = await searchPage<SampleChain["order"]>("/orders", {
        filters: [{ field: "entity_id", value: memo.order_id }],
        pageSize: 1,
      });
      const order = found.items[0];
      if (!order?.customer_id || !order.quote_id || order.customer_is_guest) continue;
      const ids = {
        order: await portalId("orders", order.entity_id),
        cart: await portalId("carts", order.quote_id),
        customer: await portalId("customers", order.customer_id),
        memo: await portalId("credit_memos", memo.entity_id),
      };
      for (const [kind, id] of Object.entries(ids)) if (!id) throw new Error(`the ${kind} of credit memo ${memo.entity_id} was not synced`);
      return { order, memo, ids: ids as SampleChain["ids"] };
    }
    throw new Error("the simulated store has no credit memo on a registered customer's order");
  })();
  return chain;
}

/** One detail page of each kind (only those whose route exists). */
export async function detailPages(): Promise<WorkspacePage[]> {
  const { ids } = await sampleChain();
  const wanted = [
    { name: "detail-order", dir: "sales/orders", path: `/sales/orders/${ids.order}` },
    { name: "detail-cart", dir: "sales/carts", path: `/sales/carts/${ids.cart}` },
    { name: "detail-customer", dir: "customers", path: `/customers/${ids.customer}` },
    { name: "detail-credit-memo", dir: "sales/credit-memos", path: `/sales/credit-memos/${ids.memo}` },
  ];
  return wanted.filter((page) => detailRouteExists(page.dir)).map(({ name, path }) => ({ name, path }));
}

/** Opens a workspace page and waits until it has rendered (heading shown, streaming done). */
export async function openWorkspacePage(page: Page, target: WorkspacePage): Promise<void> {
  const response = await page.goto(target.path);
  expect(response?.status(), `status of ${target.path}`).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.waitForLoadState("networkidle");
  // Suspense fallbacks (skeletons) mark themselves busy while the server streams the rest.
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
}
