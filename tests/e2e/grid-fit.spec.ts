import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { signedInContext } from "./helpers";
import { expectNoSeriousA11yViolations } from "./store";
import { GRID_PAGES, openWorkspacePage, type WorkspacePage } from "./workspace-pages";

// Grids that fit (issue 21): at 1440 px the default columns of the orders and carts grids all show,
// none of their cells or headers cut; narrower, low-priority columns fold away (still offered under
// Columns) and a grid that scrolls sideways keeps its first column in view; at 390 px each row is a
// card. The sidebar reaches the bottom of a long page and the grid's toolbar stays on screen.
// Screenshots of each grid at 1440 and 390 px go to test-results/grid-fit/.

// Generous time limits: signing in and the first render take long on a loaded 2-core machine.
const shots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "test-results", "grid-fit");

test.describe.configure({ mode: "parallel" });
mkdirSync(shots, { recursive: true });

/** The default columns of the two grids (lib/orders/grid.ts, lib/carts/grid.ts), as headers. */
const DEFAULT_COLUMNS: Record<string, string[]> = {
  "grid-orders": ["Order #", "Customer", "Email", "Status", "Grand total", "Items", "Store", "Guest", "Created"],
  "grid-carts": ["Cart #", "Customer", "Email", "Items", "Grand total", "Status", "Abandoned", "Updated", "Assignee", "Last contact"],
};

const REPORT: WorkspacePage = { name: "report-sales", path: "/reports/sales" };

async function manager(browser: Browser, width: number): Promise<{ context: BrowserContext; page: Page }> {
  const context = await signedInContext(browser, "manager");
  const page = await context.newPage();
  await page.setViewportSize({ width, height: width > 800 ? 900 : 844 });
  return { context, page };
}

const scrollBox = (page: Page) => page.getByTestId("grid-scroll");

/** Header labels of the grid's table (sort arrows left out). */
async function headers(page: Page): Promise<string[]> {
  return scrollBox(page)
    .locator("thead th")
    .evaluateAll((ths) => ths.map((th) => (th.textContent ?? "").replace(/[▲▼↕]/g, "").replace(/\s+/g, " ").trim()).filter(Boolean));
}

/**
 * The cells and headers whose content is cut (wider than the box they have, 1 px of rounding
 * allowed), with the cut text elements inside them, and the headers reaching past the viewport.
 */
async function cutCells(page: Page): Promise<{ cut: string[]; outside: string[]; boxOverflow: number }> {
  return scrollBox(page).evaluate((box) => {
    const cut: string[] = [];
    for (const element of box.querySelectorAll<HTMLElement>("th, td, td .truncate, td time")) {
      if (element.scrollWidth > element.clientWidth + 1 && element.clientWidth > 0)
        cut.push(`${element.tagName} "${(element.textContent ?? "").trim()}" ${element.scrollWidth} > ${element.clientWidth}`);
    }
    const outside = [...box.querySelectorAll<HTMLElement>("thead th")]
      .filter((th) => th.getBoundingClientRect().right > window.innerWidth + 1)
      .map((th) => (th.textContent ?? "").trim());
    return { cut, outside, boxOverflow: box.scrollWidth - box.clientWidth };
  });
}

