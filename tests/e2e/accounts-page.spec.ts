import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { signedInContext } from "./helpers";
import { expectNoSeriousA11yViolations, portalQuery } from "./store";
import { sampleChain } from "./workspace-pages";

// The account page (issue 22) on the synced demo store: from a credit memo to its customer's
// account, the account's customers and its Credit memos tab holding that memo; what a viewer and a
// manager may do there; a 404 for an account that does not exist. Screenshots go to
// test-results/screenshots/.

const shots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "test-results", "screenshots");

async function asRole<T>(browser: Browser, role: "viewer" | "manager", fn: (page: Page) => Promise<T>): Promise<T> {
  const context = await signedInContext(browser, role);
  try {
    return await fn(await context.newPage());
  } finally {
    await context.close();
  }
}

/** The account the sample memo's customer belongs to, by the portal's own tables. */
async function sampleAccount(): Promise<{ id: string; name: string; customerEmail: string }> {
  const { ids } = await sampleChain();
  const [row] = await portalQuery<{ id: string; name: string; email: string }>(
    `SELECT a.id::text, a.name, c.email FROM magento_customers c JOIN accounts a ON a.id = c.account_id WHERE c.id = $1`,
    [ids.customer],
  );
  if (!row) throw new Error(`customer ${ids.customer} has no account`);
  return { id: row.id, name: row.name, customerEmail: row.email };
}

test("a viewer follows a credit memo's account link, sees the account's customers and finds the memo under Credit memos", async ({
  browser,
}) => {
  const { memo, ids } = await sampleChain();
  const account = await sampleAccount();
  await asRole(browser, "viewer", async (page) => {
    const response = await page.goto(`/sales/credit-memos/${ids.memo}`);
    expect(response?.status()).toBe(200);
    const link = page.getByRole("link", { name: `Account: ${account.name}`, exact: true });
    await expect(link).toHaveAttribute("href", `/customers/accounts/${account.id}`);
    await link.click();
    await expect(page).toHaveURL(new RegExp(`/customers/accounts/${account.id}$`));
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(account.name);
    await expect(page.getByText(/^(Person|Company)$/).first()).toBeVisible();

    // Its customers, the memo's among them, each linked to the customer's page.
    const customers = page.getByRole("table", { name: `Customers of ${account.name}` });
    await expect(customers.getByRole("link").filter({ hasText: /./ }).first()).toBeVisible();
    await expect(customers).toContainText(account.customerEmail);
    await expect(customers.locator(`a[href="/customers/${ids.customer}"]`)).toBeVisible();
    // The figures, live from the orders.
    await expect(page.getByRole("region", { name: "Lifetime" })).toContainText(/Lifetime value\s*\$[\d,]+\.\d{2}/);
    // A viewer reads the owner; the merge and move links are for managers.
    await expect(page.getByRole("combobox", { name: "Owner" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Merge into another account…" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: /^Move/ })).toHaveCount(0);
    await page.screenshot({ path: path.join(shots, "account-page-1280.png"), fullPage: true, animations: "disabled" });
    await expectNoSeriousA11yViolations(page, "the account page");

    await page.getByRole("navigation", { name: "Account records" }).getByRole("link", { name: "Credit memos" }).click();
    await expect(page).toHaveURL(/tab=credit_memos/);
    const grid = page.getByRole("region", { name: `Credit Memos of ${account.name}` });
    await expect(grid.getByRole("link", { name: memo.increment_id, exact: true })).toHaveAttribute(
      "href",
      new RegExp(`^/sales/credit-memos/${ids.memo}`),
    );
    await page.screenshot({ path: path.join(shots, "account-page-credit-memos-1280.png"), fullPage: true, animations: "disabled" });
    await expectNoSeriousA11yViolations(page, "the account page's Credit memos tab");

    await page.getByRole("navigation", { name: "Account records" }).getByRole("link", { name: "Activity" }).click();
    await expect(page).toHaveURL(/tab=activity/);
    await expectNoSeriousA11yViolations(page, "the account page's Activity tab");
  });
});

test("a manager gives the account an owner and sees the merge and move links", async ({ browser }) => {
  const account = await sampleAccount();
  await asRole(browser, "manager", async (page) => {
    await page.goto(`/customers/accounts/${account.id}`);
    await expect(page.getByRole("link", { name: "Merge into another account…" })).toHaveAttribute(
      "href",
      `/customers/accounts/${account.id}/merge`,
    );
    await expect(page.getByRole("link", { name: /^Move .* to another account$/ }).first()).toHaveAttribute(
      "href",
      new RegExp(`^/customers/accounts/${account.id}/move\\?customer=\\d+$`),
    );
    const owner = page.getByRole("combobox", { name: "Owner" });
    const manager = (await owner.locator("option").allTextContents()).find((label) => /manager/i.test(label));
    expect(manager, "the seeded manager among the owners").toBeDefined();
    await owner.selectOption({ label: manager! });
    await page.getByRole("button", { name: "Save owner" }).click();
    await expect(page.getByRole("status")).toHaveText(`Owner set to ${manager}.`);
    await page.reload();
    await expect(page.getByRole("combobox", { name: "Owner" }).locator("option:checked")).toHaveText(manager!);
    await page.getByRole("navigation", { name: "Account records" }).getByRole("link", { name: "Activity" }).click();
    await expect(page.getByRole("main")).toContainText("Account owner changed");
    await expect(page.getByRole("main")).toContainText(`→ ${manager}`);
    await expectNoSeriousA11yViolations(page, "the account page as a manager");
  });
});

test("an account that does not exist answers 404", async ({ browser }) => {
  await asRole(browser, "viewer", async (page) => {
    const response = await page.goto("/customers/accounts/987654321");
    expect(response?.status()).toBe(404);
    await expect(page.getByText("This account does not exist")).toBeVisible();
  });
});
