import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type Browser, type BrowserContext, type Locator, type Page, type Request, type Response } from "@playwright/test";
import { startMagentoSimulator, type RunningSimulator } from "../../simulator";
import { signedInContext } from "./helpers";
import { channelId, expectNoSeriousA11yViolations } from "./store";

// System › Integrations against the running production server (issue 6, security part): Check
// connection without JavaScript, Sync now from the list, a data-affecting settings change that
// starts its sync, the access token never showing in HTML, RSC payloads, action results, server
// logs or the audit log, and cross-site requests refused (route handlers and server actions).
//
// Its channels point at a simulator of its own (started here, small store, unique token), so the
// shared demo store and its faults stay untouched. It runs in the "integrations" project, after
// the grid specs (playwright.config.ts): its channels would otherwise show up in their counts.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const SYNC_TIMEOUT = 90_000;

// Unique per run: a hit in any haystack can only come from this run.
const TOKEN = `e2e-leak-first-${randomBytes(10).toString("hex")}`;
const SECOND_TOKEN = `e2e-leak-second-${randomBytes(10).toString("hex")}`;
const suffix = randomBytes(3).toString("hex");

let sim: RunningSimulator;

test.beforeAll(async () => {
  sim = await startMagentoSimulator({ port: 0, seed: 4242, customers: 15, orders: 30, token: TOKEN });
});

test.afterAll(async () => {
  await sim?.close();
});

async function sql<T = Record<string, unknown>>(query: string, params: (string | number)[] = []): Promise<T[]> {
  const { databaseUrl } = JSON.parse(readFileSync(path.join(root, "test-results", "e2e-users.json"), "utf8")) as { databaseUrl: string };
  const { default: postgres } = await import("postgres");
  const db = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return (await db.unsafe(query, params)) as unknown as T[];
  } finally {
    await db.end({ timeout: 5 });
  }
}

