import { expect, type Download, type Locator, type Page } from "@playwright/test";
import { readFile } from "node:fs/promises";
import { formatCompactDateTime } from "../../lib/dates";
import { formatMoney } from "../../lib/format/money";

// Reading the workspace grid (components/data-grid) the way a person does: header labels, cell
// texts, the count line, the pager; and the CSV its Export link downloads.

export type GridRow = Record<string, string>;

/** The grid's table on the page (the one in <main>). */
export const gridTable = (page: Page): Locator => page.locator("main table").first();

/** Rows of the grid as { header label → cell text } (the selection column is left out). */
export async function readGrid(page: Page): Promise<GridRow[]> {
  const table = gridTable(page);
  if ((await table.count()) === 0) return [];
  return table.evaluate((element) => {
    const clean = (text: string | null) => (text ?? "").replace(/[▲▼↕]/g, "").replace(/\s+/g, " ").trim();
    const headers = [...element.querySelectorAll("thead th")].map((th) => clean(th.textContent));
    return [...element.querySelectorAll("tbody tr")].map((tr) => {
      const row: Record<string, string> = {};
      [...tr.querySelectorAll("td")].forEach((td, i) => {
        const header = headers[i];
        if (header) row[header] = clean(td.textContent);
      });
      return row;
    });
  });
}

/** The number in the count line ("1,500 orders", "12 orders match"). */
export async function gridCount(page: Page): Promise<number> {
  const text = (await page.getByTestId("grid-count").textContent()) ?? "";
  const m = /([\d,]+)/.exec(text);
  if (!m) throw new Error(`no count in "${text}"`);
  return Number(m[1]!.replace(/,/g, ""));
}

export async function expectCount(page: Page, expected: number, message?: string): Promise<void> {
  await expect.poll(() => gridCount(page), { message: message ?? "the grid's count of matching rows", timeout: 20_000 }).toBe(expected);
}

/** Waits for the grid to settle after a navigation (no pending transition). */
export async function settled(page: Page): Promise<void> {
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 20_000 });
}

/** Opens the filter editor of a column through the "+ Filter…" menu. */
export async function openFilter(page: Page, columnLabel: string): Promise<Locator> {
  await page.getByLabel("Add a filter").selectOption({ label: columnLabel });
  const form = page.getByRole("form", { name: `Filter by ${columnLabel}` });
  await expect(form).toBeVisible();
  return form;
}

/** Applies a choice filter (ticks the given options). */
export async function filterChoice(page: Page, columnLabel: string, optionLabels: string[]): Promise<void> {
  const form = await openFilter(page, columnLabel);
  for (const option of optionLabels) await form.getByRole("checkbox", { name: option, exact: true }).check();
  await form.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByRole("list", { name: "Active filters" })).toContainText(columnLabel);
  await settled(page);
}

/** Applies a date filter with a preset ("Last 30 days"). */
export async function filterDatePreset(page: Page, columnLabel: string, presetLabel: string): Promise<void> {
  const form = await openFilter(page, columnLabel);
  await form.getByLabel(`${columnLabel} period`).selectOption({ label: presetLabel });
  await form.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByRole("list", { name: "Active filters" })).toContainText(`${columnLabel}: ${presetLabel}`);
  await settled(page);
}

/** Applies a text filter ("starts with", "contains", "is exactly"). */
export async function filterText(
  page: Page,
  columnLabel: string,
  operator: "contains" | "starts with" | "is exactly",
  value: string,
): Promise<void> {
  const form = await openFilter(page, columnLabel);
  await form.getByLabel(`How ${columnLabel} matches`).selectOption({ label: operator });
  await form.getByLabel(columnLabel, { exact: true }).fill(value);
  await form.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByRole("list", { name: "Active filters" })).toContainText(value);
  await settled(page);
}

// ── CSV ──────────────────────────────────────────────────────────────────────────────────────

/** RFC 4180 records (quoted fields, doubled quotes, CRLF); a leading BOM is dropped. */
export function parseCsv(text: string): string[][] {
  const input = text.replace(/^\uFEFF/, "");
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!;
    if (quoted) {
      if (ch === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      record.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && input[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || record.length) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** Clicks the grid's Export link and returns the CSV as { header → value } rows. */
export async function exportView(page: Page): Promise<{ headers: string[]; rows: GridRow[]; filename: string }> {
  const link = page.getByRole("link", { name: /^Export view/ });
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  const text = await readDownload(download);
  const [headers = [], ...records] = parseCsv(text);
  return {
    headers,
    rows: records.map((values) => Object.fromEntries(headers.map((h, i) => [h, values[i] ?? ""]))),
    filename: download.suggestedFilename(),
  };
}

async function readDownload(download: Download): Promise<string> {
  const failure = await download.failure();
  if (failure) throw new Error(`the export download failed: ${failure}`);
  const file = await download.path();
  return readFile(file, "utf8");
}

// ── expected texts ───────────────────────────────────────────────────────────────────────────

/** Magento's "YYYY-MM-DD HH:MM:SS" (UTC) as a Date. */
export const magentoDate = (value: string): Date => new Date(`${value.replace(" ", "T")}Z`);

/** A date cell as the grid shows it, "2026-12-05 14:03" (users without a time zone setting see UTC). */
export const dateCell = (value: string | null | undefined): string => (value ? formatCompactDateTime(magentoDate(value), "UTC") : "—");

/** A money cell: the portal's one formatter over Magento's amount (a JSON number) and currency. */
export const moneyCell = (amount: number | string | null | undefined, currency: string | null | undefined): string =>
  amount === null || amount === undefined ? "—" : formatMoney(String(amount), currency ?? null);

/** CSV money: a plain decimal with at least two decimals ("92.20", "-5.00"). */
export function csvMoney(amount: number | string): string {
  const text = String(amount);
  const [integer, fraction = ""] = text.split(".");
  return `${integer}.${fraction.padEnd(2, "0")}`;
}

/** The first day of the "Last 30 days" preset, as Magento's text (UTC midnight). */
export function last30Start(): string {
  const now = new Date();
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 29));
  return `${start.toISOString().slice(0, 10)} 00:00:00`;
}
