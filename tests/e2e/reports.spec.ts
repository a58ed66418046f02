import { expect, test, type Locator, type Page } from "@playwright/test";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { parseCsv } from "./grid";
import { signedInContext } from "./helpers";
import { expectNoSeriousA11yViolations } from "./store";

// Reports and segments in Chromium on the store the e2e server synced from the simulator (its
// after-sync hook filled the rollups and RFM): each report renders with data and an "as of",
// its filters change it, its CSV export holds the grid's rows, axe finds nothing serious; a segment
// is saved from a filtered grid and narrows the grid again. Screenshots: test-results/reports/.

const SHOTS = "test-results/reports";
mkdirSync(SHOTS, { recursive: true });

const REPORTS = [
  { path: "/reports/customers", title: "Customers by Lifetime Value", grid: "Customers by lifetime value", key: "Email" },
  { path: "/reports/abandoned-carts", title: "Abandoned Carts", grid: "Abandoned carts", key: "Cart #" },
  { path: "/reports/sales", title: "Sales by Period", grid: "Sales by period", key: "Period from" },
  { path: "/reports/products", title: "Best-selling Products", grid: "Best-selling products", key: "SKU" },
  { path: "/reports/refunds", title: "Refunds", grid: "Refunds", key: "Memo #" },
] as const;

// The store's history ends at the start of today (UTC): five years back covers all of it.
const ALL_TIME = `range=custom&from=${new Date(Date.now() - 1800 * 86_400_000).toISOString().slice(0, 10)}&to=${new Date().toISOString().slice(0, 10)}`;

// The demo store has abandoned carts (open, idle past the 24-hour delay); follow-up outcomes are
// the portal's own (issue F). A few abandoned carts get one each for this spec, four contacted (still
// abandoned) and two lost (counted apart), and are put back afterwards (playwright.config.ts runs
// this spec with the other store-changing ones, after the grid specs).
const changedCarts: number[] = [];
function e2eSql() {
  const file = path.join(process.cwd(), "test-results", "e2e-users.json");
  const { databaseUrl } = JSON.parse(readFileSync(file, "utf8")) as { databaseUrl: string };
  return postgres(databaseUrl, { max: 1, onnotice: () => {} });
}

test.beforeAll(async () => {
  const sql = e2eSql();
  try {
    const rows = await sql<{ id: string }[]>`
      WITH picked AS (
        SELECT id, row_number() OVER (ORDER BY id DESC) AS n FROM magento_carts
        WHERE status = 'open' AND is_active AND items_count > 0 AND assignee_user_id IS NULL AND nullif(btrim(customer_email), '') IS NOT NULL
          AND remote_updated_at < now() - interval '3 days'
        ORDER BY id DESC LIMIT 6)
      UPDATE magento_carts t SET status = CASE WHEN picked.n <= 4 THEN 'contacted' ELSE 'lost' END, contact_count = 1
      FROM picked WHERE picked.id = t.id
      RETURNING t.id::text AS id`;
    changedCarts.push(...rows.map((r) => Number(r.id)));
  } finally {
    await sql.end();
  }
});

test.afterAll(async () => {
  const sql = e2eSql();
  try {
    if (changedCarts.length) await sql`UPDATE magento_carts SET status = 'open', contact_count = 0 WHERE id IN ${sql(changedCarts)}`;
  } finally {
    await sql.end();
  }
});

const grid = (page: Page, name: string): Locator => page.getByRole("region", { name, exact: true });

async function gridCount(page: Page, name: string): Promise<number> {
  const text = (await grid(page, name).getByTestId("grid-count").textContent()) ?? "";
  return Number(/([\d,]+)/.exec(text)?.[1]?.replace(/,/g, "") ?? "NaN");
}

/** The first column's texts of the grid's rows on this page. */
async function firstColumn(page: Page, name: string, header: string): Promise<string[]> {
  return grid(page, name)
    .locator("table")
    .evaluate((table, wanted) => {
      const headers = [...table.querySelectorAll("thead th")].map((th) => (th.textContent ?? "").replace(/[▲▼↕]/g, "").trim());
      const index = headers.indexOf(wanted);
      return [...table.querySelectorAll("tbody tr")].map((tr) => (tr.querySelectorAll("td")[index]?.textContent ?? "").trim());
    }, header);
}

