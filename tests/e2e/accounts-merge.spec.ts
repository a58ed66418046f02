import { expect, test, type Request } from "@playwright/test";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { FORBIDDEN_HEADING, signedInContext } from "./helpers";
import { expectNoSeriousA11yViolations } from "./store";

// A manager merges two accounts of the synced demo store, sees the target list both accounts'
// customers, and undoes it; an agent gets the 403 page on the merge URL and a refusal from the
// server action itself; an administrator's Undo in the audit log says the merge is undone already.
// Screenshots: test-results/accounts-merge/. Runs with the store-changing specs (it changes accounts).

const SHOTS = "test-results/accounts-merge";
mkdirSync(SHOTS, { recursive: true });

function e2eSql() {
  const file = path.join(process.cwd(), "test-results", "e2e-users.json");
  const { databaseUrl } = JSON.parse(readFileSync(file, "utf8")) as { databaseUrl: string };
  return postgres(databaseUrl, { max: 1, onnotice: () => {} });
}

type Picked = { id: number; name: string; email: string; customerEmails: string[] };

/** Two open person accounts with customers, names unlike any other (so the text checks are exact). */
async function pickAccounts(): Promise<[Picked, Picked]> {
  const sql = e2eSql();
  try {
    const rows = await sql<{ id: string; name: string; email: string; emails: string[] }[]>`
      SELECT a.id::text, a.name, min(e.email) AS email, array_agg(DISTINCT c.email) AS emails
      FROM accounts a JOIN account_emails e ON e.account_id = a.id JOIN magento_customers c ON c.account_id = a.id
      WHERE a.merged_into_id IS NULL AND a.type = 'person' AND a.customers_count BETWEEN 1 AND 3
        AND (SELECT count(*) FROM accounts o WHERE lower(o.name) = lower(a.name)) = 1
      GROUP BY a.id ORDER BY a.id LIMIT 2`;
    expect(rows).toHaveLength(2);
    return rows.map((r) => ({ id: Number(r.id), name: r.name, email: r.email, customerEmails: r.emails })) as [Picked, Picked];
  } finally {
    await sql.end();
  }
}

async function mergedInto(id: number): Promise<number | null> {
  const sql = e2eSql();
  try {
    const [row] = await sql<{ merged_into_id: string | null }[]>`SELECT merged_into_id::text FROM accounts WHERE id = ${id}`;
    return row?.merged_into_id ? Number(row.merged_into_id) : null;
  } finally {
    await sql.end();
  }
}

test.describe.configure({ mode: "serial" });