for (const name of ["grid-orders", "grid-carts"]) {
  test(`${name}: at 1440 px every default column shows, no cell or header cut, all within the screen`, async ({ browser }) => {
    const target = GRID_PAGES.find((p) => p.name === name)!;
    test.setTimeout(180_000);
    const { context, page } = await manager(browser, 1440);
    try {
      await openWorkspacePage(page, target);
      await expect(scrollBox(page).locator("tbody tr").first()).toBeVisible();
      await expect.poll(() => headers(page), { message: `${name}: the headers at 1440 px` }).toEqual(DEFAULT_COLUMNS[name]);
      const { cut, outside, boxOverflow } = await cutCells(page);
      expect(cut, `${name}: cells or headers cut at 1440 px`).toEqual([]);
      expect(outside, `${name}: headers past the right edge of the screen`).toEqual([]);
      expect(boxOverflow, `${name}: the table is wider than its box`).toBeLessThanOrEqual(1);
      // Dates and amounts keep to one line.
      const tall = await scrollBox(page)
        .locator("tbody tr")
        .evaluateAll((rows) => rows.filter((tr) => tr.getBoundingClientRect().height > 48).length);
      expect(tall, `${name}: rows taller than one line`).toBe(0);
      await expectNoSeriousA11yViolations(page, `${target.path} at 1440 px`);
    } finally {
      await context.close();
    }
  });

  test(`${name}: at 390 px a card per row, each with its number, amount and status, opening the record`, async ({ browser }) => {
    const target = GRID_PAGES.find((p) => p.name === name)!;
    test.setTimeout(180_000);
    const { context, page } = await manager(browser, 390);
    try {
      await openWorkspacePage(page, target);
      await expect(scrollBox(page)).toBeHidden();
      const cards = page.getByTestId("grid-card");
      const perPage = Number(await page.getByLabel("Rows per page").inputValue());
      await expect(cards, `${name}: a card per row of the first page`).toHaveCount(perPage);
      const fields = await cards.evaluateAll((items) =>
        items.map((card) => {
          // A line's value (its label, for screen readers, left out).
          const text = (field: string) => {
            const line = card.querySelector(`[data-card-field="${field}"]`);
            return ((line?.querySelector("dd") ?? line)?.textContent ?? "").trim();
          };
          return { title: text("title"), amount: text("amount"), status: text("status"), date: text("date") };
        }),
      );
      for (const card of fields) {
        expect(card.title, `${name}: a card's number`).toMatch(/^\d+$/);
        expect(card.amount, `${name}: the amount of card ${card.title}`).toMatch(/^(?:[$€£]|[A-Z]{3}\s?)-?[\d,]+\.\d{2}$/);
        expect(card.status, `${name}: the status of card ${card.title}`).toMatch(/^[A-Z][a-z]+/);
        expect(card.date, `${name}: the date of card ${card.title}`).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
      }
      // Nothing sticks out sideways, and no card's text is cut except names and emails (titled).
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      // A card's selection box counts like a row's.
      await cards.first().getByRole("checkbox").check();
      await expect(page.getByRole("status").filter({ hasText: "1 selected." })).toBeVisible();
      await expectNoSeriousA11yViolations(page, `${target.path} at 390 px`);
      // The card's number opens the record, as the row does.
      const first = fields[0]!.title;
      await cards.first().locator('[data-card-field="title"] a').click();
      await expect(page.getByRole("heading", { level: 1 })).toContainText(first);
    } finally {
      await context.close();
    }
  });
}

test("at 1024 px low-priority columns fold away, come back from Columns, and the first column stays while the table scrolls", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const { context, page } = await manager(browser, 1024);
  try {
    await openWorkspacePage(
      page,
      GRID_PAGES.find((p) => p.name === "grid-orders")!,
    );
    await expect(scrollBox(page).locator("tbody tr").first()).toBeVisible();
    await expect.poll(() => headers(page)).not.toContain("Store");
    const shown = await headers(page);
    for (const essential of ["Order #", "Status", "Grand total", "Created"]) expect(shown).toContain(essential);
    expect((await cutCells(page)).cut, "cells cut at 1024 px").toEqual([]);

    // Folded, not gone: Columns offers them, and ticking one brings it back; with all of them back
    // the table is wider than the screen and scrolls.
    const menu = page.locator("summary", { hasText: "Columns" });
    await menu.click();
    const folded = page.getByRole("checkbox", { name: /\(folded to fit\)$/ });
    await expect(page.getByRole("checkbox", { name: "Store (folded to fit)" })).not.toBeChecked();
    for (let i = 0; i < 20 && (await folded.count()) > 0; i++) await folded.first().check();
    await expect(folded).toHaveCount(0);
    await menu.click();
    await expect
      .poll(() => headers(page))
      .toEqual(["Order #", "Customer", "Email", "Status", "Grand total", "Items", "Store", "Guest", "Created"]);
    const overflow = await scrollBox(page).evaluate((box) => box.scrollWidth - box.clientWidth);
    expect(overflow, "the table is wider than its box now").toBeGreaterThan(20);

    const lead = scrollBox(page).locator("tbody tr").first().locator("td").nth(1);
    const before = (await lead.boundingBox())!;
    await scrollBox(page).evaluate((box) => box.scrollTo({ left: box.scrollWidth }));
    await expect.poll(() => scrollBox(page).evaluate((box) => box.scrollLeft)).toBeGreaterThan(20);
    const after = (await lead.boundingBox())!;
    expect(after.x, "the first column stays at the left edge").toBeCloseTo(before.x, 0);
    // It is on top: the point at its middle is the cell itself, not a column passing under it.
    const onTop = await lead.evaluate((td) => {
      const r = td.getBoundingClientRect();
      return td.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
    });
    expect(onTop, "the first column is drawn over the scrolled columns").toBe(true);
    await page.screenshot({ path: path.join(shots, "grid-orders-1024-scrolled.png"), animations: "disabled" });
  } finally {
    await context.close();
  }
});

