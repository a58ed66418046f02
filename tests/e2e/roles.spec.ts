import { expect, test } from "@playwright/test";
import { ROLES, ROLE_LABELS } from "../../lib/auth/permissions";
import { FORBIDDEN_HEADING, expectedMenu, headingFor, pageAccess, seededUser, signIn, signedInContext } from "./helpers";

// Independent tests: let both workers share them.
test.describe.configure({ mode: "parallel" });

test.describe("each role's menu", () => {
  for (const role of ROLES) {
    test(`${role} sees exactly the menu items their role allows, and their name and role in the user menu`, async ({ page }) => {
      const user = seededUser(role);
      await signIn(page, user);

      const nav = page.getByRole("navigation", { name: "Main" });
      await expect(nav).toBeVisible();
      await expect(nav.getByRole("link")).toHaveText(expectedMenu(role));

      await expect(page.getByTestId("user-name")).toHaveText(user.name);
      await expect(page.getByTestId("user-role")).toHaveText(ROLE_LABELS[role]);
      await page.getByLabel("User menu").click();
      await expect(page.getByText(user.email, { exact: true })).toBeVisible();
      await expect(page.getByText(`Role: ${ROLE_LABELS[role]}`, { exact: true })).toBeVisible();
    });
  }

  test("a viewer's menu has the sales pages but nothing under System", async ({ page }) => {
    await signIn(page, seededUser("viewer"));
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Orders", exact: true })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Dashboard", exact: true })).toBeVisible();
    for (const hidden of ["Users", "Audit Log", "Integrations", "Sync History"]) {
      await expect(nav.getByRole("link", { name: hidden, exact: true })).toHaveCount(0);
    }
    await expect(nav.getByText("System", { exact: true })).toHaveCount(0);
  });

  test("an admin's menu includes Users and Audit Log; a manager's has Sync History but not Users", async ({ browser }) => {
    const admin = await signedInContext(browser, "admin");
    const adminPage = await admin.newPage();
    await adminPage.goto("/dashboard");
    const adminNav = adminPage.getByRole("navigation", { name: "Main" });
    for (const label of ["Users", "Audit Log", "Integrations", "Sync History"]) {
      await expect(adminNav.getByRole("link", { name: label, exact: true })).toBeVisible();
    }
    await expect(adminNav.getByRole("link", { name: "Audit Log" })).toHaveAttribute("href", "/system/audit-log");
    await admin.close();

    const manager = await signedInContext(browser, "manager");
    const managerPage = await manager.newPage();
    await managerPage.goto("/dashboard");
    const managerNav = managerPage.getByRole("navigation", { name: "Main" });
    await expect(managerNav.getByRole("link", { name: "Sync History", exact: true })).toBeVisible();
    await expect(managerNav.getByRole("link", { name: "Users", exact: true })).toHaveCount(0);
    await expect(managerNav.getByRole("link", { name: "Integrations", exact: true })).toHaveCount(0);
    await manager.close();
  });
});

test.describe("who may open which page", () => {
  for (const role of ROLES) {
    for (const { item, allowed } of pageAccess(role)) {
      const title = allowed
        ? `${role} opens ${item.label} (${item.href})`
        : `${role} is turned away from ${item.label} (${item.href}) with a 403 page`;
      test(title, async ({ browser }) => {
        const context = await signedInContext(browser, role);
        try {
          const page = await context.newPage();
          const response = await page.goto(item.href);
          expect(response, `response for ${item.href}`).not.toBeNull();
          expect(new URL(page.url()).pathname).toBe(item.href);
          if (allowed) {
            expect(response!.status()).toBe(200);
            await expect(page.getByRole("heading", { level: 1, name: headingFor(item, seededUser(role)), exact: true })).toBeVisible();
            await expect(page.getByText(FORBIDDEN_HEADING)).toHaveCount(0);
          } else {
            expect(response!.status()).toBe(403);
            await expect(page.getByRole("heading", { level: 1, name: FORBIDDEN_HEADING })).toBeVisible();
            await expect(page.getByRole("link", { name: "Back to the dashboard" })).toBeVisible();
          }
        } finally {
          await context.close();
        }
      });
    }
  }
});
