import { expect, test, type Page } from "@playwright/test";
import { INVALID_LOGIN_MESSAGE } from "../../lib/auth/messages";
import { ROLE_LABELS } from "../../lib/auth/permissions";
import { createUser, loginAlert, seededUser, signIn, signedInContext, submitLogin, uniqueEmail } from "./helpers";
import { expectNoSeriousA11yViolations } from "./store";

// System › Users with one-time passwords, and System › Audit Log as a grid, in Chromium.

const NEW_PASSWORD = "a password of my own choosing";

/** The one-time password panel's password, after it appeared. */
async function shownOneTimePassword(page: Page, scope = page.locator("main")): Promise<string> {
  const panel = scope.getByTestId("one-time-password");
  await expect(panel).toBeVisible();
  const text = await panel.getByLabel(/^One-time password for /).inputValue();
  expect(text).toMatch(/^[A-Za-z0-9]{16}$/);
  return text;
}

/** Signs in with a one-time password, is sent to choose a new one, chooses it and lands in the portal. */
async function chooseNewPassword(page: Page, email: string, oneTime: string, firstName: string): Promise<void> {
  await page.goto("/login");
  await submitLogin(page, email, oneTime);
  await expect(page).toHaveURL((url) => url.pathname === "/choose-password");
  await expect(page.getByRole("heading", { level: 1, name: "Choose a new password" })).toBeVisible();
  await expectNoSeriousA11yViolations(page, "/choose-password");
  // Nothing else opens meanwhile.
  await page.goto("/sales/orders");
  await expect(page).toHaveURL((url) => url.pathname === "/choose-password");
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("Repeat the new password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Save and continue" }).click();
  await expect(page).toHaveURL((url) => url.pathname === "/sales/orders");
  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { level: 1, name: `Welcome, ${firstName}` })).toBeVisible();
}

test.describe("System › Users: one-time passwords", () => {
  test("an admin creates a user with a one-time password, copies it, and the user must choose their own at first sign-in", async ({
    browser,
  }) => {
    const email = uniqueEmail("onetime");
    // A fresh admin session of its own: this test signs out, which must not end the shared one.
    const context = await browser.newContext();
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const page = await context.newPage();
    await signIn(page, seededUser("admin"));
    await page.goto("/system/users");

    const form = page.getByRole("form", { name: "Add a user" });
    await form.getByLabel("Name").fill("Olive Onetime");
    await form.getByLabel("Email").fill(email);
    await form.getByLabel("Role").selectOption({ label: ROLE_LABELS.agent });
    await expect(form.getByLabel(/Generate a one-time password/)).toBeChecked();
    await form.getByRole("button", { name: "Add user" }).click();
    await expect(form.getByRole("status").first()).toContainText(`Created ${email} as ${ROLE_LABELS.agent}.`);

    const oneTime = await shownOneTimePassword(page, form);
    await form.getByRole("button", { name: "Copy password" }).click();
    await expect(form.getByText("Copied.")).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(oneTime);
    await expectNoSeriousA11yViolations(page, "/system/users with a one-time password shown");
    await expect(page.getByTestId(`user-row-${email}`)).toContainText("One-time password");

    // Shown once: after a reload it is nowhere on the page, nor in the audit log.
    await page.reload();
    await expect(page.getByTestId(`user-row-${email}`)).toBeVisible();
    await expect(page.getByTestId("one-time-password")).toHaveCount(0);
    expect(await page.content()).not.toContain(oneTime);
    await page.goto("/system/audit-log");
    await expect(page.getByRole("heading", { level: 1, name: "Audit Log" })).toBeVisible();
    expect(await page.content()).not.toContain(oneTime);

    await page.getByLabel("User menu").click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL((url) => url.pathname === "/login");

    await chooseNewPassword(page, email, oneTime, "Olive");
    await expect(page.getByTestId("user-role")).toHaveText(ROLE_LABELS.agent);
    await context.close();

    // The one-time password is spent; the chosen one works.
    const again = await browser.newContext();
    const againPage = await again.newPage();
    await againPage.goto("/login");
    await submitLogin(againPage, email, oneTime);
    await expect(loginAlert(againPage)).toHaveText(INVALID_LOGIN_MESSAGE);
    await signIn(againPage, { email, password: NEW_PASSWORD });
    await again.close();
  });

  test("resetting a password signs the user out, the old password stops working and the one-time one leads to a new password", async ({
    browser,
  }) => {
    const member = await createUser("reset", "viewer");
    const memberContext = await browser.newContext();
    const memberPage = await memberContext.newPage();
    await signIn(memberPage, member);

    const adminContext = await signedInContext(browser, "admin");
    const adminPage = await adminContext.newPage();
    await adminPage.goto("/system/users");
    const row = adminPage.getByTestId(`user-row-${member.email}`);
    await row.getByRole("button", { name: "Reset password…" }).click();
    await expect(row).toContainText(`Sign ${member.email} out and give them a one-time password?`);
    await row.getByRole("button", { name: "Reset password", exact: true }).click();
    const oneTime = await shownOneTimePassword(adminPage, row);
    await expect(row.getByText(`One-time password for ${member.email}`)).toBeVisible();
    await adminContext.close();

    // The member's open session ends on their next click.
    await memberPage.goto("/sales/orders");
    await expect(memberPage).toHaveURL((url) => url.pathname === "/login");
    await submitLogin(memberPage, member.email, member.password);
    await expect(loginAlert(memberPage)).toHaveText(INVALID_LOGIN_MESSAGE);

    await chooseNewPassword(memberPage, member.email, oneTime, member.name.split(/\s+/)[0]!);
    await memberContext.close();
  });
});

