// The one money formatter. Amounts arrive as decimal strings (numeric in Postgres) and are
// formatted digit by digit: no float ever touches a displayed amount. Intl supplies only the
// currency's symbol, its position and its number of decimals.

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

type CurrencyShape = { prefix: string; suffix: string; negativePrefix: string; negativeSuffix: string; digits: number };
const SHAPES = new Map<string, CurrencyShape | null>();

function shapeOf(currency: string): CurrencyShape | null {
  if (SHAPES.has(currency)) return SHAPES.get(currency)!;
  let shape: CurrencyShape | null = null;
  if (/^[A-Z]{3}$/.test(currency)) {
    try {
      const format = new Intl.NumberFormat("en-US", { style: "currency", currency });
      // Split the formatted -1 / 1 around the number itself to learn where the symbol and sign go.
      const around = (n: number) => {
        const parts = format.formatToParts(n);
        const first = parts.findIndex((p) => p.type === "integer");
        let last = first;
        while (last + 1 < parts.length && ["integer", "group", "decimal", "fraction"].includes(parts[last + 1]!.type)) last++;
        return {
          prefix: parts
            .slice(0, first)
            .map((p) => p.value)
            .join(""),
          suffix: parts
            .slice(last + 1)
            .map((p) => p.value)
            .join(""),
        };
      };
      const positive = around(1);
      const negative = around(-1);
      shape = {
        prefix: positive.prefix,
        suffix: positive.suffix,
        negativePrefix: negative.prefix,
        negativeSuffix: negative.suffix,
        digits: format.resolvedOptions().maximumFractionDigits ?? 2,
      };
    } catch {
      shape = null;
    }
  }
  SHAPES.set(currency, shape);
  return shape;
}

function group(integer: string): string {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Rounds a decimal string to `digits` places, half away from zero (as Magento displays). */
export function roundDecimal(value: string, digits: number): { negative: boolean; integer: string; fraction: string } | null {
  const m = DECIMAL.exec(value.trim());
  if (!m) return null;
  const negative = m[1] === "-";
  const fractionIn = (m[3] ?? "").padEnd(digits + 1, "0");
  const kept = BigInt(`${m[2]}${fractionIn.slice(0, digits)}`);
  const rounded = fractionIn.charCodeAt(digits) >= "5".charCodeAt(0) ? kept + BigInt(1) : kept;
  const text = rounded.toString().padStart(digits + 1, "0");
  const integer = text.slice(0, text.length - digits).replace(/^0+(?=\d)/, "");
  const fraction = digits > 0 ? text.slice(text.length - digits) : "";
  const isZero = /^0*$/.test(integer + fraction);
  return { negative: negative && !isZero, integer, fraction };
}

/**
 * Beside an amount whose currency Magento did not give: a bare "12.00" reads as whatever currency
 * the viewer expects, so the amount says it is not known rather than the portal guessing one.
 */
export const UNKNOWN_CURRENCY_HINT = "(currency unknown)";

/**
 * "1234.5" + "USD" → "$1,234.50"; "-3.456" + "EUR" → "-€3.46"; a code without a symbol → "XYZ 12.00";
 * not a code → "12.00 ABCD"; no currency at all → "12.00 (currency unknown)", except a zero, which
 * reads the same in every currency (a customer without orders has no lifetime currency): "0.00".
 */
export function formatMoney(amount: string | number | null | undefined, currency: string | null | undefined): string {
  if (amount === null || amount === undefined || amount === "") return "—";
  const text = typeof amount === "number" ? String(amount) : amount;
  const code = (currency ?? "").trim().toUpperCase();
  const shape = code ? shapeOf(code) : null;
  const parts = roundDecimal(text, shape?.digits ?? 2);
  if (!parts) return text;
  const number = `${group(parts.integer)}${parts.fraction ? `.${parts.fraction}` : ""}`;
  if (!shape) {
    const isZero = /^[0,.]*$/.test(number);
    return `${parts.negative ? "-" : ""}${number}${code ? ` ${code}` : isZero ? "" : ` ${UNKNOWN_CURRENCY_HINT}`}`;
  }
  return parts.negative ? `${shape.negativePrefix}${number}${shape.negativeSuffix}` : `${shape.prefix}${number}${shape.suffix}`;
}

/**
 * A short axis label for charts: "$12k", "-€1.5M", "300" (no currency). Ticks are drawing
 * positions, not amounts anyone reads to the cent, so a float is fine here; the symbol and its
 * side come from the same place as formatMoney's.
 */
export function formatMoneyTick(value: number, currency: string | null | undefined): string {
  const abs = Math.abs(value);
  const [n, suffix] = abs >= 1e9 ? [abs / 1e9, "B"] : abs >= 1e6 ? [abs / 1e6, "M"] : abs >= 1e3 ? [abs / 1e3, "k"] : [abs, ""];
  const number = `${String(Math.round(n * 10) / 10)}${suffix}`;
  const negative = value < 0 && number !== "0";
  const code = (currency ?? "").trim().toUpperCase();
  const shape = code ? shapeOf(code) : null;
  if (!shape) return `${negative ? "-" : ""}${number}`;
  return negative ? `${shape.negativePrefix}${number}${shape.negativeSuffix}` : `${shape.prefix}${number}${shape.suffix}`;
}

/** Plain numbers (counts, quantities) from decimal strings: grouped, trailing zeros dropped. */
export function formatDecimal(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  const m = DECIMAL.exec(String(value).trim());
  if (!m) return String(value);
  const fraction = (m[3] ?? "").replace(/0+$/, "");
  return `${m[1] ?? ""}${group(m[2]!.replace(/^0+(?=\d)/, ""))}${fraction ? `.${fraction}` : ""}`;
}