test("on a long grid page the sidebar reaches the bottom and the toolbar stays on screen", async ({ browser }) => {
  test.setTimeout(180_000);
  const { context, page } = await manager(browser, 1440);
  try {
    await openWorkspacePage(
      page,
      GRID_PAGES.find((p) => p.name === "grid-carts")!,
    );
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    const sidebar = await page
      .locator("aside")
      .first()
      .evaluate((aside) => ({
        bottom: aside.getBoundingClientRect().bottom,
        background: getComputedStyle(aside).backgroundColor,
      }));
    expect(sidebar.bottom, "the sidebar's bottom edge, scrolled to the end of the page").toBeGreaterThanOrEqual(900 - 1);
    expect(sidebar.background).toBe("rgb(255, 255, 255)");
    await expect(page.locator("aside").first().getByRole("link", { name: "Orders", exact: true })).toBeInViewport();
    const toolbar = page.getByTestId("grid-toolbar");
    await expect(toolbar).toBeInViewport();
    await expect(page.getByRole("searchbox")).toBeInViewport();
    // The toolbar sits under the app's header, and does not cover the table's header row.
    const bar = (await toolbar.boundingBox())!;
    expect(bar.y).toBeGreaterThanOrEqual(55);
    const head = (await scrollBox(page).locator("thead th").first().boundingBox())!;
    expect(head.y, "the table's header row starts below the toolbar").toBeGreaterThanOrEqual(bar.y + bar.height - 1);
    await page.screenshot({ path: path.join(shots, "grid-carts-1440-scrolled-to-bottom.png"), animations: "disabled" });
  } finally {
    await context.close();
  }
});

test("Sales by Period at 1440 px: no column cut, Refunded in view", async ({ browser }) => {
  test.setTimeout(180_000);
  const { context, page } = await manager(browser, 1440);
  try {
    await openWorkspacePage(page, REPORT);
    await expect(scrollBox(page).locator("tbody tr").first()).toBeVisible();
    await expect.poll(() => headers(page)).toContain("Refunded");
    const { cut, outside, boxOverflow } = await cutCells(page);
    expect(cut).toEqual([]);
    expect(outside).toEqual([]);
    expect(boxOverflow).toBeLessThanOrEqual(1);
  } finally {
    await context.close();
  }
});

test("screenshots of every grid at 1440 and 390 px, no cell cut at 1440 px", async ({ browser }) => {
  test.setTimeout(180_000);
  for (const width of [1440, 390]) {
    const { context, page } = await manager(browser, width);
    try {
      for (const target of [...GRID_PAGES, REPORT]) {
        await test.step(`${target.name} at ${width} px`, async () => {
          await openWorkspacePage(page, target);
          if (width === 1440) {
            await expect(scrollBox(page).locator("tbody tr").first()).toBeVisible();
            expect.soft((await cutCells(page)).cut, `${target.path}: cells cut at 1440 px`).toEqual([]);
          } else {
            await expect(page.getByTestId("grid-card").first()).toBeVisible();
          }
          await page.screenshot({ path: path.join(shots, `${target.name}-${width}.png`), fullPage: true, animations: "disabled" });
          // The first screen as a phone shows it.
          if (width === 390)
            await page.screenshot({ path: path.join(shots, `${target.name}-${width}-first-screen.png`), animations: "disabled" });
        });
      }
    } finally {
      await context.close();
    }
  }
});