test("a manager merges two accounts, sees the target hold both accounts' customers, and undoes it", async ({ browser, baseURL }) => {
  const [source, target] = await pickAccounts();
  const manager = await signedInContext(browser, "manager");
  const page = await manager.newPage();
  let mergeRequest: Request | null = null;
  try {
    await page.goto(`/customers/accounts/${source.id}/merge`);
    await expect(page.getByRole("heading", { level: 1, name: `Merge ${source.name} into another account` })).toBeVisible();
    await page.getByLabel("Find an account by name or email").fill(target.email);
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL((url) => url.searchParams.get("q") === target.email);
    await expectNoSeriousA11yViolations(page, "the merge page's search");
    await page.screenshot({ path: `${SHOTS}/1-search.png`, fullPage: true });
    await page.getByRole("link", { name: `Choose ${target.name}` }).click();

    const summary = page.getByTestId("merge-summary");
    await expect(summary).toHaveText(
      new RegExp(
        `^\\d+ customers? of ${escape(source.name)} joins? ${escape(target.name)}; ${escape(source.name)} is closed and can be restored from the\\s+audit log\\.$`,
      ),
    );
    await expectNoSeriousA11yViolations(page, "the merge confirmation");
    await page.screenshot({ path: `${SHOTS}/2-confirm.png`, fullPage: true });

    [mergeRequest] = await Promise.all([
      page.waitForRequest((r) => r.method() === "POST" && Boolean(r.headers()["next-action"])),
      page.getByRole("button", { name: `Merge into ${target.name}` }).click(),
    ]);
    await expect(page).toHaveURL(/\/customers\/accounts\/changes\/\d+$/);
    await expect(page.getByRole("heading", { level: 1, name: "Accounts merged" })).toBeVisible();
    await expect(page.getByRole("status").first()).toContainText(
      `${source.name} (#${source.id}) merged into ${target.name} (#${target.id})`,
    );
    // The target now lists both accounts' customers.
    const now = page.getByRole("table", { name: `Customers of ${target.name}` });
    for (const email of [...source.customerEmails, ...target.customerEmails]) await expect(now).toContainText(email);
    expect(await mergedInto(source.id)).toBe(target.id);
    await expectNoSeriousA11yViolations(page, "the merge's change page");
    await page.screenshot({ path: `${SHOTS}/3-merged.png`, fullPage: true });

    await page.getByRole("button", { name: "Undo the merge" }).click();
    // The page shows the undo in place of the button: what came back, by whom.
    await expect(page.getByRole("status").filter({ hasText: `${source.name} (#${source.id}) restored with` })).toBeVisible();
    expect(await mergedInto(source.id)).toBeNull();
    await page.screenshot({ path: `${SHOTS}/4-undone.png`, fullPage: true });
    await expect(page.getByRole("button", { name: "Undo the merge" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Open the restored account" })).toHaveAttribute("href", `/customers/accounts/${source.id}`);
  } finally {
    await manager.close();
  }

  // The agent: the merge page is the 403 page, and the action posted as the manager's was is refused.
  const agent = await signedInContext(browser, "agent");
  try {
    const agentPage = await agent.newPage();
    const response = await agentPage.goto(`/customers/accounts/${source.id}/merge`);
    expect(response?.status()).toBe(403);
    await expect(agentPage.getByRole("heading", { level: 1, name: FORBIDDEN_HEADING })).toBeVisible();
    await agentPage.screenshot({ path: `${SHOTS}/5-agent-403.png`, fullPage: true });

    expect(mergeRequest).not.toBeNull();
    const sent = mergeRequest!;
    const replay = await agent.request.post(sent.url(), {
      headers: {
        "next-action": sent.headers()["next-action"]!,
        "content-type": sent.headers()["content-type"]!,
        accept: "text/x-component",
        origin: baseURL!,
      },
      data: sent.postDataBuffer()!,
    });
    expect(await replay.text()).toContain("Your role does not allow this action.");
    expect(await mergedInto(source.id)).toBeNull();
  } finally {
    await agent.close();
  }
});

test("a manager moves a customer to a new account and undoes the move", async ({ browser }) => {
  const [account] = await pickAccounts();
  const sql = e2eSql();
  const [customer] = await sql<{ id: string; email: string }[]>`
    SELECT id::text, email FROM magento_customers WHERE account_id = ${account.id} AND merged_into_id IS NULL ORDER BY id LIMIT 1`;
  await sql.end();
  const manager = await signedInContext(browser, "manager");
  try {
    const page = await manager.newPage();
    await page.goto(`/customers/accounts/${account.id}/move?customer=${customer!.id}`);
    await expect(page.getByRole("heading", { level: 1 })).toContainText(`out of ${account.name}`);
    await expectNoSeriousA11yViolations(page, "the move page");
    await page.screenshot({ path: `${SHOTS}/7-move.png`, fullPage: true });
    await page.getByLabel("New account's name").fill("E2E moved account");
    await page.getByLabel("Type").selectOption("company");
    await page.getByRole("button", { name: "Move to the new account" }).click();
    await expect(page).toHaveURL(/\/customers\/accounts\/changes\/\d+$/);
    await expect(page.getByRole("heading", { level: 1, name: "Customer moved to another account" })).toBeVisible();
    await expect(page.getByRole("status").first()).toContainText(`to the new account E2E moved account`);
    await expect(page.getByRole("table", { name: "Customers of E2E moved account" })).toContainText(customer!.email);
    await expectNoSeriousA11yViolations(page, "the move's change page");
    await page.screenshot({ path: `${SHOTS}/8-moved.png`, fullPage: true });
    await page.getByRole("button", { name: "Undo the move" }).click();
    await expect(page.getByRole("status").filter({ hasText: `Back in ${account.name} (#${account.id})` })).toBeVisible();
    await expect(page.getByText("The account of this change no longer exists.")).toBeVisible();
  } finally {
    await manager.close();
  }
});

test("an administrator's Undo in the audit log says a merge undone already cannot be undone again", async ({ browser }) => {
  const admin = await signedInContext(browser, "admin");
  try {
    const page = await admin.newPage();
    await page.goto("/system/audit-log?f_action=account.merge");
    const row = page.getByRole("row").filter({ hasText: "Accounts merged" }).first();
    await expect(row).toBeVisible();
    await row.getByRole("button", { name: /^Undo/ }).click();
    await expect(page.getByRole("alert").filter({ hasText: "This change has been undone already." })).toBeVisible();
    await expectNoSeriousA11yViolations(page, "the audit log with Undo");
    await page.screenshot({ path: `${SHOTS}/6-audit-log.png`, fullPage: true });
  } finally {
    await admin.close();
  }
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
