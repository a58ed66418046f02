import { formatDecimal, formatMoney, formatMoneyTick } from "@/lib/format/money";

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
  if (format === "money") return formatMoneyTick(value, currency);
  const abs = Math.abs(value);
  const [n, suffix] = abs >= 1e9 ? [value / 1e9, "B"] : abs >= 1e6 ? [value / 1e6, "M"] : abs >= 1e3 ? [value / 1e3, "k"] : [value, ""];
  return `${trim(n)}${suffix}`;
}

function trim(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function roundTo(value: string, digits: number): string {
  const n = Number(value);
  return Number.isFinite(n) ? n.toFixed(digits) : value;
}

/** Series colours: distinguishable for common colour-vision deficiencies (Okabe–Ito based), ≥ 3:1 on white. */
export const SERIES_COLORS = ["#3b55e6", "#d55e00", "#009e73", "#cc79a7", "#0072b2", "#8a6d00", "#56595c"];
