// Exact global-currency sums for tests: Σ base amount × base_to_global_rate with integers only,
// rounded once to numeric(20,4) as the portal stores lifetime values.

/** An exact decimal (JSON number or text) as an integer of 10^-`scale` units. */
function scaled(value: unknown, scale: number): bigint {
  const [whole = "0", fraction = ""] = String(value).split(".");
  const negative = whole.startsWith("-");
  const units = BigInt(`${whole.replace("-", "")}${fraction.padEnd(scale, "0").slice(0, scale)}`);
  return negative ? -units : units;
}

/** Σ amount × rate rounded half away from zero to numeric(20,4) text, as the stored global totals are. */
export function globalText(parts: [amount: unknown, rate: unknown][]): string {
  // amount to 4 places × rate to 8 places = 12 places, rounded to 4.
  const sum = parts.reduce((acc, [amount, rate]) => acc + scaled(amount, 4) * scaled(rate, 8), 0n);
  const abs = sum < 0n ? -sum : sum;
  const rounded = (abs + 50_000_000n) / 100_000_000n;
  const text = rounded.toString().padStart(5, "0");
  return `${sum < 0n && rounded > 0n ? "-" : ""}${text.slice(0, -4)}.${text.slice(-4)}`;
}
