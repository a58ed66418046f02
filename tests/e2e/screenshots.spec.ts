import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { signedInContext } from "./helpers";
import { GRID_PAGES, detailPages, openWorkspacePage, type WorkspacePage } from "./workspace-pages";

// Full-page screenshots of every grid and detail page at 1280 px, and of a grid and a detail page
// at 390 px (a phone), saved to tests/e2e/screenshots/ (git-ignored) for people to look at.

const directory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "screenshots");

test.describe.configure({ mode: "parallel" });

async function shoot(browser: import("@playwright/test").Browser, targets: WorkspacePage[], width: number): Promise<void> {
  mkdirSync(directory, { recursive: true });
  const context = await signedInContext(browser, "manager");
  try {
    const page = await context.newPage();
    await page.setViewportSize({ width, height: width > 800 ? 900 : 844 });
    for (const target of targets) {
      await test.step(`${target.name} at ${width} px`, async () => {
        await openWorkspacePage(page, target);
        await page.screenshot({ path: path.join(directory, `${target.name}-${width}.png`), fullPage: true, animations: "disabled" });
      });
    }
  } finally {
    await context.close();
  }
}

test("screenshots of every grid at 1280 px", async ({ browser }) => {
  test.setTimeout(90_000);
  await shoot(browser, GRID_PAGES, 1280);
});

test("screenshots of every detail page at 1280 px", async ({ browser }) => {
  test.setTimeout(90_000);
  await shoot(browser, await detailPages(), 1280);
});

test("screenshots of the orders grid and an order's page at 390 px", async ({ browser }) => {
  test.setTimeout(90_000);
  const order = (await detailPages()).filter((p) => p.name === "detail-order");
  await shoot(
    browser,
    [GRID_PAGES.find((p) => p.name === "grid-orders")!, GRID_PAGES.find((p) => p.name === "grid-customers")!, ...order],
    390,
  );
});

test("at 390 px no grid or detail page scrolls sideways as a whole (grids scroll inside their box)", async ({ browser }) => {
  test.setTimeout(120_000);
  const targets = [...GRID_PAGES, ...(await detailPages())];
  const context = await signedInContext(browser, "manager");
  try {
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    for (const target of targets) {
      await openWorkspacePage(page, target);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect.soft(width, `${target.path} is ${width} px wide at a 390 px viewport`).toBeLessThanOrEqual(390);
    }
  } finally {
    await context.close();
  }
});