async function asAdmin<T>(browser: Browser, fn: (page: Page, context: BrowserContext) => Promise<T>): Promise<T> {
  const context = await signedInContext(browser, "admin");
  try {
    return await fn(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

/**
 * Presses the save button until `done` shows: this spec's channels all sync its one simulator, so
 * every one after the first is held back with the "counted twice" warning and saved anyway.
 * Returns the request of the press that saved.
 */
async function saveConfirmingWarnings(page: Page, button: "Create channel" | "Save settings", done: Locator): Promise<Request> {
  const press = async () =>
    (
      await Promise.all([
        page.waitForRequest((r) => r.method() === "POST" && Boolean(r.headers()["next-action"])),
        page.getByRole("button", { name: button }).click(),
      ])
    )[0];
  let request = await press();
  const warning = page.getByRole("alert").filter({ hasText: "counted twice" });
  await expect(done.or(warning)).toBeVisible();
  if (await warning.isVisible()) {
    await page.getByRole("checkbox", { name: "Save anyway" }).check();
    request = await press();
  }
  await expect(done).toBeVisible();
  return request;
}

/** Creates a channel for this spec's simulator through the form (with JavaScript); returns its id. */
async function createChannel(page: Page, name: string, { token = TOKEN, active = true } = {}): Promise<number> {
  await page.goto("/system/integrations/new");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Magento base URL").fill(sim.baseUrl);
  await page.getByLabel("Access token", { exact: true }).fill(token);
  await page.getByLabel("Sync start date").fill("2020-01-01");
  const activeBox = page.getByRole("checkbox", { name: /^Active/ });
  if ((await activeBox.isChecked()) !== active) await activeBox.click();
  await saveConfirmingWarnings(page, "Create channel", page.getByText(`Created "${name}".`));
  const id = await channelId(name);
  expect(id, `channel ${name} saved`).not.toBeNull();
  return id!;
}

function listRow(page: Page, id: number) {
  return page.locator(`main tr[data-testid="channel-row-${id}"]`);
}

test.describe.configure({ mode: "serial" });

test("Check connection works without JavaScript: it shows the websites, or the reason, and saves nothing", async ({ browser }) => {
  const signedIn = await signedInContext(browser, "admin");
  const storageState = await signedIn.storageState();
  await signedIn.close();
  const context = await browser.newContext({ storageState, javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    const name = `No-JS check ${suffix}`;
    const all = (await (
      await fetch(`${sim.baseUrl}/rest/V1/store/websites`, { headers: { Authorization: `Bearer ${TOKEN}` } })
    ).json()) as { id: number; code: string; name: string }[];
    const websites = all.filter((w) => w.id !== 0);
    expect(websites.length).toBeGreaterThan(0);

    await page.goto("/system/integrations/new");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Magento base URL").fill(sim.baseUrl);
    await page.getByLabel("Access token", { exact: true }).fill(TOKEN);
    await page.getByRole("button", { name: "Check connection" }).click();
    const found = page.getByRole("status").filter({ hasText: "Connected:" });
    await expect(found).toContainText(`Connected: ${websites.length} website${websites.length === 1 ? "" : "s"}`);
    await expect(found).toContainText("base currency");
    for (const w of websites) await expect(found).toContainText(`Website ${w.name} (${w.code}, id ${w.id})`);
    expect(await channelId(name), "a check saves nothing").toBeNull();
    // The page comes back with what was typed, except the token (never sent back).
    await expect(page.getByLabel("Name", { exact: true })).toHaveValue(name);
    await expect(page.getByLabel("Magento base URL")).toHaveValue(sim.baseUrl);
    await expect(page.getByLabel("Access token", { exact: true })).toHaveValue("");
    for (const w of websites)
      await expect(page.getByRole("checkbox", { name: new RegExp(`^${w.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`) })).toBeVisible();

    // A wrong token: the reason, in words, and still nothing saved.
    await page.getByLabel("Access token", { exact: true }).fill(SECOND_TOKEN);
    await page.getByRole("button", { name: "Check connection" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "401" })).toContainText("Magento rejected the credentials (401");
    expect(await channelId(name), "a failed check saves nothing").toBeNull();

    // Saving works without JavaScript too (inactive: it never syncs).
    await page.getByLabel("Access token", { exact: true }).fill(TOKEN);
    await page.getByRole("checkbox", { name: /^Active/ }).uncheck();
    await page.getByRole("button", { name: "Create channel" }).click();
    await expect(page.getByRole("status").filter({ hasText: `Created "${name}".` })).toBeVisible();
    expect(await channelId(name)).not.toBeNull();
  } finally {
    await context.close();
  }
});

test.describe("a channel of this spec's simulator", () => {
  let id = 0;
  const name = `Security store ${suffix}`;

  test("Sync now from the Integrations list: Syncing… while it runs, then its result and the next sync", async ({ browser }) => {
    test.setTimeout(180_000);
    await asAdmin(browser, async (page) => {
      id = await createChannel(page, name);
      await page.goto("/system/integrations");
      const row = listRow(page, id);
      await expect(row).toContainText("Not synced yet");
      // Slow pages keep the run going long enough to see the list say so.
      const slow = sim.control.addFaults({ path: "/V1/", latencyMs: 400 });
      try {
        await row.getByRole("button", { name: `Sync now of ${name}` }).click();
        await expect(row.getByRole("status")).toContainText(`sync #`);
        await expect(row.getByRole("button", { name: `Syncing… of ${name}` })).toBeDisabled();
        await expect(row.getByRole("button", { name: `Full sync of ${name}` })).toHaveCount(0);
        await expect(row.getByRole("link", { name: `Follow the sync of ${name}` })).toBeVisible();
      } finally {
        for (const fault of slow) sim.control.clearFaults(fault.id);
      }
      await expect(async () => {
        await page.reload();
        await expect(listRow(page, id)).toContainText("succeeded", { timeout: 1_000 });
      }).toPass({ timeout: SYNC_TIMEOUT });
      await expect(row).toContainText("no errors");
      await expect(row).toContainText(/records changed/);
      // Next sync: a date, not "—" (the channel is active and has a token).
      await expect(row.locator("td").nth(5)).not.toHaveText("—");
      await expect(row.getByRole("button", { name: `Sync now of ${name}` })).toBeEnabled();
      await expect(row.getByRole("button", { name: `Full sync of ${name}` })).toBeEnabled();
      await expectNoSeriousA11yViolations(page, "/system/integrations");

      const [started] = await sql<{ actor: string; details: { requested: string } }>(
        `select actor, details from audit_log where action = 'sync.started' and channel_id = $1 order by id desc limit 1`,
        [id],
      );
      expect(started).toMatchObject({ actor: "admin@e2e.test", details: { requested: "incremental" } });
    });
  });

  test("moving the sync start date says what the next sync does before saving, and the save starts it", async ({ browser }) => {
    test.setTimeout(120_000);
    expect(id).toBeGreaterThan(0);
    await asAdmin(browser, async (page) => {
      const runsBefore = Number((await sql<{ n: string }>(`select count(*)::text as n from sync_runs where channel_id = $1`, [id]))[0]!.n);
      await page.goto(`/system/integrations/${id}/settings`);
      const note = page.getByRole("note", { name: "What saving does" });
      await expect(note).toHaveCount(0);
      await page.getByLabel("Sync start date").fill("2019-01-01");
      await expect(note).toContainText("When you save:");
      await expect(note).toContainText(
        "The next sync will load customers, shopping carts, orders, credit memos and newsletter subscribers back to 2019-01-01.",
      );
      await expect(note).toContainText("That sync starts as soon as you save.");
      await expectNoSeriousA11yViolations(page, "the settings page with its note");
      await page.getByRole("button", { name: "Save settings" }).click();
      const saved = page.getByText(`Saved "${name}".`);
      await expect(saved).toContainText("back to 2019-01-01");
      await expect(saved).toContainText(/Sync #\d+ has started to do it now\./);
      const runId = Number(/Sync #(\d+) has started/.exec((await saved.textContent()) ?? "")![1]);
      const runs = await sql<{ id: string; trigger: string }>(`select id::text, trigger from sync_runs where channel_id = $1`, [id]);
      expect(runs.length).toBe(runsBefore + 1);
      expect(runs.map((r) => Number(r.id))).toContain(runId);
      // The channel page shows that run, to its end.
      await page.goto(`/system/integrations/${id}`);
      await expect(async () => {
        await page.reload();
        await expect(page.locator(`tr[data-run-id="${runId}"]`)).toContainText("succeeded", { timeout: 1_000 });
      }).toPass({ timeout: SYNC_TIMEOUT });
    });
  });
});

test("the access tokens never reach HTML, RSC payloads, action results, server logs or the audit log", async ({ browser }) => {
  test.setTimeout(180_000);
  const logPath = path.join(root, "test-results", "e2e-server.log");
  const logStart = readFileSync(logPath, "utf8").length;
  const name = `Leak store ${suffix}`;
  const renamed = `Leak store renamed ${suffix}`;

  await asAdmin(browser, async (page, context) => {
    // Every response the browser gets from the portal: documents, RSC fetches, action results.
    const bodies: Promise<{ url: string; body: string }>[] = [];
    const capture = (response: Response) => {
      bodies.push(
        response
          .text()
          .then((body) => ({ url: `${response.request().method()} ${response.url()}`, body }))
          .catch(() => ({ url: response.url(), body: "" })), // redirects have no body
      );
    };
    page.on("response", capture);

    // Create with the first token, checked first.
    await page.goto("/system/integrations/new");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Magento base URL").fill(sim.baseUrl);
    await page.getByLabel("Access token", { exact: true }).fill(TOKEN);
    await page.getByRole("checkbox", { name: /^Active/ }).uncheck();
    await page.getByRole("button", { name: "Check connection" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Connected:" })).toBeVisible();
    await saveConfirmingWarnings(page, "Create channel", page.getByText(`Created "${name}".`));
    const id = (await channelId(name))!;
    expect(id).toBeGreaterThan(0);

    // Edit: a new name and the second token, which this simulator rejects: Check connection says so.
    await page.goto(`/system/integrations/${id}/settings`);
    await expect(page.getByLabel("Access token", { exact: true })).toHaveValue("");
    await page.getByLabel("Name", { exact: true }).fill(renamed);
    await page.getByLabel("Access token", { exact: true }).fill(SECOND_TOKEN);
    await page.getByRole("button", { name: "Check connection" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "401" })).toContainText("Magento rejected the credentials (401");
    // Saving checks again and holds the save back until it is confirmed (issue 15).
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.locator("#save-warnings")).toContainText(
      "The connection check failed, so this channel would not sync until it is fixed: Magento rejected the credentials (401",
    );
    await page.getByRole("checkbox", { name: "Save anyway" }).check();
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByText(`Saved "${renamed}".`)).toBeVisible();
    // A sync with the rejected token: its failure (message, run, history) is searched too.
    await page.goto(`/system/integrations/${id}`);
    await page.getByRole("button", { name: "Sync now", exact: true }).click();
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole("region", { name: "Recent runs" })).toContainText("failed", { timeout: 1_000 });
    }).toPass({ timeout: SYNC_TIMEOUT });
    const [run] = await sql<{ id: string }>(`select id::text from sync_runs where channel_id = $1 order by id desc limit 1`, [id]);

    // Every page that shows the channel, opened as documents and reached by client navigation.
    const pages = [
      "/system/integrations",
      `/system/integrations/${id}`,
      `/system/integrations/${id}/settings`,
      "/system/sync-history",
      `/system/sync-history/${run!.id}`,
      "/system/audit-log",
    ];
    for (const target of pages) {
      const response = await page.goto(target);
      expect(response?.status(), target).toBe(200);
    }
    // The router state the client sends with its RSC requests (the format is Next's own: copied, not built).
    let routerState: string | null = null;
    page.on("request", (request) => {
      const headers = request.headers();
      if (headers.rsc === "1" && headers["next-router-state-tree"] && !headers["next-router-prefetch"])
        routerState ??= headers["next-router-state-tree"];
    });
    await page.goto("/dashboard");
    await page.getByRole("navigation").getByRole("link", { name: "Integrations" }).first().click();
    await expect(page).toHaveURL(/\/system\/integrations$/);
    await listRow(page, id).getByRole("link", { name: renamed, exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: renamed })).toBeVisible();

    // The RSC payloads as the client router asks for them.
    expect(routerState, "the client made an RSC request").not.toBeNull();
    const rsc: string[] = [];
    for (const target of pages) {
      const response = await context.request.get(target, { headers: { RSC: "1", "Next-Router-State-Tree": routerState! } });
      expect(response.status(), `RSC ${target}`).toBe(200);
      expect(response.headers()["content-type"], `RSC ${target}`).toContain("text/x-component");
      rsc.push(await response.text());
    }
    expect(rsc.join("\n"), "the RSC payload of the settings page has the form's data").toContain(renamed);

    page.off("response", capture);
    const responses = await Promise.all(bodies);
    expect(
      responses.some((r) => r.url.startsWith("POST")),
      "server action responses were captured",
    ).toBe(true);

    const audit = await sql<{ row: string }>(`select row_to_json(a)::text as row from audit_log a where channel_id = $1`, [id]);
    const actions = (await sql<{ action: string }>(`select action from audit_log where channel_id = $1`, [id])).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["channel.connection_checked", "channel.created", "channel.updated", "sync.started"]));
    const runs = await sql<{ row: string }>(`select row_to_json(r)::text as row from sync_runs r where channel_id = $1`, [id]);
    const errors = await sql<{ row: string }>(`select row_to_json(e)::text as row from sync_errors e where channel_id = $1`, [id]);
    const [stored] = await sql<{ credentials: string }>(`select credentials_encrypted as credentials from channels where id = $1`, [id]);
    // Let the server's last lines reach the log file.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const serverLog = readFileSync(logPath, "utf8").slice(logStart);

    const haystacks: Record<string, string> = {
      ...Object.fromEntries(responses.map((r, i) => [`response ${i} ${r.url}`, r.body])),
      ...Object.fromEntries(rsc.map((body, i) => [`RSC ${pages[i]}`, body])),
      "server log": serverLog,
      "audit_log rows": audit.map((r) => r.row).join("\n"),
      "sync_runs rows": runs.map((r) => r.row).join("\n"),
      "sync_errors rows": errors.map((r) => r.row).join("\n"),
      "stored credentials (sealed)": stored!.credentials,
    };
    for (const [where, text] of Object.entries(haystacks)) {
      expect(text.includes(TOKEN), `the first token in ${where}`).toBe(false);
      expect(text.includes(SECOND_TOKEN), `the second token in ${where}`).toBe(false);
    }
    // The audit entries say the credentials were set and replaced, in words only.
    const updated = audit
      .map((r) => JSON.parse(r.row) as { action: string; details: { changes: Record<string, { from: unknown; to: unknown }> } })
      .find((a) => a.action === "channel.updated" && a.details.changes.name);
    expect(updated?.details.changes).toMatchObject({
      name: { from: name, to: renamed },
      credentials: { from: "[redacted]", to: "replaced" },
    });

    // Delete it, so its failing sync does not bannerize the other specs' pages.
    await page.goto(`/system/integrations/${id}/settings`);
    await page.getByLabel(`Type "${renamed}" to confirm`).fill(renamed);
    await page.getByRole("button", { name: "Delete channel" }).click();
    await expect(page.getByRole("status").filter({ hasText: `“${renamed}” is being deleted` })).toBeVisible();
    await page.getByRole("link", { name: "Back to integrations" }).click();
    await expect(page).toHaveURL(/\/system\/integrations$/);
    await expect(listRow(page, id)).toHaveCount(0);
    await expect.poll(() => channelId(renamed)).toBeNull();
    const [deleted] = await sql<{ actor: string }>(`select actor from audit_log where action = 'channel.deleted' and channel_id = $1`, [
      id,
    ]);
    expect(deleted).toMatchObject({ actor: "admin@e2e.test" });
  });
});

