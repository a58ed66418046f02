import { formatDecimal, formatMoney } from "@/lib/format/money";

// How chart values read. Values arrive as decimal strings (money stays exact in text: tooltips
// and the screen-reader table use the one money formatter); only positions on the drawing use
// Number(), where a rounding error of a pixel is harmless.

export type ValueFormat = "money" | "count" | "percent";

/** A value as people read it in a tooltip or a table cell. */
export function formatValue(value: string | null, format: ValueFormat, currency: string | null | undefined): string {
  if (value === null) return "—";
  if (format === "money") return formatMoney(value, currency ?? null);
  if (format === "percent") return `${formatDecimal(roundTo(value, 1))}%`;
  return formatDecimal(value);
}

/** A short axis label: "$12k", "1.2M", "35%". Axis ticks are drawing positions, so floats are fine. */
export function formatTick(value: number, format: ValueFormat, currency: string | null | undefined): string {
  if (format === "percent") return `${trim(value)}%`;
  const abs = Math.abs(value);
  const [n, suffix] = abs >= 1e9 ? [value / 1e9, "B"] : abs >= 1e6 ? [value / 1e6, "M"] : abs >= 1e3 ? [value / 1e3, "k"] : [value, ""];
  const text = `${trim(n)}${suffix}`;
  if (format !== "money") return text;
  const symbol = currencySymbol(currency);
  return text.startsWith("-") ? `-${symbol}${text.slice(1)}` : `${symbol}${text}`;
}

function trim(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function roundTo(value: string, digits: number): string {
  const n = Number(value);
  return Number.isFinite(n) ? n.toFixed(digits) : value;
}

const SYMBOLS = new Map<string, string>();

function currencySymbol(currency: string | null | undefined): string {
  const code = (currency ?? "").toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) return "";
  let symbol = SYMBOLS.get(code);
  if (symbol === undefined) {
    try {
      symbol = new Intl.NumberFormat("en-US", { style: "currency", currency: code }).formatToParts(0).find((p) => p.type === "currency")?.value ?? "";
    } catch {
      symbol = "";
    }
    SYMBOLS.set(code, symbol);
  }
  return symbol;
}

/** Series colours: distinguishable for common colour-vision deficiencies (Okabe–Ito based), ≥ 3:1 on white. */
export const SERIES_COLORS = ["#3b55e6", "#d55e00", "#009e73", "#cc79a7", "#0072b2", "#8a6d00", "#56595c"];
