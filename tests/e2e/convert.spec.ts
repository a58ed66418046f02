import { expect, test, type Page } from "@playwright/test";
import { signedInContext } from "./helpers";
import { expectNoSeriousA11yViolations, portalId, searchPage } from "./store";

// Converting a cart to an order in Chromium against the simulator: choose the address, Magento's
// shipping method and payment, place it; the order shows in the portal at once and exists exactly
// once in the simulator's readback, also after a double click on "Place order".

/* eslint-disable @typescript-eslint/no-explicit-any */
type Rec = Record<string, any>;

test.describe.configure({ mode: "serial" });

const taken = new Set<number>();

/** An open cart of a registered customer, with items, that the portal has synced. */
async function openCart(): Promise<{ originId: number; portal: string }> {
  const page = await searchPage<Rec>("/carts/search", {
    filters: [
      { field: "is_active", value: 1 },
      { field: "items_count", value: 0, condition: "gt" },
    ],
    sort: [{ field: "entity_id", direction: "DESC" }],
    pageSize: 50,
  });
  for (const cart of page.items) {
    if (taken.has(cart.id) || !cart.customer?.id) continue;
    const portal = await portalId("carts", cart.id);
    if (!portal) continue;
    taken.add(cart.id);
    return { originId: cart.id, portal };
  }
  throw new Error("no open registered cart with items in the simulator");
}

async function ordersOfCart(originId: number): Promise<Rec[]> {
  return (await searchPage<Rec>("/orders", { filters: [{ field: "quote_id", value: originId }] })).items;
}

/** From the cart page through "Review totals", with a new address in New York. */
async function fillUpToPayment(page: Page, cart: { portal: string }) {
  await page.goto(`/sales/carts/${cart.portal}`);
  await page.getByRole("link", { name: "Convert to order" }).click();
  await expect(page).toHaveURL(new RegExp(`/sales/carts/${cart.portal}/convert$`));
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
  const totals = page.getByRole("table", { name: "Order totals as Magento computes them" });
  await expect(totals).toBeVisible();
  await page.getByRole("radio", { name: "Check / Money order" }).check();
  return totals;
}

test("a manager converts a cart: address, shipping, payment, Magento's totals; the order shows at once, once", async ({ browser }) => {
  const context = await signedInContext(browser, "manager");
  const page = await context.newPage();
  try {
    const cart = await openCart();
    const totals = await fillUpToPayment(page, cart);
    const grand = (await totals.getByRole("row").filter({ hasText: "Grand total" }).getByRole("cell").textContent())!.trim();
    await expectNoSeriousA11yViolations(page, "convert page");
    await page.getByRole("button", { name: "Place order" }).click();

    const done = page.getByRole("status").filter({ hasText: "was placed in Magento" });
    await expect(done).toBeVisible();
    const orders = await ordersOfCart(cart.originId);
    expect(orders).toHaveLength(1);
    const order = orders[0]!;
    await expect(done).toContainText(`Order #${order.increment_id} was placed in Magento.`);
    await expect(done).toContainText(grand);

    await page.getByRole("link", { name: `Open order #${order.increment_id}` }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Order #${order.increment_id}`);
    await expect(page.getByRole("main")).toContainText("12 Market Street");

    // The cart is purchased and links the order; converting again is not offered.
    await page.goto(`/sales/carts/${cart.portal}`);
    await expect(page.getByRole("link", { name: `Order #${order.increment_id}` })).toBeVisible();
    await expect(page.getByRole("link", { name: "Convert to order" })).toHaveCount(0);
    await page.goto(`/sales/carts/${cart.portal}/convert`);
    await expect(page.getByRole("main")).toContainText(`Already ordered: #${order.increment_id}.`);
  } finally {
    await context.close();
  }
});

test("a double click on Place order leaves one order", async ({ browser }) => {
  const context = await signedInContext(browser, "manager");
  const page = await context.newPage();
  try {
    const cart = await openCart();
    await fillUpToPayment(page, cart);
    await page.getByRole("button", { name: "Place order" }).dblclick();
    await expect(page.getByRole("status").filter({ hasText: "was placed in Magento" })).toBeVisible();
    const orders = await ordersOfCart(cart.originId);
    expect(orders).toHaveLength(1);
    await expect(page.getByRole("link", { name: `Open order #${orders[0]!.increment_id}` })).toBeVisible();
  } finally {
    await context.close();
  }
});

test("an agent is not offered conversion and cannot open the convert page", async ({ browser }) => {
  const context = await signedInContext(browser, "agent");
  const page = await context.newPage();
  try {
    const cart = await openCart();
    await page.goto(`/sales/carts/${cart.portal}`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Cart ${cart.originId}`);
    await expect(page.getByRole("link", { name: "Convert to order" })).toHaveCount(0);
    const response = await page.goto(`/sales/carts/${cart.portal}/convert`);
    expect(response?.status()).toBe(403);
    expect(await ordersOfCart(cart.originId)).toHaveLength(0);
  } finally {
    await context.close();
  }
});