async function exportCsv(page: Page, name: string): Promise<string[][]> {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    grid(page, name)
      .getByRole("link", { name: /^Export view/ })
      .click(),
  ]);
  const { readFile } = await import("node:fs/promises");
  return parseCsv(await readFile((await download.path())!, "utf8"));
}

test("Sales by Period: each store in its base currency (EUR for the Europe website), totals converted to USD; axe passes", async ({
  browser,
}) => {
  test.setTimeout(60_000);
  const context = await signedInContext(browser, "manager");
  try {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`/reports/sales?${ALL_TIME}&bucket=month`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sales by Period");
    const totals = page.getByTestId("sales-totals");
    await expect(totals.getByText("Revenue (USD)")).toBeVisible();
    await expect(totals.locator("dd").nth(1)).toHaveText(/^\$[\d,]+\.\d{2}$/);
    await expect(page.getByTestId("store-days-note")).toContainText("each store's orders count on its own calendar days");
    // The German store view's rows: revenue in euros, and beside it the same converted to dollars.
    const region = grid(page, "Sales by period");
    const german = region.locator("tbody tr").filter({ hasText: "German Store View" }).first();
    await expect(german).toBeVisible();
    const cells = await region.locator("table").evaluate((table) => {
      const headers = [...table.querySelectorAll("thead th")].map((th) => (th.textContent ?? "").replace(/[▲▼↕]/g, "").trim());
      const row = [...table.querySelectorAll("tbody tr")].find((tr) => (tr.textContent ?? "").includes("German Store View"));
      const cell = (label: string) => (row?.querySelectorAll("td")[headers.indexOf(label)]?.textContent ?? "").trim();
      return { revenue: cell("Revenue"), converted: cell("Revenue, converted") };
    });
    expect(cells.revenue).toMatch(/^€[\d,]+\.\d{2}$/);
    expect(cells.converted).toMatch(/^\$[\d,]+\.\d{2}$/);
    const amount = (text: string) => Number(text.replace(/[^\d.]/g, ""));
    // Magento's rate of the simulator's Europe website (to the cent, both being rounded for display).
    expect(Math.abs(amount(cells.converted) - amount(cells.revenue) * 1.0815)).toBeLessThan(0.02);
    await page.screenshot({ path: `${SHOTS}/sales-by-period-usd-and-eur-1280.png`, fullPage: true });
    await expectNoSeriousA11yViolations(page, "/reports/sales");
  } finally {
    await context.close();
  }
});

for (const report of REPORTS) {
  test(`${report.title}: renders with data and "as of", CSV equals the grid, axe passes`, async ({ browser }) => {
    test.setTimeout(60_000);
    const context = await signedInContext(browser, "manager");
    try {
      const page = await context.newPage();
      await page.goto(`${report.path}?${ALL_TIME}`);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(report.title);
      await expect(page.getByTestId("as-of")).toContainText(/as of/);
      const total = await gridCount(page, report.grid);
      expect(total).toBeGreaterThan(0);
      await page.screenshot({ path: `${SHOTS}${report.path.replace("/reports", "")}.png`, fullPage: true });

      // CSV: the same rows in the same order (the grid's first page, and the whole count).
      const shown = await firstColumn(page, report.grid, report.key);
      const [headers = [], ...rows] = await exportCsv(page, report.grid);
      expect(rows.length).toBe(total);
      const column = headers.indexOf(report.key);
      expect(column).toBeGreaterThanOrEqual(0);
      expect(rows.slice(0, shown.length).map((r) => r[column] ?? "")).toEqual(shown.map((s) => (s === "—" ? "" : s)));

      await expectNoSeriousA11yViolations(page, report.path);
    } finally {
      await context.close();
    }
  });
}

test("Abandoned Carts: the total, the follow-up split, the carts list's Abandoned filter and the cart page agree", async ({ browser }) => {
  test.setTimeout(60_000);
  const context = await signedInContext(browser, "manager");
  try {
    const page = await context.newPage();
    await page.goto(`/reports/abandoned-carts?${ALL_TIME}`);
    const total = await gridCount(page, "Abandoned carts");
    expect(total).toBeGreaterThan(4);
    await expect(page.getByTestId("abandoned-total")).toContainText(`${total.toLocaleString("en-US")} abandoned carts worth`);
    await expect(page.getByTestId("abandoned-follow-up-results")).toContainText(/2 carts lost worth/);
    // Contacted carts stay abandoned: filtering on the follow-up shows at least the four.
    await page.goto(`/reports/abandoned-carts?${ALL_TIME}&f_outcome=contacted`);
    expect(await gridCount(page, "Abandoned carts")).toBeGreaterThanOrEqual(4);

    // The carts list (every cart, every channel) agrees on which carts are abandoned.
    await page.goto("/sales/carts?f_abandoned=yes");
    await expect.poll(() => gridCount(page, "Shopping Carts")).toBe(total);
    await grid(page, "Shopping Carts").locator("tbody tr").first().getByRole("link").first().click();
    await expect(page.getByRole("heading", { level: 1 }).locator("..")).toContainText("Abandoned");
    await expect(page.getByText(/No change in Magento for 24 hours/)).toBeVisible();
  } finally {
    await context.close();
  }
});

