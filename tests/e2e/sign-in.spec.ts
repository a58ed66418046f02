import { expect, test } from "@playwright/test";
import { INVALID_LOGIN_MESSAGE, THROTTLED_LOGIN_MESSAGE } from "../../lib/auth/messages";
import { createUser, loginAlert, seededUser, sessionCookieNames, signIn, submitLogin, uniqueEmail, type E2eUser } from "./helpers";

// Accounts that collect failed sign-ins get their own user, so no other test is locked out.
let wrongPasswordUser: E2eUser;
let throttledUser: E2eUser;
let noJsUser: E2eUser;

test.beforeAll(async () => {
  [wrongPasswordUser, throttledUser, noJsUser] = await Promise.all([
    createUser("wrong-password"),
    createUser("throttled"),
    createUser("no-js", "agent"),
  ]);
});

test.describe("signing in", () => {
  test("an anonymous visitor is sent to sign in and comes back to the page they opened", async ({ page }) => {
    const manager = seededUser("manager");
    await page.goto("/sales/orders?status=pending");

    await expect(page).toHaveURL((url) => url.pathname === "/login");
    expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe("/sales/orders?status=pending");
    await expect(page.getByRole("heading", { name: "Sign in to the Sales Portal" })).toBeVisible();

    await submitLogin(page, manager.email, manager.password);

    await expect(page).toHaveURL((url) => url.pathname === "/sales/orders" && url.search === "?status=pending");
    await expect(page.getByRole("heading", { level: 1, name: "Orders", exact: true })).toBeVisible();
  });

  test("a wrong password is refused with the invalid-credentials message", async ({ page }) => {
    await page.goto("/login");
    await submitLogin(page, wrongPasswordUser.email, `${wrongPasswordUser.password}-wrong`);

    await expect(loginAlert(page)).toHaveText(INVALID_LOGIN_MESSAGE);
    await expect(page).toHaveURL((url) => url.pathname === "/login");
    // The email stays filled in for the next try; the password does not.
    await expect(page.getByLabel("Email")).toHaveValue(wrongPasswordUser.email);
    await expect(page.getByLabel("Password")).toHaveValue("");
  });

  test("an unknown email gets the same message as a wrong password", async ({ page }) => {
    await page.goto("/login");
    await submitLogin(page, uniqueEmail("nobody"), "some-password-123");

    await expect(loginAlert(page)).toHaveText(INVALID_LOGIN_MESSAGE);
    await expect(page).toHaveURL((url) => url.pathname === "/login");
  });

  test("after 5 wrong passwords the account is locked, even for the right password", async ({ page }) => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      await page.goto("/login");
      await submitLogin(page, throttledUser.email, `wrong-password-${attempt}`);
      await expect(loginAlert(page), `attempt ${attempt}`).toHaveText(INVALID_LOGIN_MESSAGE);
    }

    await page.goto("/login");
    await submitLogin(page, throttledUser.email, "wrong-password-6");
    await expect(loginAlert(page)).toHaveText(THROTTLED_LOGIN_MESSAGE);

    await page.goto("/login");
    await submitLogin(page, throttledUser.email, throttledUser.password);
    await expect(loginAlert(page)).toHaveText(THROTTLED_LOGIN_MESSAGE);
    await expect(page).toHaveURL((url) => url.pathname === "/login");

    // The lock is per account: others still sign in from the same address.
    await signIn(page, seededUser("viewer"));
  });
});

test.describe("signing in without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a wrong password shows the invalid-credentials message", async ({ page }) => {
    await page.goto("/login");
    await submitLogin(page, noJsUser.email, `${noJsUser.password}-wrong`);

    await expect(loginAlert(page)).toHaveText(INVALID_LOGIN_MESSAGE);
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  });

  test("the right password lands on the dashboard", async ({ page }) => {
    await page.goto("/login");
    await submitLogin(page, noJsUser.email, noJsUser.password);

    await expect(page).toHaveURL((url) => url.pathname === "/dashboard");
    await expect(page.getByRole("heading", { level: 1, name: `Welcome, ${noJsUser.name.split(" ")[0]}` })).toBeVisible();
  });
});

test.describe("signing out", () => {
  test("signing out from the user menu returns to the sign-in page and keeps the portal closed", async ({ page, context }) => {
    const agent = seededUser("agent");
    await signIn(page, agent);
    expect(await sessionCookieNames(context)).not.toEqual([]);

    await page.getByLabel("User menu").click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL((url) => url.pathname === "/login");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    expect(await sessionCookieNames(context)).toEqual([]);

    await page.goto("/dashboard");
    await expect(page).toHaveURL((url) => url.pathname === "/login");
    expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe("/dashboard");
    await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
  });

  // A link prefetch sent before the sign-out but answered after it must not sign the user back in
  // (the proxy never writes the cookie, and the session is revoked server-side). The prefetches'
  // answers are held back until the sign-out is done, which makes the race certain.
  test("signing out right after a page loads still ends the session", async ({ page, context }) => {
    let releasePrefetches!: () => void;
    const prefetchesReleased = new Promise<void>((resolve) => (releasePrefetches = resolve));
    let prefetchAnswered!: () => void;
    const aPrefetchIsHeld = new Promise<void>((resolve) => (prefetchAnswered = resolve));
    await page.route(
      (url) => url.searchParams.has("_rsc"),
      async (route) => {
        if (!route.request().headers()["next-router-prefetch"]) return route.continue();
        // Sent now, while signed in; its answer reaches the browser only after the sign-out.
        const response = await route.fetch();
        prefetchAnswered();
        await prefetchesReleased;
        await route.fulfill({ response }).catch(() => {});
      },
    );
    await signIn(page, seededUser("agent"));
    await aPrefetchIsHeld;

    await page.getByLabel("User menu").click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL((url) => url.pathname === "/login");
    releasePrefetches();
    await page.waitForLoadState("networkidle");
    await page.unrouteAll({ behavior: "ignoreErrors" });

    await page.goto("/dashboard");
    await expect(page).toHaveURL((url) => url.pathname === "/login");
    expect(await sessionCookieNames(context)).toEqual([]);
  });

  test("a copy of the session cookie taken before signing out no longer opens the portal", async ({ page, context }) => {
    await signIn(page, seededUser("viewer"));
    const before = await context.cookies();

    await page.getByLabel("User menu").click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL((url) => url.pathname === "/login");

    await context.addCookies(before);
    await page.goto("/dashboard");
    await expect(page).toHaveURL((url) => url.pathname === "/login");
    await expect(page.getByText("Your session has ended")).toBeVisible();
    expect(await sessionCookieNames(context)).toEqual([]);
  });
});
