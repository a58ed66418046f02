import { expect, test } from "@playwright/test";
import { signedInContext } from "./helpers";
import { magento, portalId, searchAll, searchPage } from "./store";

// "New cart" in Chromium against the simulator: a manager searches products on a customer's page,
// creates a cart with two of them in Magento, lands on the synced cart and converts it to an order.
// It changes the store (a new cart and order), so it runs in the store-changing project.

/* eslint-disable @typescript-eslint/no-explicit-any */
type Rec = Record<string, any>;

test.describe.configure({ mode: "serial" });

/** A registered customer without an active cart in Magento, synced into the portal. */
async function customerWithoutCart(): Promise<{ originId: number; portal: string }> {
  const open = await searchAll<Rec>("/carts/search", { filters: [{ field: "is_active", value: 1 }] });
  const busy = new Set(open.map((c) => c.customer?.id).filter(Boolean));
  const customers = await searchPage<Rec>("/customers/search", { sort: [{ field: "entity_id", direction: "DESC" }], pageSize: 100 });
  for (const customer of customers.items) {
    if (busy.has(customer.id)) continue;
    const portal = await portalId("customers", customer.id);
    if (portal) return { originId: customer.id, portal };
  }
  throw new Error("no registered customer without an open cart");
}

/** Two simple products with at least 5 in stock. */
async function twoProductsInStock(): Promise<Rec[]> {
  const products = await searchPage<Rec>("/products", { sort: [{ field: "entity_id", direction: "ASC" }], pageSize: 50 });
  const found: Rec[] = [];
  for (const product of products.items) {
    const stock = await magento<Rec>(`/stockItems/${encodeURIComponent(product.sku)}`);
    if (stock.is_in_stock && Number(stock.qty) >= 5) found.push(product);
    if (found.length === 2) return found;
  }
  throw new Error("not two products in stock");
}

test("a manager creates a cart with two products for a customer and converts it to an order", async ({ browser }) => {
  test.setTimeout(90_000);
  const context = await signedInContext(browser, "manager");
  const page = await context.newPage();
  try {
    const customer = await customerWithoutCart();
    const [first, second] = (await twoProductsInStock()) as [Rec, Rec];

    await page.goto(`/customers/${customer.portal}`);
    await page.getByRole("link", { name: "New cart" }).click();
    await expect(page).toHaveURL(new RegExp(`/customers/${customer.portal}/new-cart$`));
    await expect(page.getByRole("heading", { level: 1 })).toContainText("New cart for");

    for (const product of [first, second]) {
      await page.getByLabel("SKU or name").fill(product.sku);
      await page.getByRole("button", { name: "Search" }).click();
      const results = page.getByRole("table", { name: "Products found" });
      await expect(results.getByRole("row").filter({ hasText: product.sku }).first()).toBeVisible();
      await page.getByRole("button", { name: `Add ${product.sku}`, exact: true }).click();
    }
    await page.getByLabel(`Quantity of ${second.sku}`).fill("2");
    await page.getByRole("button", { name: "Create cart" }).click();
    await expect(page).toHaveURL(/\/sales\/carts\/\d+$/, { timeout: 20_000 });

    // In Magento with those items, once.
    const carts = (await searchAll<Rec>("/carts/search", { filters: [{ field: "is_active", value: 1 }] })).filter(
      (c) => c.customer?.id === customer.originId,
    );
    expect(carts).toHaveLength(1);
    const cart = carts[0]!;
    const items = await magento<Rec[]>(`/carts/${cart.id}/items`);
    expect(items.map((i) => [i.sku, Number(i.qty)]).sort()).toEqual(
      [
        [first.sku, 1],
        [second.sku, 2],
      ].sort(),
    );
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Cart ${cart.id}`);
    await expect(page.getByRole("main")).toContainText(first.sku);
    await expect(page.getByRole("main")).toContainText(second.sku);

    // Then the existing conversion.
    await page.getByRole("link", { name: "Convert to order" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("to an order");
    await page.getByLabel("Address", { exact: true }).selectOption({ label: "A new address" });
    await page.getByLabel("First name").fill("Robin");
    await page.getByLabel("Last name").fill("Quinn");
    await page.getByLabel("Street", { exact: true }).fill("12 Market Street");
    await page.getByLabel("City").fill("Albany");
    await page.getByLabel("Postcode").fill("12207");
    await page.getByLabel("Country").selectOption({ label: "United States" });
    await page.getByLabel("Region").selectOption({ label: "New York" });
    await page.getByLabel("Telephone").fill("518-555-0199");
    await page.getByRole("button", { name: "Get shipping methods" }).click();
    await page.getByRole("radio", { name: /Flat Rate/ }).check();
    await page.getByRole("button", { name: "Review totals" }).click();
    await page.getByRole("radio", { name: "Check / Money order" }).check();
    await page.getByRole("button", { name: "Place order" }).click();
    await expect(page.getByRole("status").filter({ hasText: "was placed in Magento" })).toBeVisible();

    const orders = (await searchPage<Rec>("/orders", { filters: [{ field: "quote_id", value: cart.id }] })).items;
    expect(orders).toHaveLength(1);
    await page.getByRole("link", { name: `Open order #${orders[0]!.increment_id}` }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Order #${orders[0]!.increment_id}`);
    await expect(page.getByRole("main")).toContainText(second.sku);
  } finally {
    await context.close();
  }
});