test("the filters change a report: a shorter range has fewer sales rows and the range says so", async ({ browser }) => {
  const context = await signedInContext(browser, "viewer");
  try {
    const page = await context.newPage();
    await page.goto(`/reports/sales?${ALL_TIME}&bucket=month`);
    const allTime = await gridCount(page, "Sales by period");
    await page.getByLabel("Date range").selectOption({ label: "Last 7 days" });
    await page.getByLabel("Group by").selectOption({ label: "Days" });
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/range=last_7_days/);
    // The range ends on today in the view's zone: the stores span several, so the first website's (Chicago).
    const chicagoToday = new Intl.DateTimeFormat("en-CA", {
      timeZone: "America/Chicago",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    }).format(new Date());
    await expect(page.getByTestId("report-range")).toContainText(`to ${chicagoToday}`);
    const week = await gridCount(page, "Sales by period");
    expect(week).not.toBe(allTime);
    await page.screenshot({ path: `${SHOTS}/sales-last-7-days.png`, fullPage: true });

    // The segment filter of the customers report narrows its grid to that segment's count.
    await page.goto("/reports/customers");
    const counts = page.getByTestId("segment-counts");
    const firstNonEmpty = counts
      .locator("tbody tr")
      .filter({ hasNot: page.locator("td:last-child", { hasText: /^0$/ }) })
      .first();
    const label = (await firstNonEmpty.locator("th").textContent())!.trim();
    const expected = Number(((await firstNonEmpty.locator("td").last().textContent()) ?? "").replace(/,/g, ""));
    await firstNonEmpty.getByRole("link", { name: label }).click();
    await expect(page).toHaveURL(/f_segment=/);
    await expect.poll(() => gridCount(page, "Customers by lifetime value")).toBe(expected);
  } finally {
    await context.close();
  }
});

test("a segment saved from a filtered grid is listed with its count and narrows the grid again", async ({ browser }) => {
  test.setTimeout(60_000);
  const context = await signedInContext(browser, "agent");
  try {
    const page = await context.newPage();
    await page.goto("/customers?f_lifetime_value=300..&f_subscribed=yes");
    const filtered = await gridCount(page, "Magento Customers");
    await page.getByRole("link", { name: "Save as segment" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("New segment");
    const name = `Subscribed over 300 ${Date.now().toString(36)}`;
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Share with the team").check();
    await page.getByRole("button", { name: "Save segment" }).click();
    await expect(page.getByRole("status")).toContainText("saved");
    await page.goto("/marketing/segments");
    const row = page.getByTestId("segments-table").locator("tbody tr", { hasText: name });
    await expect(row).toContainText(filtered.toLocaleString("en-US"));
    await page.screenshot({ path: `${SHOTS}/segments.png`, fullPage: true });
    await expectNoSeriousA11yViolations(page, "/marketing/segments");

    // Applied from the list, the segment narrows the unfiltered grid to the same rows.
    await row.getByRole("link", { name: "Open" }).click();
    await expect(page).toHaveURL(/\/customers\?segment=\d+$/);
    await expect(page.getByRole("list", { name: "Active filters" })).toContainText(`Segment: ${name}`);
    expect(await gridCount(page, "Magento Customers")).toBe(filtered);
    // The toolbar's chooser lists it, and "All" takes it off again.
    await page.getByLabel("Segment", { exact: true }).selectOption({ label: "All (no segment)" });
    await expect(page).toHaveURL(/\/customers$/);
    expect(await gridCount(page, "Magento Customers")).toBeGreaterThan(filtered);
    await page.screenshot({ path: `${SHOTS}/customers-without-segment.png` });
  } finally {
    await context.close();
  }
});
