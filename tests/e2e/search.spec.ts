import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type Page } from "@playwright/test";
import type { Role } from "../../lib/auth/permissions";
import { signedInContext } from "./helpers";
import { expectNoSeriousA11yViolations, portalId, searchPage } from "./store";
import { sampleChain } from "./workspace-pages";

// Global search in the header, as a viewer and as an agent, on the store synced from the
// simulator: a customer by a part of the name with an umlaut, an order by its number, a cart by
// its number; every listed record opens for the role; keyboard, the results page, axe.
// Screenshots of the dropdown and the results page go to test-results/screenshots/.

const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "test-results", "screenshots");

type SimCustomer = { id: number; firstname: string; lastname: string; email: string };

/** A customer of the store whose last name has an umlaut, and a part of the name around it. */
async function umlautCustomer(): Promise<{ customer: SimCustomer; part: string }> {
  for (const letter of ["ü", "ö", "ä"]) {
    const found = await searchPage<SimCustomer>("/customers/search", {
      filters: [{ field: "lastname", value: `%${letter}%`, condition: "like" }],
      sort: [{ field: "entity_id", direction: "ASC" }],
      pageSize: 1,
    });
    const customer = found.items[0];
    if (!customer) continue;
    const at = customer.lastname.indexOf(letter);
    const start = Math.max(0, at - 2);
    // E.g. "Jens müll" for Jens Müller: the first name and a lower-cased part of the last name.
    const part = `${customer.firstname} ${customer.lastname.slice(start, start + 4).toLowerCase()}`;
    if (!(await portalId("customers", customer.id))) throw new Error(`customer ${customer.id} was not synced`);
    return { customer, part };
  }
  throw new Error("the simulated store has no customer whose last name has an umlaut");
}

const box = (page: Page) => page.getByRole("combobox", { name: /Search customers, accounts, orders/ });
const listbox = (page: Page) => page.getByRole("listbox", { name: "Search results" });

async function typeSearch(page: Page, text: string): Promise<void> {
  await box(page).fill(text);
  await expect(listbox(page).getByRole("option").last()).toContainText(`See all results for “${text.replace(/\s+/g, " ").trim()}”`);
  // The answer for exactly these words has arrived (not "Searching…").
  await expect(page.getByRole("search").locator("p[aria-live]")).toHaveText(/match/);
}

/** Every record the open dropdown lists opens for this role (no 403 page, no 404, no error). */
async function expectEveryOptionOpens(page: Page): Promise<number> {
  const hrefs = await listbox(page)
    .locator('[role="option"][data-href]')
    .evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-href")!));
  for (const href of hrefs) {
    // forbidden() answers 403 (next.config.ts authInterrupts); a record that did not open, 404.
    const response = await page.request.get(href);
    expect(response.status(), href).toBe(200);
  }
  return hrefs.length;
}

