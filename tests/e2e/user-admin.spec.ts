import { expect, test } from "@playwright/test";
import { INVALID_LOGIN_MESSAGE } from "../../lib/auth/messages";
import { ROLE_LABELS } from "../../lib/auth/permissions";
import {
  FORBIDDEN_HEADING,
  createUser,
  loginAlert,
  sessionCookieNames,
  signIn,
  signedInContext,
  submitLogin,
} from "./helpers";

test.describe("System › Users", () => {
  test("a deactivated user is signed out on their next click and can't sign in again", async ({ browser }) => {
    const member = await createUser("deactivated", "agent");

    // The member is working in one browser…
    const memberContext = await browser.newContext();
    const memberPage = await memberContext.newPage();
    await signIn(memberPage, member);
    expect(await sessionCookieNames(memberContext)).not.toEqual([]);
    await memberPage.goto("/sales/carts");
    await expect(memberPage.getByRole("heading", { level: 1, name: "Shopping Carts", exact: true })).toBeVisible();

    // …while an administrator deactivates them in another.
    const adminContext = await signedInContext(browser, "admin");
    const adminPage = await adminContext.newPage();
    await adminPage.goto("/system/users");
    const row = adminPage.getByTestId(`user-row-${member.email}`);
    await expect(row).toContainText("Active");
    await row.getByRole("button", { name: "Deactivate" }).click();
    await expect(row).toContainText("Deactivated");
    await expect(row.getByRole("button", { name: "Reactivate" })).toBeVisible();
    await adminContext.close();

    await memberPage.goto("/sales/orders");
    await expect(memberPage).toHaveURL((url) => url.pathname === "/login");
    expect(new URL(memberPage.url()).searchParams.get("callbackUrl")).toBe("/sales/orders");
    await expect(memberPage.getByRole("status")).toContainText("Your session has ended");
    // The stale session cookie was cleared on the way.
    expect(await sessionCookieNames(memberContext)).toEqual([]);

    await submitLogin(memberPage, member.email, member.password);
    await expect(loginAlert(memberPage)).toHaveText(INVALID_LOGIN_MESSAGE);
    await expect(memberPage).toHaveURL((url) => url.pathname === "/login");

    await memberPage.goto("/dashboard");
    await expect(memberPage).toHaveURL((url) => url.pathname === "/login");
    await expect(memberPage.getByRole("status")).toHaveCount(0);
    await memberContext.close();
  });

  test("a role change applies to a signed-in user on their next click", async ({ browser }) => {
    const member = await createUser("demoted", "manager");

    const memberContext = await browser.newContext();
    const memberPage = await memberContext.newPage();
    await signIn(memberPage, member);
    const nav = memberPage.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Sync History", exact: true })).toBeVisible();
    await expect(memberPage.getByTestId("user-role")).toHaveText(ROLE_LABELS.manager);

    const adminContext = await signedInContext(browser, "admin");
    const adminPage = await adminContext.newPage();
    await adminPage.goto("/system/users");
    const row = adminPage.getByTestId(`user-row-${member.email}`);
    await row.getByLabel(`Role for ${member.email}`).selectOption({ label: ROLE_LABELS.viewer });
    await row.getByRole("button", { name: "Change role" }).click();
    await expect(row.getByRole("cell").nth(2)).toHaveText(ROLE_LABELS.viewer);
    await adminContext.close();

    const response = await memberPage.goto("/system/sync-history");
    expect(response?.status()).toBe(403);
    await expect(memberPage.getByRole("heading", { level: 1, name: FORBIDDEN_HEADING })).toBeVisible();
    await memberPage.goto("/dashboard");
    await expect(memberPage.getByTestId("user-role")).toHaveText(ROLE_LABELS.viewer);
    await expect(nav.getByRole("link", { name: "Sync History", exact: true })).toHaveCount(0);
    await memberContext.close();
  });
  // Adding a user with a generated (one-time) password: users.spec.ts.
});
