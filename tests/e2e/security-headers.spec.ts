import { expect, test, type Page } from "@playwright/test";
import { headingFor, pageAccess, seededUser, signIn } from "./helpers";
import { detailPages, sampleChain } from "./workspace-pages";

// The security headers proxy.ts sends (lib/http/security-headers.ts), as a browser and `curl -I`
// see them on the production build: a nonce-based Content-Security-Policy under which the portal
// still runs without a single violation, no framing, no sniffing, a same-origin referrer.

/** Records CSP violations and console errors of the page from its first script on. */
async function watch(page: Page): Promise<{ problems: () => Promise<string[]> }> {
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => consoleErrors.push(`page error: ${error.message}`));
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => {
      seen.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
  return {
    problems: async () => [
      ...consoleErrors,
      ...(await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [])),
    ],
  };
}

/** Whether React has taken over the element (its props are attached once the page hydrated). */
function hydrated(page: Page, selector: string) {
  return page.waitForFunction((s) => {
    const element = document.querySelector(s);
    return element !== null && Object.keys(element).some((key) => key.startsWith("__reactProps$"));
  }, selector);
}

test.describe("security headers", () => {
  test("HEAD /login (curl -I) shows the CSP with a nonce and frame-ancestors 'none', nosniff, the referrer policy, no HSTS over HTTP", async ({
    request,
  }) => {
    const response = await request.fetch("/login", { method: "HEAD" });
    expect(response.status()).toBe(200);
    const headers = response.headers();
    const csp = headers["content-security-policy"] ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'(;|$)/);
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("object-src 'none'");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("same-origin");
    expect(headers["strict-transport-security"]).toBeUndefined();

    // Behind a TLS-terminating proxy (X-Forwarded-Proto: https): HSTS too.
    const overTls = await request.fetch("/login", { method: "HEAD", headers: { "X-Forwarded-Proto": "https" } });
    expect(overTls.headers()["strict-transport-security"]).toBe("max-age=31536000");
    expect(overTls.headers()["content-security-policy"]).toContain("upgrade-insecure-requests");
  });

  test("every page gets its own nonce, and Next puts it on the page's scripts", async ({ request }) => {
    const [a, b] = await Promise.all([request.get("/login"), request.get("/login")]);
    const nonceOf = (csp: string | undefined) => /'nonce-([^']+)'/.exec(csp ?? "")?.[1];
    const nonce = nonceOf(a.headers()["content-security-policy"]);
    expect(nonce).toBeTruthy();
    expect(nonceOf(b.headers()["content-security-policy"])).not.toBe(nonce);
    const html = await a.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  });

  test("the sign-in page and every page of the portal run under the policy without a violation", async ({ page }) => {
    test.setTimeout(180_000);
    const watcher = await watch(page);
    await page.goto("/login");
    await hydrated(page, "main form");
    expect(await watcher.problems()).toEqual([]);

    const admin = seededUser("admin");
    await signIn(page, admin);
    // Every menu page (grids, reports with their charts, system pages with forms), then the
    // detail pages and the customer edit form (client-side validation).
    const { ids } = await sampleChain();
    const targets = [
      ...pageAccess("admin")
        .filter((p) => p.allowed)
        .map((p) => ({ path: p.item.href, heading: headingFor(p.item, admin) })),
      ...(await detailPages()).map((d) => ({ path: d.path, heading: null })),
      { path: `/customers/${ids.customer}/edit`, heading: null },
    ];
    for (const target of targets) {
      await test.step(target.path, async () => {
        const response = await page.goto(target.path);
        expect(response?.status(), target.path).toBe(200);
        const h1 = page.getByRole("heading", { level: 1 });
        await expect(target.heading ? h1.filter({ hasText: target.heading }) : h1).toBeVisible();
        await hydrated(page, "main");
        await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
        expect(await watcher.problems(), target.path).toEqual([]);
      });
    }
  });

  test("another site cannot show the portal in a frame", async ({ page, baseURL }) => {
    const response = await page.request.fetch("/login", { method: "HEAD" });
    expect(response.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    // A page of another origin that frames the sign-in page: the browser refuses to show it.
    await page.route("http://framing.example/", (route) =>
      route.fulfill({
        contentType: "text/html",
        body: `<!doctype html><title>Framing</title><iframe src="${baseURL}/login" width="600" height="400" onload="document.title = 'frame done'"></iframe>`,
      }),
    );
    await page.goto("http://framing.example/");
    // A refused frame still fires load (with the browser's error page in it).
    await expect(page).toHaveTitle("frame done");
    await expect(page.frameLocator("iframe").getByRole("heading", { name: "Sign in to the Sales Portal" })).toHaveCount(0);
  });
});
