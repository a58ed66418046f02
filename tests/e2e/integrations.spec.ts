import { expect, test, type Browser, type Page } from "@playwright/test";
import { gridCount } from "./grid";
import { FORBIDDEN_HEADING, signedInContext } from "./helpers";
import { channelId, expectNoSeriousA11yViolations, magento, searchPage, simulatorControl, storeInfo } from "./store";

// System › Integrations and Sync History in the browser (issue 6): an admin adds a second channel
// for the running simulator, checks its connection, is warned that "demo" already syncs that store
// (issue 15: every figure would be doubled), saves anyway, syncs it and follows the run to Sync
// History and the grids; a wrong token is explained; malformed records make a partial run whose
// errors a retry resolves once the fault is gone; an agent is kept out.
//
// The new channel syncs the same store as "demo", so the grids' totals double: this file runs in
// its own Playwright project after every other spec (playwright.config.ts). "demo" is never
// changed; the simulator's faults are cleared at the end even when a test fails.

const CHANNEL = "E2E second";
/** Every progress/finish wait: a first sync of the simulated store takes seconds, not minutes. */
const SYNC_TIMEOUT = 90_000;

/** YYYY-MM-DD `years` before today (UTC): older than all of the simulator's history. */
function yearsAgo(years: number): string {
  const date = new Date();
  date.setUTCFullYear(date.getUTCFullYear() - years);
  return date.toISOString().slice(0, 10);
}

async function asRole<T>(browser: Browser, role: "admin" | "agent", fn: (page: Page) => Promise<T>): Promise<T> {
  const context = await signedInContext(browser, role);
  try {
    return await fn(await context.newPage());
  } finally {
    await context.close();
  }
}

/** Fills the connection part of the new-channel form. */
async function fillConnection(page: Page, name: string, token: string): Promise<void> {
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Magento base URL").fill(storeInfo().url);
  await page.getByLabel("Access token", { exact: true }).fill(token);
}

/**
 * Presses a sync button on the channel page, sees the live progress panel of the run it started
 * and waits (polling the page) until the run is listed under "Recent runs" with `status`.
 * Returns the run's id.
 */
