import { defineConfig } from "@playwright/test";

// End-to-end tests run against a production build (`next build` first; `npm test` does it) served
// by scripts/e2e-server.mjs on its own fresh Postgres database, with Debian's Chromium
// (/usr/bin/chromium). Playwright never downloads a browser here (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1).
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;

// The specs that add channels syncing the demo store (integrations.spec.ts, integrations-*.spec.ts).
const INTEGRATIONS = /integrations(-[\w-]+)?\.spec\.ts$/;
// Specs that change the demo store (place orders in the simulator, sync, set portal statuses),
// which the grid specs compare with the simulator: they run last.
const STORE_CHANGING = /(follow-up|new-cart|two-way|reports|accounts-merge)\.spec\.ts$/;
// Only those named on the command line: their project runs without the others first.
const cliFiles = process.argv.slice(2).filter((arg) => /\.spec\.ts$|^tests\//.test(arg));
const ALONE = cliFiles.length > 0 && cliFiles.every((arg) => INTEGRATIONS.test(arg) || STORE_CHANGING.test(arg));

const CHROMIUM = {
  browserName: "chromium" as const,
  launchOptions: {
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  },
};

export default defineConfig({
  testDir: "tests/e2e",
  // Artifacts (screenshots) go below test-results/, which also holds e2e-users.json written by
  // the server script; Playwright empties its outputDir, so keep them apart.
  outputDir: "test-results/playwright",
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: process.env.CI ? 1 : 2,
  // `list` ends the run with its own summary line ("N passed (Xs)").
  reporter: "list",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    headless: true,
    trace: "off",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      // integrations.spec.ts adds a second channel syncing the same store, which would double the
      // rows the grid specs count: it runs in its own project, after every other spec.
      testIgnore: [INTEGRATIONS, STORE_CHANGING],
      use: CHROMIUM,
    },
    {
      name: "integrations",
      testMatch: INTEGRATIONS,
      // Run alone (`playwright test tests/e2e/integrations.spec.ts`), it needs nobody to wait for.
      dependencies: ALONE ? [] : ["chromium"],
      use: CHROMIUM,
    },
    {
      name: "store-changing",
      testMatch: STORE_CHANGING,
      dependencies: ALONE ? [] : ["integrations"],
      use: CHROMIUM,
    },
  ],
  webServer: {
    command: "node scripts/e2e-server.mjs",
    url: `${baseURL}/login`,
    // Migrations, a full sync of the simulated store and (without a build) next build, on 2 shared cores.
    timeout: 300_000,
    reuseExistingServer: false,
    // The script drops its database on SIGTERM; the default (SIGKILL) would leave it behind.
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    stdout: "ignore",
    stderr: "pipe",
    env: { E2E_PORT: String(port), NEXT_TELEMETRY_DISABLED: "1" },
  },
});
