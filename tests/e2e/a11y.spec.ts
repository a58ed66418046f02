import { expect, test } from "@playwright/test";
import { signedInContext } from "./helpers";
import { expectNoSeriousA11yViolations } from "./store";
import { GRID_PAGES, detailPages, openWorkspacePage, sampleChain } from "./workspace-pages";

// axe-core on every grid and detail page of the workspace, on the store synced from the
// simulator: no serious or critical violation (the failure lists each one with its elements).

test.describe.configure({ mode: "parallel" });

for (const target of GRID_PAGES) {
  test(`axe-core finds no serious or critical violation on ${target.path}`, async ({ browser }) => {
    const context = await signedInContext(browser, "manager");
    try {
      const page = await context.newPage();
      await openWorkspacePage(page, target);
      await expectNoSeriousA11yViolations(page, target.path);
    } finally {
      await context.close();
    }
  });
}

test("axe-core finds no serious or critical violation on the detail pages (order, cart, customer, credit memo)", async ({ browser }) => {
  test.setTimeout(90_000);
  const targets = await detailPages();
  const context = await signedInContext(browser, "manager");
  try {
    const page = await context.newPage();
    for (const target of targets) {
      await test.step(target.name, async () => {
        await openWorkspacePage(page, target);
        // Soft: one run reports the violations of every detail page.
        await expectNoSeriousA11yViolations(page, `${target.name} (${target.path})`, { soft: true });
      });
    }
  } finally {
    await context.close();
  }
});

test("axe-core finds no serious or critical violation on the customer edit page and Sync History", async ({ browser }) => {
  // The demo channel has two-way sync on: a manager gets the form, a viewer the values as text
  // (two-way.spec.ts checks saving, a refused push, Sync History with failures and two-way off).
  const { ids } = await sampleChain();
  const viewer = await signedInContext(browser, "viewer");
  try {
    const page = await viewer.newPage();
    await openWorkspacePage(page, { name: "customer-edit", path: `/customers/${ids.customer}/edit` });
    await expect(page.getByRole("note").filter({ hasText: "Read-only" })).toBeVisible();
    await expectNoSeriousA11yViolations(page, "customer edit page (read-only)", { soft: true });
  } finally {
    await viewer.close();
  }
  const context = await signedInContext(browser, "manager");
  try {
    const page = await context.newPage();
    await openWorkspacePage(page, { name: "customer-edit", path: `/customers/${ids.customer}/edit` });
    await expect(page.getByRole("button", { name: "Save and send to Magento" })).toBeVisible();
    await expectNoSeriousA11yViolations(page, "customer edit page", { soft: true });
    await openWorkspacePage(page, { name: "sync-history", path: "/system/sync-history" });
    await expectNoSeriousA11yViolations(page, "sync history", { soft: true });
  } finally {
    await context.close();
  }
});

test("a grid row is reached with Tab, moved with the arrow keys and opened with Enter", async ({ browser }) => {
  const context = await signedInContext(browser, "manager");
  try {
    const page = await context.newPage();
    await openWorkspacePage(page, { name: "grid-orders", path: "/sales/orders" });
    await expect(page.locator("main tbody tr").first()).toBeVisible();
    // From the top of the page, Tab forward until a row of the grid has the focus.
    const focusedRow = () => page.evaluate(() => (document.activeElement?.tagName === "TR" ? document.activeElement.textContent : null));
    let reached: string | null = null;
    for (let presses = 0; presses < 100 && reached === null; presses++) {
      await page.keyboard.press("Tab");
      reached = await focusedRow();
    }
    expect(reached, "a grid row can be reached with Tab").not.toBeNull();
    const numberOf = async () =>
      page.evaluate(() =>
        document.activeElement?.tagName === "TR" ? (document.activeElement.querySelectorAll("td")[1]?.textContent ?? "").trim() : null,
      );
    const first = await numberOf();
    await page.keyboard.press("ArrowDown");
    await expect.poll(numberOf, { message: "ArrowDown moves to the next row" }).not.toBe(first);
    const second = await numberOf();
    expect(second).toMatch(/\S/);
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/sales\/orders\/\d+(\?.*)?$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Order #${second}`);
  } finally {
    await context.close();
  }
});
