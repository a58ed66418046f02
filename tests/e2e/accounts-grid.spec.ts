import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type Page } from "@playwright/test";
import { signedInContext } from "./helpers";
import { expectCount, filterChoice, readGrid, settled } from "./grid";
import { expectNoSeriousA11yViolations, portalQuery } from "./store";

// Customers › Accounts as a viewer, on the store synced from the simulator: the menu opens the
// grid, a filter narrows it to companies, a header sorts it by lifetime value, a row opens its
// account; global search finds an account by its name. Axe on the grid; screenshots in
// test-results/screenshots/.

const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "test-results", "screenshots");

type Account = { id: string; name: string; lifetime_value: string };

const box = (page: Page) => page.getByRole("combobox", { name: /Search customers, accounts/ });
const listbox = (page: Page) => page.getByRole("listbox", { name: "Search results" });

test("a viewer lists the accounts, narrows to companies, sorts by lifetime value, opens one, and finds one in global search", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const companies = await portalQuery<Account>(
    // (a.lifetime_value: the output column of that name is its text)
    `SELECT a.id::text AS id, a.name, a.lifetime_value::text AS lifetime_value FROM accounts a
     WHERE a.type = 'company' AND a.merged_into_id IS NULL ORDER BY a.lifetime_value DESC, a.id DESC`,
  );
  expect(companies.length, "the synced demo store has company accounts").toBeGreaterThan(1);
  const [listed] = await portalQuery<{ n: string }>(`SELECT count(*)::text AS n FROM accounts WHERE merged_into_id IS NULL`);
  mkdirSync(screenshots, { recursive: true });

  const context = await signedInContext(browser, "viewer");
  try {
    const page = await context.newPage();
    await page.goto("/dashboard");
    // Customers › Accounts in the menu.
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Accounts", exact: true }).click();
    await expect(page).toHaveURL(/\/customers\/accounts$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Accounts");
    await expect(nav.getByRole("link", { name: "Accounts", exact: true })).toHaveAttribute("aria-current", "page");
    await expect(nav.getByRole("link", { name: "Magento Customers", exact: true })).not.toHaveAttribute("aria-current", "page");
    await settled(page);
    await expectCount(page, Math.min(Number(listed!.n), 10_000), "every account not merged away");
    await expectNoSeriousA11yViolations(page, "the accounts grid");
    await page.screenshot({ path: path.join(screenshots, "accounts-grid-1280.png"), fullPage: true });

    // Companies only.
    await filterChoice(page, "Type", ["Company"]);
    await expect.poll(() => new URL(page.url()).searchParams.get("f_type")).toBe("company");
    await expectCount(page, companies.length, "the company accounts");
    expect(new Set((await readGrid(page)).map((row) => row.Type))).toEqual(new Set(["Company"]));

    // By lifetime value: a first click sorts ascending, a second descending.
    const header = page.locator("main thead th").filter({ hasText: "Lifetime value" }).first();
    await header.getByRole("link").click();
    await expect(header).toHaveAttribute("aria-sort", "ascending");
    await header.getByRole("link").click();
    await expect(header).toHaveAttribute("aria-sort", "descending");
    await expect.poll(() => new URL(page.url()).searchParams.get("sort")).toBe("-lifetime_value");
    await settled(page);
    const rows = await readGrid(page);
    expect(rows.map((row) => row.Name)).toEqual(companies.slice(0, rows.length).map((c) => c.name));
    await expectNoSeriousA11yViolations(page, "the accounts grid, companies by lifetime value");
    await page.screenshot({ path: path.join(screenshots, "accounts-grid-companies-by-ltv-1280.png"), fullPage: true });

    // The first row opens its account, as every grid's rows do (the account page is its own feature:
    // the address is what counts here).
    await page
      .locator("main tbody tr")
      .first()
      .getByRole("cell")
      .nth(1)
      .click({ position: { x: 2, y: 2 } });
    await expect(page).toHaveURL(new RegExp(`/customers/accounts/${companies[0]!.id}(\\?|$)`));

    // Global search finds an account by its name (in another case: the exact name ranks first).
    const target = companies[0]!;
    await page.goto("/dashboard");
    await box(page).fill(target.name.toUpperCase());
    const accounts = listbox(page).getByRole("group", { name: "Accounts" });
    const option = accounts.getByRole("option").filter({ hasText: target.name }).first();
    await expect(option).toBeVisible();
    await page.screenshot({ path: path.join(screenshots, "accounts-search-dropdown-1280.png") });
    await option.click();
    await expect(page).toHaveURL(new RegExp(`/customers/accounts/${target.id}$`));
  } finally {
    await context.close();
  }
});

test("a viewer switches Customers by Lifetime Value to accounts, and the dashboard's top widget to accounts", async ({ browser }) => {
  test.setTimeout(90_000);
  const top = await portalQuery<{ id: string; name: string }>(
    `SELECT a.id::text AS id, a.name FROM accounts a WHERE a.merged_into_id IS NULL AND a.orders_count > 0
     ORDER BY a.lifetime_value DESC, a.id DESC LIMIT 1`,
  );
  expect(top).toHaveLength(1);
  mkdirSync(screenshots, { recursive: true });
  const context = await signedInContext(browser, "viewer");
  try {
    const page = await context.newPage();
    await page.goto("/reports/customers");
    const show = page.getByRole("navigation", { name: "Show" });
    await expect(show.getByRole("link", { name: "By customer" })).toHaveAttribute("aria-current", "true");
    await show.getByRole("link", { name: "By account" }).click();
    await expect(page).toHaveURL(/\/reports\/customers\?by=account$/);
    await expect(show.getByRole("link", { name: "By account" })).toHaveAttribute("aria-current", "true");
    await expect(page.getByRole("heading", { name: "Accounts per segment" })).toBeVisible();
    await settled(page);
    // The grid (after the segment counts' table): the account with the highest lifetime value first.
    const grid = page.getByRole("region", { name: "Accounts by lifetime value" });
    await expect(grid.locator("thead")).toContainText("Account");
    await expect(grid.locator("tbody tr").first()).toContainText(top[0]!.name);
    // Applying the filters keeps the view.
    await page.getByRole("form", { name: "Report filters" }).getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/[?&]by=account/);
    await expectNoSeriousA11yViolations(page, "Customers by Lifetime Value, by account");
    await page.screenshot({ path: path.join(screenshots, "report-customers-by-account-1280.png"), fullPage: true });

    await page.goto("/dashboard");
    const rank = page.getByRole("navigation", { name: "Rank" });
    await rank.getByRole("link", { name: "Accounts" }).click();
    await expect(page).toHaveURL(/[?&]top=accounts/);
    const widget = page.getByRole("region", { name: "Top accounts by lifetime value" });
    await expect(widget.getByRole("link").filter({ hasText: top[0]!.name }).first()).toHaveAttribute(
      "href",
      `/customers/accounts/${top[0]!.id}`,
    );
    await widget.scrollIntoViewIfNeeded();
    await expectNoSeriousA11yViolations(page, "the dashboard with top accounts");
    await widget.screenshot({ path: path.join(screenshots, "dashboard-top-accounts-1280.png") });
  } finally {
    await context.close();
  }
});
