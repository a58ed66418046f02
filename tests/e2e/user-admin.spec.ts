import { expect, test } from "@playwright/test";
import { INVALID_LOGIN_MESSAGE, THROTTLED_LOGIN_MESSAGE } from "../../lib/auth/messages";
import { ROLE_LABELS } from "../../lib/auth/permissions";
import { FORBIDDEN_HEADING, createUser, loginAlert, seededUser, sessionCookieNames, signIn, signedInContext, submitLogin } from "./helpers";

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

  test("a locked-out viewer is unlocked by an admin and signs in", async ({ browser }) => {
    // Its own account: five wrong passwords would lock any shared one for every other spec.
    const viewer = await createUser("unlock-me", "viewer");
    // The browser also claims another address; the portal must go by the connection's own.
    const viewerContext = await browser.newContext({ extraHTTPHeaders: { "X-Forwarded-For": "203.0.113.66" } });
    const viewerPage = await viewerContext.newPage();
    for (let attempt = 1; attempt <= 5; attempt++) {
      await viewerPage.goto("/login");
      await submitLogin(viewerPage, viewer.email, `not-my-password-${attempt}`);
      await expect(loginAlert(viewerPage), `attempt ${attempt}`).toHaveText(INVALID_LOGIN_MESSAGE);
    }
    await viewerPage.goto("/login");
    await submitLogin(viewerPage, viewer.email, viewer.password);
    await expect(loginAlert(viewerPage)).toHaveText(THROTTLED_LOGIN_MESSAGE);

    const adminContext = await signedInContext(browser, "admin");
    const adminPage = await adminContext.newPage();
    await adminPage.goto("/system/users");
    const row = adminPage.getByTestId(`user-row-${viewer.email}`);
    await expect(row).toContainText(/Locked until \d{2}:\d{2}/);
    await expect(row).not.toContainText("Active");
    await row.getByRole("button", { name: "Unlock" }).click();
    await expect(row).toContainText("Active");
    await expect(row).not.toContainText("Locked until");
    await expect(row.getByRole("button", { name: "Unlock" })).toHaveCount(0);

    await signIn(viewerPage, viewer);
    await expect(viewerPage.getByRole("heading", { level: 1, name: `Welcome, ${viewer.name.split(" ")[0]}` })).toBeVisible();

    // The audit log tells the story, under the address the connection came from.
    // Wide enough that no audit column folds away to fit (at 1280 px the IP column does; Columns brings it back).
    await adminPage.setViewportSize({ width: 1920, height: 1080 });
    await adminPage.goto(`/system/audit-log?q=${encodeURIComponent(viewer.email)}`);
    const entries = adminPage.getByRole("region", { name: "Audit Log" }).locator("tbody tr");
    await expect(entries.filter({ hasText: "Sign-in failed" })).toHaveCount(6);
    await expect(entries.filter({ hasText: "Locked out" })).toHaveCount(1);
    await expect(entries.filter({ hasText: "Signed in" })).toHaveCount(1);
    const unlocked = entries.filter({ hasText: "User unlocked" });
    await expect(unlocked).toContainText(seededUser("admin").email);
    await expect(entries.filter({ hasText: "Locked out" })).toContainText("127.0.0.1");
    await expect(adminPage.getByRole("region", { name: "Audit Log" })).not.toContainText("203.0.113.66");
    await adminContext.close();
    await viewerContext.close();
  });
  // Adding a user with a generated (one-time) password: users.spec.ts.
});
