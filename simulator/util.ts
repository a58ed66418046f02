// Small shared helpers: Magento's date format, money in integer cents, ids.

/** "YYYY-MM-DD HH:MM:SS" in UTC, as Magento sends entity timestamps. */
export function formatDate(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 19).replace("T", " ");
}

/** Epoch seconds of a "YYYY-MM-DD HH:MM:SS" (UTC) string. */
export function parseDate(text: string): number {
  return Math.floor(Date.parse(`${text.replace(" ", "T")}Z`) / 1000);
}

/** Integer cents to a JSON number with at most 2 decimals (19.99, never 19.990000000000002). */
export function money(cents: number): number {
  return Math.round(cents) / 100;
}

/** Rounds a cent amount computed with a factor (half away from zero, as PHP's round does). */
export function roundCents(value: number): number {
  return value < 0 ? -Math.round(-value) : Math.round(value);
}

export function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

/** Magento's sequence: store 1 → "000000042", other stores prefix the store id ("2000000042"). */
export function incrementId(storeId: number, sequence: number): string {
  return `${storeId === 1 ? "" : String(storeId)}${pad(sequence, 9)}`;
}

export function stripAccents(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ß/g, "ss");
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
