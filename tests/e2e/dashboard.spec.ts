import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type Page } from "@playwright/test";
import { signedInContext } from "./helpers";
import { expectNoSeriousA11yViolations } from "./store";

// The dashboard on the synced demo store: widgets render with data, the filter form changes the
// figures through the URL, axe-core finds nothing serious, and screenshots are kept for review
// in test-results/screenshots/.

const shots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "test-results", "screenshots");

async function kpi(page: Page, label: string): Promise<string> {
  const tile = page
    .getByTestId("kpis")
    .locator("div")
    .filter({ has: page.locator("dt", { hasText: new RegExp(`^${label}$`) }) });
  return (await tile.locator("dd").first().innerText()).trim();
}

async function waitForWidgets(page: Page) {
  await expect(page.getByTestId("kpis")).toBeVisible();
  // Every Suspense skeleton has been replaced.
  await expect(page.getByText(/^Loading .*…$/)).toHaveCount(0);
}

test("the dashboard shows the store's figures, filters change them, and axe-core passes", async ({ browser }) => {
  test.setTimeout(90_000);
  mkdirSync(shots, { recursive: true });
  const context = await signedInContext(browser, "viewer");
  try {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto("/dashboard?range=last_90_days");
    await waitForWidgets(page);
    for (const title of [
      "Key figures",
      "Revenue over time",
      "By channel",
      "Shopping cart funnel",
      "New vs returning customers",
      "Top customers by lifetime value",
      "Orders by status",
      "Payment methods",
      "Shipping methods",
      "Sync health",
    ]) {
      await expect(page.getByRole("heading", { name: title, level: 2 })).toBeVisible();
    }
    const orders90 = await kpi(page, "Orders");
    expect(Number(orders90.replace(/,/g, ""))).toBeGreaterThan(0);
    expect(await kpi(page, "Revenue")).toMatch(/^\$[\d,]+\.\d{2}$/);
    // The demo store sells in USD and EUR (a EUR-base Europe website): every amount is converted to
    // Magento's global currency at each order's rate, and the page says so, with no mixing warning.
    await expect(page.getByTestId("currency-note")).toContainText("Amounts are in USD, Magento's global currency");
    await expect(page.getByText(/Mixed currencies|Different global currencies|Incomplete amounts/)).toHaveCount(0);
    await expect(page.getByTestId("store-days-note")).toContainText("America/Chicago");
    // Abandoned carts out of the box (active, items, an email, idle for 24 hours).
    expect(Number((await kpi(page, "Abandoned carts")).replace(/,/g, ""))).toBeGreaterThan(0);
    expect(await kpi(page, "Abandoned revenue")).toMatch(/^\$[\d,]+\.\d{2}$/);
    // Charts are drawn (SVG) and readable as tables by screen readers.
    await expect(page.locator("figure svg").first()).toBeVisible();
    await expect(page.locator("table.sr-only caption", { hasText: "Revenue per period" })).toHaveCount(1);
    await expect(page.getByTestId("sync-health")).toContainText("demo");
    await expect(page.getByTestId("sync-health")).toContainText(/Data as of (just now|\d+ (min|h) ago)/);
    await expect(page.getByText(/As of (just now|\d+ min ago)/).first()).toBeVisible();
    await page.screenshot({ path: path.join(shots, "dashboard-last-90-days-1280.png"), fullPage: true, animations: "disabled" });
    await expectNoSeriousA11yViolations(page, "dashboard");

    // A tooltip on hover over the revenue chart.
    const revenueChart = page.locator("figure").filter({ has: page.locator("caption", { hasText: "Revenue per period" }) });
    await revenueChart.scrollIntoViewIfNeeded();
    const box = await revenueChart.locator("svg").first().boundingBox();
    await page.mouse.move(box!.x + box!.width * 0.6, box!.y + box!.height * 0.5);
    await expect(revenueChart.getByText(/This period: \$/)).toBeVisible();

    // The filter form writes the URL and the figures follow.
    await page.getByLabel("Date range").selectOption("last_year");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/range=last_year/);
    await waitForWidgets(page);
    const ordersYear = await kpi(page, "Orders");
    expect(ordersYear).not.toBe(orders90);
    await expect(page.getByLabel("Group by")).toHaveValue("");
    await expect(
      page.locator("table.sr-only caption", { hasText: "Revenue per period" }).locator("xpath=..").locator("tbody tr"),
    ).toHaveCount(12);
    await page.screenshot({ path: path.join(shots, "dashboard-last-year-1280.png"), fullPage: true, animations: "disabled" });

    // A custom range, by week, for the demo channel only.
    await page.getByLabel("Date range").selectOption("custom");
    await page.getByRole("textbox", { name: "From (custom)" }).fill("2025-01-01");
    await page.getByRole("textbox", { name: "To (custom)" }).fill("2025-03-31");
    await page.getByLabel("Group by").selectOption("week");
    await page.locator('select[name="channel"]').selectOption({ label: "demo" });
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/range=custom&from=2025-01-01&to=2025-03-31&channel=\d+&website=&bucket=week$/);
    await waitForWidgets(page);
    await expect(page.getByText("2025-01-01 – 2025-03-31, compared with 2024-10-03 – 2024-12-31")).toBeVisible();

    // A range with no sales shows each widget's empty state, not an error.
    await page.goto("/dashboard?range=custom&from=2001-01-01&to=2001-01-31");
    await waitForWidgets(page);
    await expect(page.getByText("No orders in this period. Pick a longer range or another channel.")).toBeVisible();
    await expect(page.getByText("No carts were created in this period.")).toBeVisible();

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/dashboard?range=last_90_days");
    await waitForWidgets(page);
    await page.screenshot({ path: path.join(shots, "dashboard-last-90-days-390.png"), fullPage: true, animations: "disabled" });
  } finally {
    await context.close();
  }
});

test("an old bookmark (/dashboard?channel=999) says what it could not use and shows every channel", async ({ browser }) => {
  test.setTimeout(60_000);
  const context = await signedInContext(browser, "viewer");
  try {
    const page = await context.newPage();
    await page.goto("/dashboard?channel=999&range=custom&from=2025-02-30&to=2025-03-10");
    await waitForWidgets(page);
    const notice = page.getByTestId("link-notices");
    await expect(notice).toContainText("Part of this link was not understood");
    await expect(notice).toContainText("There is no channel 999; showing every channel.");
    await expect(notice).toContainText('"2025-02-30" is not a date (from)');
    // What the filter bar shows is what the figures are: every channel, with the store's orders.
    await expect(page.locator('form[aria-label="Dashboard filters"] select[name="channel"]')).toHaveValue("");
    expect(Number((await kpi(page, "Orders")).replace(/,/g, ""))).toBeGreaterThan(0);
    await expectNoSeriousA11yViolations(page, "dashboard with a link notice");

    // A report says it the same way, and its grid does not contradict it.
    await page.goto("/reports/sales?channel=999&from=2026-03-31&to=2026-03-01");
    await expect(page.getByTestId("link-notices")).toContainText("There is no channel 999; showing every channel.");
    await expect(page.getByTestId("link-notices")).toContainText("The range ended (2026-03-01) before it started (2026-03-31)");
    await expect(page.getByText("nothing matches it")).toHaveCount(0);
    await expectNoSeriousA11yViolations(page, "sales report with a link notice");
  } finally {
    await context.close();
  }
});
