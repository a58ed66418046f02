import { expect, test, type Browser, type Page } from "@playwright/test";
import { signedInContext } from "./helpers";
import { channelId, expectNoSeriousA11yViolations, magento, portalId, searchPage, storeInfo } from "./store";
import type { Role } from "../../lib/auth/permissions";

// Two-way sync in Chromium against the simulator (issue 7 §4): an admin turns it on for the demo
// channel; a manager edits a customer's name and (un)subscribes customers from the customer page
// and the customers grid, and the simulator's readback shows each push; an email Magento refuses
// (another customer of the same website has it) is shown with Magento's reason and Retry / Edit /
// Revert, and in Sync History. It changes the demo store, so it runs with the store-changing specs.

test.describe.configure({ mode: "serial" });

/* eslint-disable @typescript-eslint/no-explicit-any */
type Rec = Record<string, any>;
type Chosen = { originId: number; portal: string; email: string; websiteId: number; firstname: string; lastname: string };

const PUSH_TIMEOUT = 30_000;
const TAKEN_EMAIL = "A customer with the same email address already exists in an associated website.";

async function as(browser: Browser, role: Role, run: (page: Page) => Promise<void>) {
  const context = await signedInContext(browser, role);
  try {
    await run(await context.newPage());
  } finally {
    await context.close();
  }
}

/**
 * Registered customers from the oldest end of the store (new-cart.spec.ts takes the newest), synced
 * into the portal: one to rename and subscribe, one for the grid, and two of one website for the email clash.
 */
async function pickCustomers(): Promise<{ renamed: Chosen; grid: Chosen; clash: Chosen; owner: Chosen }> {
  const page = await searchPage<Rec>("/customers/search", { sort: [{ field: "entity_id", direction: "ASC" }], pageSize: 60 });
  const found: Chosen[] = [];
  for (const c of page.items) {
    const portal = await portalId("customers", c.id);
    if (portal)
      found.push({ originId: c.id, portal, email: c.email, websiteId: c.website_id, firstname: c.firstname, lastname: c.lastname });
  }
  const [renamed, grid, ...rest] = found;
  for (const clash of rest) {
    const owner = rest.find((o) => o !== clash && o.websiteId === clash.websiteId);
    if (renamed && grid && owner) return { renamed, grid, clash, owner };
  }
  throw new Error("the simulated store has too few registered customers of one website");
}

const customerInMagento = (originId: number) => magento<Rec>(`/customers/${originId}`);
const pushed = () => magento<{ customerUpdates: Rec[]; subscriptionChanges: Rec[] }>("/__simulator/pushed");
const isSubscribed = async (originId: number) => (await customerInMagento(originId)).extension_attributes?.is_subscribed === true;

let picks: Awaited<ReturnType<typeof pickCustomers>>;

const TWO_WAY = "Two-way sync: send portal edits to Magento";

/** An admin sets the demo channel's two-way sync in its settings. */
async function setTwoWay(browser: Browser, on: boolean) {
  const demo = await channelId(storeInfo().channel);
  await as(browser, "admin", async (page) => {
    await page.goto(`/system/integrations/${demo}/settings`);
    const twoWay = page.getByLabel(TWO_WAY);
    if ((await twoWay.isChecked()) !== on) {
      await twoWay.setChecked(on);
      await page.getByRole("button", { name: "Save settings" }).click();
      await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
    }
  });
}

test.beforeAll(async () => {
  test.setTimeout(90_000);
  picks = await pickCustomers();
});

test("the demo channel comes with two-way sync on: nobody had to turn it on", async ({ browser }) => {
  const demo = await channelId(storeInfo().channel);
  await as(browser, "admin", async (page) => {
    await page.goto(`/system/integrations/${demo}/settings`);
    await expect(page.getByLabel(TWO_WAY)).toBeChecked();
  });
});