test("an admin changes a channel's URL and is asked for the token again; entering it saves", async ({ browser }) => {
  test.setTimeout(90_000);
  await asAdmin(browser, async (page) => {
    const name = `Moved store ${suffix}`;
    const id = await createChannel(page, name, { active: false });
    // The same store under another host name: another address for the saved token.
    const moved = `http://localhost:${sim.port}`;
    const before = sim.control.requests(1).total;
    await page.goto(`/system/integrations/${id}/settings`);
    await page.getByLabel("Magento base URL").fill(moved);
    await expect(page.getByLabel("Access token", { exact: true })).toHaveValue("");
    await page.getByRole("button", { name: "Save settings" }).click();

    const token = page.getByLabel("Access token", { exact: true });
    await expect(token).toHaveAttribute("aria-invalid", "true");
    await expect(token).toHaveAccessibleDescription(
      `The base URL now points to ${moved} instead of ${sim.baseUrl}: enter the access token again (saved secrets are only sent to the address they were saved for).`,
    );
    // What was typed stays; nothing was saved, and the saved token went nowhere.
    await expect(page.getByLabel("Magento base URL")).toHaveValue(moved);
    expect((await sql<{ base_url: string }>(`select base_url from channels where id = $1`, [id]))[0]!.base_url).toBe(sim.baseUrl);
    expect(sim.control.requests(1).total).toBe(before);

    await token.fill(TOKEN);
    await saveConfirmingWarnings(page, "Save settings", page.getByText(`Saved "${name}".`));
    expect((await sql<{ base_url: string }>(`select base_url from channels where id = $1`, [id]))[0]!.base_url).toBe(moved);
    await expect(token).not.toHaveAttribute("aria-invalid", "true");
  });
});