async function syncAndWatch(page: Page, button: "Sync now" | "Full sync", status: string, { requirePanel = true } = {}): Promise<number> {
  const runs = page.getByRole("region", { name: "Recent runs" });
  const panel = page.getByRole("region", { name: /^Sync #\d+$/ });
  // Ids shown right now, without waiting: the panel's run, and the runs listed.
  const panelIds = () => panel.evaluateAll((els) => els.map((el) => Number(/(\d+)$/.exec(el.getAttribute("aria-label") ?? "")?.[1])));
  const listedIds = () => runs.locator("tr[data-run-id]").evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-run-id"))));
  const before = new Set(await listedIds());
  await page.getByRole("button", { name: button, exact: true }).click();
  let runId = 0;
  if (requirePanel) {
    await expect(panel, `${button}: the progress panel shows the running sync`).toBeVisible({ timeout: 20_000 });
    runId = (await panelIds())[0] ?? 0;
    // Per-connector rows while it runs.
    await expect(panel.locator("tr[data-connector]").first()).toBeVisible();
  } else {
    // A short run may end before the page shows its panel: then it is already in Recent runs.
    await expect
      .poll(
        async () => {
          runId = (await panelIds())[0] ?? (await listedIds()).find((listed) => !before.has(listed)) ?? 0;
          return runId;
        },
        { message: `${button}: the run shows (live or finished)`, timeout: 20_000 },
      )
      .toBeGreaterThan(0);
  }
  expect(runId, "the run's id").toBeGreaterThan(0);
  // The panel polls until the run ends, then the page refreshes: the run is in Recent runs.
  const row = runs.locator(`tr[data-run-id="${runId}"]`);
  await expect(row, `run #${runId} finishes as ${status}`).toContainText(status, { timeout: SYNC_TIMEOUT });
  await expect(panel).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Sync now", exact: true })).toBeEnabled();
  return runId;
}

test("Check connection with a wrong token says Magento rejected it (401)", async ({ browser }) => {
  await asRole(browser, "admin", async (page) => {
    await page.goto("/system/integrations/new");
    await expect(page.getByRole("heading", { level: 1, name: "New Magento integration" })).toBeVisible();
    await fillConnection(page, "E2E wrong token", "wrong-token");
    await page.getByRole("button", { name: "Check connection" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "401" });
    await expect(alert).toContainText("Magento rejected the credentials (401");
    await expect(alert).toContainText("Check the access token");
    // Nothing was saved.
    expect(await channelId("E2E wrong token")).toBeNull();
  });
});

test("an agent gets 403 on the integration pages and sees no Sync now", async ({ browser }) => {
  const demo = await channelId(storeInfo().channel);
  expect(demo).not.toBeNull();
  await asRole(browser, "agent", async (page) => {
    for (const path of ["/system/integrations/new", `/system/integrations/${demo}`]) {
      const response = await page.goto(path);
      expect(response?.status(), `status of ${path}`).toBe(403);
      await expect(page.getByRole("heading", { level: 1, name: FORBIDDEN_HEADING })).toBeVisible();
      await expect(page.getByRole("button", { name: "Sync now" })).toHaveCount(0);
      await expect(page.getByRole("button", { name: "Full sync" })).toHaveCount(0);
    }
  });
});

test.describe("a second channel", () => {
  test.describe.configure({ mode: "serial" });

  let id = 0;

  test.afterAll(async () => {
    // Whatever happened, the simulator answers without faults again.
    await simulatorControl("DELETE", "/faults");
  });

  test("is created (confirmed over the doubled-figures warning), checked, synced with live progress and shows up in Sync History and the grids", async ({
    browser,
  }) => {
    test.setTimeout(180_000);
    const websites = (await magento<{ id: number; code: string; name: string }[]>("/store/websites")).filter((w) => w.id !== 0);
    expect(websites.length).toBeGreaterThan(0);
    const totalOrders = (await searchPage("/orders", { pageSize: 1 })).total_count;

    await asRole(browser, "admin", async (page) => {
      // The list offers to add one.
      await page.goto("/system/integrations");
      await page.getByRole("main").getByRole("link", { name: "Add integration" }).first().click();
      await expect(page).toHaveURL(/\/system\/integrations\/new$/);

      // Connection, then Check connection: the store's websites are listed.
      await fillConnection(page, CHANNEL, storeInfo().token);
      await page.getByLabel("Sync start date").fill(yearsAgo(5));
      await page.getByRole("button", { name: "Check connection" }).click();
      const check = page.getByRole("status").filter({ hasText: "Connected:" });
      await expect(check).toContainText(`Connected: ${websites.length} website${websites.length === 1 ? "" : "s"}`);
      for (const w of websites) await expect(check).toContainText(`Website ${w.name} (${w.code}, id ${w.id})`);
      // …and offered in "What to sync" (all websites stays chosen).
      for (const w of websites)
        await expect(page.getByRole("checkbox", { name: new RegExp(`^${w.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`) })).toBeVisible();
      await expect(page.getByRole("radio", { name: "All websites" })).toBeChecked();

      // Save: "demo" already syncs this store view, so the form says what that would do and saves nothing yet.
      await page.getByRole("button", { name: "Create channel" }).click();
      const warning = page.getByRole("alert").filter({ hasText: "counted twice" });
      await expect(warning).toContainText(
        `Channel “${storeInfo().channel}” already syncs ${storeInfo().url} (store view default): every order, customer and cart would be counted twice in the dashboards and reports.`,
      );
      expect(await channelId(CHANNEL), "nothing saved before the confirmation").toBeNull();
      // Everything typed is still there, the token too.
      await expect(page.getByLabel("Name", { exact: true })).toHaveValue(CHANNEL);
      await expect(page.getByLabel("Magento base URL")).toHaveValue(storeInfo().url);
      await expect(page.getByLabel("Access token", { exact: true })).toHaveValue(storeInfo().token);
      await expect(page.getByLabel("Sync start date")).toHaveValue(yearsAgo(5));
      const confirm = page.getByRole("checkbox", { name: "Save anyway" });
      await expect(confirm).not.toBeChecked();
      await expect(confirm).toHaveAccessibleDescription(/counted twice/);
      await expectNoSeriousA11yViolations(page, "the new-channel form with its warning");
      await confirm.check();
      await page.getByRole("button", { name: "Create channel" }).click();
      await expect(page.getByText(`Created "${CHANNEL}".`)).toBeVisible();
      await expect(warning).toHaveCount(0);
      await page.getByRole("link", { name: "Open the channel" }).click();
      await expect(page).toHaveURL(/\/system\/integrations\/\d+$/);
      id = Number(/\/system\/integrations\/(\d+)$/.exec(page.url())![1]);
      await expect(page.getByRole("heading", { level: 1, name: CHANNEL })).toBeVisible();
      await expect(page.getByText("This channel has not synced yet.")).toBeVisible();

      // Sync now, watched live until it succeeds.
      const runId = await syncAndWatch(page, "Sync now", "succeeded");

      // Sync History lists it, filtered by the channel.
      await page.getByRole("main").getByRole("link", { name: "Sync history", exact: true }).click();
      await expect(page).toHaveURL(new RegExp(`/system/sync-history\\?channel=${id}$`));
      const historyRow = page.locator(`main tr[data-run-id="${runId}"]`);
      await expect(historyRow).toContainText(CHANNEL);
      await expect(historyRow).toContainText("succeeded");
      await expect(historyRow).toContainText("orders");

      // The list shows the channel with its last sync.
      await page.goto("/system/integrations");
      const listRow = page.locator(`main tr[data-testid="channel-row-${id}"]`);
      await expect(listRow).toContainText(storeInfo().url);
      await expect(listRow).toContainText("succeeded");

      // The grids: two channels, so a channel filter; the new channel has the store's orders, and carts.
      for (const [path, noun] of [
        ["/sales/orders", "orders"],
        ["/sales/carts", "carts"],
      ] as const) {
        await page.goto(path);
        const filter = page.getByLabel("Channel", { exact: true });
        await expect(filter, `${noun}: a channel filter`).toBeVisible();
        for (const name of ["All channels", storeInfo().channel, CHANNEL])
          await expect(filter.locator("option", { hasText: name })).toHaveCount(1);
        await filter.selectOption({ label: CHANNEL });
        await expect
          .poll(() => new URL(page.url()).searchParams.get("channel"), { message: `${noun}: the URL names the channel` })
          .toBe(String(id));
        await expect(page.locator("main tbody tr").first()).toBeVisible();
        if (noun === "orders") {
          await expect.poll(() => gridCount(page), { message: "the new channel's orders: the store's", timeout: 20_000 }).toBe(totalOrders);
        } else {
          await expect.poll(() => gridCount(page), { message: "the new channel's carts", timeout: 20_000 }).toBeGreaterThan(0);
        }
      }
    });
  });

  test("a customer whose field Magento sends unreadable is kept: the run succeeds and Sync History shows the warning with its field and a link", async ({
    browser,
  }) => {
    test.setTimeout(180_000);
    expect(id, "the channel of the previous test").toBeGreaterThan(0);
    // A recently updated customer with a gender: Magento sends it as text ("2"), the schema says integer.
    const { items } = await searchPage<{ id: number; gender?: number; email: string }>("/customers/search", {
      sort: [{ field: "updated_at", direction: "DESC" }],
      pageSize: 50,
    });
    const customer = items.find((c) => typeof c.gender === "number");
    expect(customer, "a customer with a gender").toBeDefined();

    await asRole(browser, "admin", async (page) => {
      let runId = 0;
      try {
        await simulatorControl("POST", "/faults", [
          { path: "/V1/customers/search", malformed: { field: "gender", mode: "string", id: customer!.id } },
        ]);
        await page.goto(`/system/integrations/${id}`);
        await expect(page.getByRole("heading", { level: 1, name: CHANNEL })).toBeVisible();
        runId = await syncAndWatch(page, "Full sync", "succeeded", { requirePanel: false });
      } finally {
        await simulatorControl("DELETE", "/faults");
      }

      // Sync History lists the run with its warning count.
      await page.goto(`/system/sync-history?channel=${id}`);
      const listed = page.locator(`tr[data-run-id="${runId}"]`);
      await expect(listed).toContainText("succeeded");
      await expect(listed.locator("td").last()).toHaveText("1");

      await page.goto(`/system/sync-history/${runId}`);
      await expect(page.getByRole("heading", { level: 1, name: `Sync #${runId} of ${CHANNEL}` })).toBeVisible();
      await expect(page.getByText("No record failed in this run.")).toBeVisible();
      await expect(page.getByRole("heading", { name: "Kept with warnings (1)" })).toBeVisible();
      const warning = page.locator("main tr[data-warning-id]");
      await expect(warning).toHaveCount(1);
      await expect(warning).toContainText(`Customer ${customer!.id}`);
      await expect(warning.getByRole("cell", { name: "gender", exact: true })).toBeVisible();
      await expect(warning).toContainText(`"${customer!.gender}"`);
      await warning.getByRole("link", { name: "In the portal" }).click();
      await expect(page).toHaveURL(/\/customers\/\d+$/);
      await expect(page.getByRole("main")).toContainText(customer!.email);
    });
  });

  test("with malformed orders a full sync is partial; its errors resolve by Retry all failed once the fault is gone", async ({
    browser,
  }) => {
    test.setTimeout(180_000);
    expect(id, "the channel of the previous test").toBeGreaterThan(0);
    // Two orders the full sync will fetch: the most recently updated ones.
    const { items } = await searchPage<{ entity_id: number }>("/orders", {
      sort: [{ field: "updated_at", direction: "DESC" }],
      pageSize: 2,
    });
    const broken = items.map((o) => o.entity_id);
    expect(broken).toHaveLength(2);

    await asRole(browser, "admin", async (page) => {
      try {
        await simulatorControl(
          "POST",
          "/faults",
          broken.map((orderId) => ({ path: "/V1/orders", malformed: { field: "grand_total", mode: "null", id: orderId } })),
        );

        await page.goto(`/system/integrations/${id}`);
        await expect(page.getByRole("heading", { level: 1, name: CHANNEL })).toBeVisible();
        const runId = await syncAndWatch(page, "Full sync", "partial", { requirePanel: false });

        // The run's page: partial, with the two orders' errors.
        await page
          .getByRole("region", { name: "Recent runs" })
          .getByRole("link", { name: `#${runId}`, exact: true })
          .click();
        await expect(page).toHaveURL(new RegExp(`/system/sync-history/${runId}$`));
        await expect(page.getByRole("heading", { level: 1, name: `Sync #${runId} of ${CHANNEL}` })).toBeVisible();
        await expect(page.getByRole("main")).toContainText("partial");
        await expect(page.getByText("Records that could not be kept (2)")).toBeVisible();
        const errors = page.locator("main tr[data-error-id]");
        await expect(errors).toHaveCount(2);
        for (const orderId of broken) {
          const row = errors.filter({ has: page.getByRole("cell", { name: String(orderId), exact: true }) });
          await expect(row, `the error of order ${orderId}`).toHaveCount(1);
          await expect(row).toContainText("orders");
          await expect(row).toContainText("grand_total");
          await expect(row).toContainText("unresolved");
        }
      } finally {
        await simulatorControl("DELETE", "/faults");
      }

      // The fault is gone: retrying every failed record resolves both.
      await page.getByRole("button", { name: "Retry all failed (2)" }).click();
      await expect(page.getByText("Every error of this run is resolved.")).toBeVisible({ timeout: 30_000 });
      const errors = page.locator("main tr[data-error-id]");
      await expect(errors).toHaveCount(2);
      for (let i = 0; i < 2; i++) await expect(errors.nth(i)).toContainText("resolved");
      await expect(errors.filter({ hasText: "unresolved" })).toHaveCount(0);
      await expect(page.getByRole("button", { name: /^Retry/ })).toHaveCount(0);
    });
  });
});