test("a manager edits a customer's name: Magento has it, and the page shows the saved state", async ({ browser }) => {
  test.setTimeout(90_000);
  const { renamed } = picks;
  const firstname = `Renata${Date.now().toString(36).slice(-4)}`;
  await as(browser, "manager", async (page) => {
    await page.goto(`/customers/${renamed.portal}`);
    await page.getByRole("link", { name: "Edit", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/customers/${renamed.portal}/edit$`));
    const profile = page.getByRole("group", { name: "Profile" });
    await expect(profile.getByLabel("First name")).toHaveValue(renamed.firstname);
    await expectNoSeriousA11yViolations(page, "customer edit page");

    // An empty last name comes back on its field, with what was typed kept.
    await profile.getByLabel("First name").fill(firstname);
    await profile.getByLabel("Last name").fill("");
    await page.getByRole("button", { name: "Save and send to Magento" }).click();
    await expect(profile.getByText("Enter a last name.")).toBeVisible();
    await expect(profile.getByLabel("First name")).toHaveValue(firstname);
    expect((await customerInMagento(renamed.originId)).firstname).toBe(renamed.firstname);

    await profile.getByLabel("Last name").fill(renamed.lastname);
    await page.getByRole("button", { name: "Save and send to Magento" }).click();
    await expect(page).toHaveURL(new RegExp(`/customers/${renamed.portal}\\?push=\\d+$`));
    await expect(page.getByRole("status").filter({ hasText: "Saved in Magento" })).toBeVisible({ timeout: PUSH_TIMEOUT });
    await expect(page.getByRole("heading", { level: 1 })).toContainText(firstname);
  });
  // The simulator's readback: the customer as Magento has it, and the push it recorded.
  expect((await customerInMagento(renamed.originId)).firstname).toBe(firstname);
  const updates = (await pushed()).customerUpdates.filter((u) => u.customerId === renamed.originId);
  expect(updates.at(-1)?.after?.firstname).toBe(firstname);
  expect(updates.at(-1)?.after?.email).toBe(renamed.email);
});

test("a manager subscribes and unsubscribes a customer from the customer page", async ({ browser }) => {
  test.setTimeout(90_000);
  const { renamed } = picks;
  const start = await isSubscribed(renamed.originId);
  await as(browser, "manager", async (page) => {
    await page.goto(`/customers/${renamed.portal}`);
    for (const subscribe of [!start, start]) {
      const newsletter = page.getByRole("form", { name: "Newsletter subscription" });
      await newsletter.getByRole("button", { name: subscribe ? "Subscribe" : "Unsubscribe", exact: true }).click();
      await expect(
        page
          .getByRole("status")
          .filter({ hasText: subscribe ? "Subscribing" : "Unsubscribing" })
          .first(),
      ).toBeVisible();
      await expect
        .poll(() => isSubscribed(renamed.originId), { timeout: PUSH_TIMEOUT, message: "Magento has the subscription" })
        .toBe(subscribe);
      await expect(async () => {
        await page.reload();
        await expect(
          page
            .getByRole("form", { name: "Newsletter subscription" })
            .getByRole("button", { name: subscribe ? "Unsubscribe" : "Subscribe", exact: true }),
        ).toBeVisible({ timeout: 1_000 });
      }).toPass({ timeout: PUSH_TIMEOUT });
      await expect(page.getByRole("main")).toContainText(subscribe ? "Subscribed" : "Unsubscribed");
    }
  });
  const changes = (await pushed()).subscriptionChanges.filter((c) => c.customerId === renamed.originId);
  expect(changes.map((c) => c.to)).toEqual([!start, start]);
});

test("the customers grid offers Subscribe / Unsubscribe on a row and on the selection", async ({ browser }) => {
  test.setTimeout(90_000);
  const { grid } = picks;
  const start = await isSubscribed(grid.originId);
  const demo = await channelId(storeInfo().channel);
  const name = `${grid.firstname} ${grid.lastname}`;
  await as(browser, "manager", async (page) => {
    await page.goto(`/customers?q=${encodeURIComponent(grid.email)}&channel=${demo}`);
    const row = page.locator("main tbody tr").filter({ hasText: grid.email });
    await expect(row).toHaveCount(1);
    await expectNoSeriousA11yViolations(page, "customers grid with subscription actions");
    // A row action…
    await row.getByRole("button", { name: `${start ? "Unsubscribe" : "Subscribe"} ${name}` }).click();
    await expect(page.getByRole("status").filter({ hasText: start ? "Unsubscribing" : "Subscribing" })).toBeVisible();
    await expect.poll(() => isSubscribed(grid.originId), { timeout: PUSH_TIMEOUT }).toBe(!start);
    // …and the same back for the selection.
    await page.reload();
    await page.getByRole("checkbox", { name: `Select row ${name}` }).check();
    const bulk = page.getByRole("group", { name: "Actions on the selected rows" });
    await bulk.getByRole("button", { name: start ? "Subscribe" : "Unsubscribe", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: start ? "Subscribing" : "Unsubscribing" })).toBeVisible();
    await expect.poll(() => isSubscribed(grid.originId), { timeout: PUSH_TIMEOUT }).toBe(start);
  });
});

test("an email Magento refuses is shown with Magento's reason, Retry / Edit / Revert, and in Sync History", async ({ browser }) => {
  test.setTimeout(120_000);
  const { clash, owner } = picks;
  await as(browser, "manager", async (page) => {
    await page.goto(`/customers/${clash.portal}/edit`);
    const profile = page.getByRole("group", { name: "Profile" });
    await profile.getByLabel("Email").fill(owner.email);
    await page.getByRole("button", { name: "Save and send to Magento" }).click();
    await expect(page).toHaveURL(new RegExp(`/customers/${clash.portal}\\?push=\\d+$`));

    const refused = page.getByRole("alert").filter({ hasText: "Not saved in Magento" });
    await expect(refused).toBeVisible({ timeout: PUSH_TIMEOUT });
    await expect(refused).toContainText(TAKEN_EMAIL);
    await expect(refused.getByRole("button", { name: "Retry" })).toBeVisible();
    await expect(refused.getByRole("link", { name: "Edit" })).toHaveAttribute("href", `/customers/${clash.portal}/edit`);
    await expect(refused.getByRole("button", { name: "Revert to Magento's values" })).toBeVisible();
    // The portal shows the value as typed; Magento kept its own.
    await expect(page.getByRole("main")).toContainText(owner.email);
    expect((await customerInMagento(clash.originId)).email).toBe(clash.email);
    await expectNoSeriousA11yViolations(page, "customer page with a refused push");

    await page.goto("/system/sync-history");
    const failures = page.getByRole("region", { name: "Changes Magento refused" });
    const line = failures.locator("tr").filter({ hasText: TAKEN_EMAIL });
    await expect(line.first()).toBeVisible();
    await expect(line.first().getByRole("button", { name: "Retry" })).toBeVisible();
    await expectNoSeriousA11yViolations(page, "sync history with a refused push");
    await line.first().getByRole("link").first().click();
    await expect(page).toHaveURL(new RegExp(`/customers/${clash.portal}$`));

    // Retry: Magento refuses again, with the same reason.
    await page.getByRole("alert").filter({ hasText: "Not saved in Magento" }).getByRole("button", { name: "Retry" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Not saved in Magento" })).toContainText(TAKEN_EMAIL, { timeout: PUSH_TIMEOUT });

    // Revert: the portal shows Magento's email again.
    await page.getByRole("button", { name: "Revert to Magento's values" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Not saved in Magento" })).toHaveCount(0, { timeout: PUSH_TIMEOUT });
    await page.reload();
    await expect(page.getByRole("link", { name: clash.email, exact: true })).toBeVisible();
  });
  expect((await customerInMagento(clash.originId)).email).toBe(clash.email);
  expect((await customerInMagento(owner.originId)).email).toBe(owner.email);
});

test("agents and viewers are offered no edits: no Edit, no Subscribe, no grid actions; the edit page says why", async ({ browser }) => {
  const { renamed } = picks;
  for (const role of ["agent", "viewer"] as const) {
    await as(browser, role, async (page) => {
      await page.goto(`/customers/${renamed.portal}`);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expect(page.getByRole("link", { name: "Edit", exact: true })).toHaveCount(0);
      await expect(page.getByRole("form", { name: "Newsletter subscription" })).toHaveCount(0);
      await page.goto(`/customers/${renamed.portal}/edit`);
      await expect(page.getByRole("note").filter({ hasText: "Your role can view customers but not change them" })).toBeVisible();
      await expect(page.getByRole("button", { name: "Save and send to Magento" })).toHaveCount(0);
      // Read-only values are text, not inputs that only look disabled.
      await expect(page.getByRole("region", { name: "Profile" })).toContainText(renamed.email);
      await expect(page.getByRole("main").getByRole("textbox")).toHaveCount(0);
      await expect(page.getByRole("main").getByRole("combobox")).toHaveCount(0);
      await page.goto(`/customers?q=${encodeURIComponent(renamed.email)}`);
      await expect(page.locator("main tbody tr").first()).toBeVisible();
      await expect(page.getByRole("columnheader", { name: "Actions" })).toHaveCount(0);
    });
  }
});

test("with two-way sync turned off, a manager reads why once, and the edit page shows the values as text", async ({ browser }) => {
  test.setTimeout(90_000);
  const { grid } = picks;
  await setTwoWay(browser, false);
  try {
    await as(browser, "manager", async (page) => {
      await page.goto(`/customers/${grid.portal}`);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expect(page.getByText(/Two-way sync is off for channel/)).toHaveCount(1);
      await expect(page.getByRole("link", { name: "Edit", exact: true })).toHaveCount(0);
      await page.goto(`/customers/${grid.portal}/edit`);
      await expect(page.getByRole("note").filter({ hasText: "Read-only." })).toContainText("Two-way sync is off for channel");
      await expect(page.getByText(/Two-way sync is off for channel/)).toHaveCount(1);
      await expect(page.getByRole("region", { name: "Profile" })).toContainText(grid.email);
      await expect(page.getByRole("main").getByRole("textbox")).toHaveCount(0);
      await expect(page.getByRole("button", { name: "Save and send to Magento" })).toHaveCount(0);
      await expectNoSeriousA11yViolations(page, "customer edit page (read-only)");
    });
  } finally {
    await setTwoWay(browser, true);
  }
});