test.describe("cross-site requests are refused", () => {
  test("the CSV export POST answers 403 to a foreign Origin, and exports for the portal's own", async ({ browser }) => {
    await asAdmin(browser, async (_page, context) => {
      const foreign = await context.request.post("/export/orders", { headers: { Origin: "https://evil.example" }, form: { ids: "1" } });
      expect(foreign.status()).toBe(403);
      expect(await foreign.text()).toBe("Refused: this request came from another site. Use the portal's own pages.");
      const crossSite = await context.request.post("/export/orders", { headers: { "Sec-Fetch-Site": "cross-site" }, form: { ids: "1" } });
      expect(crossSite.status()).toBe(403);
      const own = await context.request.post("/export/orders", { headers: { Origin: new URL(foreign.url()).origin }, form: { ids: "1" } });
      expect(own.status()).toBe(200);
      expect(own.headers()["content-type"]).toContain("text/csv");
    });
  });

  test("a server action posted with a foreign Origin changes nothing; the same request from the portal does", async ({ browser }) => {
    await asAdmin(browser, async (page, context) => {
      const probe = `CSRF probe ${suffix}`;
      // The real request the form sends when creating a channel.
      await page.goto("/system/integrations/new");
      await page.getByLabel("Name", { exact: true }).fill(probe);
      await page.getByLabel("Magento base URL").fill(sim.baseUrl);
      await page.getByLabel("Access token", { exact: true }).fill(TOKEN);
      await page.getByRole("checkbox", { name: /^Active/ }).uncheck();
      // The press that saved (with "Save anyway" ticked: this spec's other channels sync the same simulator).
      const request = await saveConfirmingWarnings(page, "Create channel", page.getByText(`Created "${probe}".`));
      const body = request.postDataBuffer()!.toString("latin1");
      expect(body).toContain(probe);
      const headers = Object.fromEntries(
        Object.entries(request.headers()).filter(([k]) => !["host", "content-length", "cookie"].includes(k)),
      );

      const forged = `CSRF forged ${suffix}`;
      const logPath = path.join(root, "test-results", "e2e-server.log");
      const logStart = readFileSync(logPath, "utf8").length;
      const attack = await context.request.post(request.url(), {
        headers: { ...headers, origin: "https://evil.example" },
        data: Buffer.from(body.replaceAll(probe, forged), "latin1"),
        maxRedirects: 0,
      });
      expect(attack.status(), "Next refuses the action").toBeGreaterThanOrEqual(400);
      expect(await attack.text()).not.toContain(`Created "${forged}"`);
      expect(await channelId(forged), "nothing was created").toBeNull();
      // Refused by Next's origin check, as its log line says.
      await expect
        .poll(() => readFileSync(logPath, "utf8").slice(logStart))
        .toContain("does not match `origin` header with value `evil.example`");

      // The same replay from the portal's own origin works: the refusal above is the origin check.
      const replayed = `CSRF replayed ${suffix}`;
      const own = await context.request.post(request.url(), {
        headers: { ...headers, origin: new URL(request.url()).origin },
        data: Buffer.from(body.replaceAll(probe, replayed), "latin1"),
      });
      expect(own.status()).toBe(200);
      expect(await channelId(replayed)).not.toBeNull();
    });
  });
});