for (const role of ["viewer", "agent"] as const satisfies readonly Role[]) {
  test.describe(`global search as ${role}`, () => {
    test(`finds a customer by a part of the name with an umlaut, an order by number and a cart by number (${role})`, async ({
      browser,
    }) => {
      test.setTimeout(150_000);
      const { customer, part } = await umlautCustomer();
      const { order, ids } = await sampleChain();
      const context = await signedInContext(browser, role);
      try {
        const page = await context.newPage();
        await page.goto("/dashboard");
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

        // "/" from the page focuses the box.
        await page.locator("main").click({ position: { x: 5, y: 5 } });
        await page.keyboard.press("/");
        await expect(box(page)).toBeFocused();

        // A customer by a part of the name with an umlaut.
        await typeSearch(page, part);
        const customers = listbox(page).getByRole("group", { name: "Customers" });
        const name = `${customer.firstname} ${customer.lastname}`;
        await expect(customers.getByRole("option").first()).toContainText(name);
        await expect(box(page)).toHaveAttribute("aria-expanded", "true");
        expect(await expectEveryOptionOpens(page)).toBeGreaterThan(0);
        if (role === "viewer") {
          mkdirSync(screenshots, { recursive: true });
          await expectNoSeriousA11yViolations(page, "the search dropdown");
          await page.screenshot({ path: path.join(screenshots, "search-dropdown-1440.png"), animations: "disabled" });
        }
        // ArrowDown highlights the first customer (customers come first), Enter opens it.
        await box(page).press("ArrowDown");
        await expect(customers.getByRole("option").first()).toHaveAttribute("aria-selected", "true");
        await box(page).press("Enter");
        await expect(page).toHaveURL(/\/customers\/\d+$/);
        await expect(page.getByRole("heading", { level: 1 })).toContainText(customer.lastname);

        // An order by its increment id: first in its group, opens with the mouse.
        await box(page).click();
        await typeSearch(page, order.increment_id);
        const orderOption = listbox(page).getByRole("group", { name: "Orders" }).getByRole("option").first();
        await expect(orderOption).toContainText(`Order #${order.increment_id}`);
        expect(await expectEveryOptionOpens(page)).toBeGreaterThan(0);
        await orderOption.click();
        await expect(page).toHaveURL(new RegExp(`/sales/orders/${ids.order}$`));

        // A cart by its number.
        await box(page).click();
        const cartNumber = String(order.quote_id);
        await typeSearch(page, cartNumber);
        const cartOption = listbox(page).getByRole("group", { name: "Shopping carts" }).getByRole("option").first();
        await expect(cartOption).toContainText(`Cart #${cartNumber}`);
        expect(await expectEveryOptionOpens(page)).toBeGreaterThan(0);
        await cartOption.click();
        await expect(page).toHaveURL(new RegExp(`/sales/carts/${ids.cart}$`));

        // Escape closes the list; Enter with nothing highlighted opens the full results page.
        await box(page).click();
        await typeSearch(page, customer.lastname.toLowerCase());
        await box(page).press("Escape");
        await expect(box(page)).toHaveAttribute("aria-expanded", "false");
        await expect(listbox(page)).toBeHidden();
        await box(page).press("Enter");
        await expect(page).toHaveURL(/\/search\?q=/);
        await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Results for “${customer.lastname.toLowerCase()}”`);
        const results = page.getByTestId("search-results");
        await expect(results.getByRole("heading", { name: "Customers" })).toBeVisible();
        await expect(results.getByRole("link", { name: new RegExp(name) }).first()).toBeVisible();
        // Every record the results page lists opens for the role.
        const hrefs = await results
          .locator("li a")
          .evaluateAll((nodes) => nodes.map((n) => (n as HTMLAnchorElement).getAttribute("href")!));
        expect(hrefs.length).toBeGreaterThan(0);
        for (const href of hrefs) expect((await page.request.get(href)).status(), href).toBe(200);
        await expectNoSeriousA11yViolations(page, "the search results page");
        if (role === "viewer") await page.screenshot({ path: path.join(screenshots, "search-results-1440.png"), fullPage: true });
      } finally {
        await context.close();
      }
    });
  });
}

test("the search API answers no one signed out", async ({ request }) => {
  const response = await request.get("/api/search?q=m%C3%BCll", { maxRedirects: 0 });
  expect([401, 307]).toContain(response.status());
  if (response.status() === 307) expect(response.headers().location).toContain("/login");
  expect(await response.text()).not.toContain("groups");
});

test("odd input is searched literally and a too-long query is refused", async ({ browser }) => {
  const context = await signedInContext(browser, "viewer");
  try {
    const page = await context.newPage();
    for (const q of ["%%%", "___", "\\\\", "o'brien"]) {
      const response = await page.request.get(`/api/search?q=${encodeURIComponent(q)}`);
      expect(response.status(), q).toBe(200);
      expect(((await response.json()) as { groups: unknown[] }).groups, q).toEqual([]);
    }
    const long = await page.request.get(`/api/search?q=${"x".repeat(101)}`);
    expect(long.status()).toBe(400);
    const empty = await page.goto("/search?q=");
    expect(empty?.status()).toBe(200);
    await expect(page.getByText("Type at least 2 characters.")).toBeVisible();
  } finally {
    await context.close();
  }
});

test("the search box and the results page at 390 px", async ({ browser }) => {
  const { order } = await sampleChain();
  const context = await signedInContext(browser, "viewer");
  try {
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/dashboard");
    await typeSearch(page, order.increment_id);
    await expect(listbox(page).getByRole("option").first()).toBeInViewport();
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, "search-dropdown-390.png"), animations: "disabled" });
    await box(page).press("Enter");
    await expect(page).toHaveURL(/\/search\?q=/);
    await expect(page.getByTestId("search-results")).toBeVisible();
    await page.screenshot({ path: path.join(screenshots, "search-results-390.png"), fullPage: true });
  } finally {
    await context.close();
  }
});