test.describe("System › Audit Log", () => {
  test("shows the user changes with who, what and the change, and filters by action", async ({ browser }) => {
    const member = await createUser("audited", "viewer");
    const context = await signedInContext(browser, "admin");
    const page = await context.newPage();
    await page.goto("/system/users");
    const row = page.getByTestId(`user-row-${member.email}`);
    await row.getByLabel(`Role for ${member.email}`).selectOption({ label: ROLE_LABELS.agent });
    await row.getByRole("button", { name: "Change role" }).click();
    await expect(row.getByRole("cell").nth(2)).toHaveText(ROLE_LABELS.agent);
    await row.getByRole("button", { name: "Reset password…" }).click();
    await row.getByRole("button", { name: "Reset password", exact: true }).click();
    const oneTime = await shownOneTimePassword(page, row);

    await page.goto(`/system/audit-log?q=${encodeURIComponent(member.email)}`);
    const grid = page.getByRole("region", { name: "Audit Log" });
    const entries = grid.locator("tbody tr");
    await expect(entries).toHaveCount(3);
    const roleRow = entries.filter({ hasText: "Role changed" });
    await expect(roleRow).toContainText(seededUser("admin").email);
    await expect(roleRow).toContainText(`User ${member.email}`);
    await expect(roleRow).toContainText("role: viewer → agent");
    const resetRow = entries.filter({ hasText: "Password reset" });
    await expect(resetRow).toContainText("one-time password generated");
    await expect(resetRow).toContainText("signed out everywhere");
    await expect(entries.filter({ hasText: "User created" })).toHaveCount(1);
    expect(await page.content()).not.toContain(oneTime);

    // Filter by action from the grid's own filter menu.
    await page.getByLabel("Add a filter").selectOption({ label: "Action" });
    const editor = page.getByRole("form", { name: "Filter by Action" });
    await editor.getByLabel("Password reset").check();
    await editor.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/f_action=user\.password_reset/);
    await expect(entries).toHaveCount(1);
    await expect(entries.first()).toContainText("Password reset");
    await expect(page.getByRole("list", { name: "Active filters" })).toContainText("Action");
    await context.close();
  });

  test("is closed to a manager, page and export alike", async ({ browser }) => {
    const context = await signedInContext(browser, "manager");
    const page = await context.newPage();
    const response = await page.goto("/system/audit-log");
    expect(response?.status()).toBe(403);
    const exported = await page.request.get("/export/audit_log");
    expect(exported.status()).toBe(403);
    await context.close();
  });
});

test.describe("accessibility", () => {
  for (const path of ["/system/users", "/system/audit-log"]) {
    test(`axe-core finds no serious or critical violation on ${path}`, async ({ browser }) => {
      const context = await signedInContext(browser, "admin");
      const page = await context.newPage();
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expectNoSeriousA11yViolations(page, path);
      await context.close();
    });
  }
});
