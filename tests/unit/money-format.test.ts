import { describe, expect, it } from "vitest";
import { formatDecimal, formatMoney, formatMoneyTick, roundDecimal } from "@/lib/format/money";

// Money is formatted from the decimal string, digit by digit: what Magento stored is what shows.

describe("formatMoney", () => {
  it("formats with the currency's symbol, grouping and decimals", () => {
    expect(formatMoney("1234.5000", "USD")).toBe("$1,234.50");
    expect(formatMoney("-3.456", "EUR")).toBe("-€3.46");
    expect(formatMoney("12.5", "JPY")).toBe("¥13");
    expect(formatMoney("1000000.1234", "GBP")).toBe("£1,000,000.12");
    expect(formatMoney("0", "usd")).toBe("$0.00");
  });

  it("never loses digits to floating point", () => {
    expect(formatMoney("99999999999999.9949", "USD")).toBe("$99,999,999,999,999.99");
    expect(formatMoney("0.015", "USD")).toBe("$0.02");
    expect(formatMoney("1.005", "USD")).toBe("$1.01"); // 1.005 as a float rounds to 1.00
    expect(formatMoney("-0.004", "USD")).toBe("$0.00");
  });

  it("says so when the currency is unknown instead of showing a bare number", () => {
    expect(formatMoney("1.5", null)).toBe("1.50 (currency unknown)");
    expect(formatMoney("-1234.5", "")).toBe("-1,234.50 (currency unknown)");
    // A zero reads the same in every currency (a customer without orders has no lifetime currency).
    expect(formatMoney("0", undefined)).toBe("0.00");
    expect(formatMoney("0.00", "XYZW")).toBe("0.00 XYZW");
  });

  it("falls back plainly without a usable currency code or amount", () => {
    expect(formatMoney("1.5", "not a code")).toBe("1.50 NOT A CODE");
    expect(formatMoney("88", "XYZ")).toBe("XYZ\u00a088.00");
    expect(formatMoney(null, "USD")).toBe("—");
    expect(formatMoney("abc", "USD")).toBe("abc");
  });

  it("rounds half away from zero", () => {
    expect(roundDecimal("2.345", 2)).toEqual({ negative: false, integer: "2", fraction: "35" });
    expect(roundDecimal("-2.344", 2)).toEqual({ negative: true, integer: "2", fraction: "34" });
    expect(roundDecimal("9.999", 2)).toEqual({ negative: false, integer: "10", fraction: "00" });
  });
});

describe("formatMoneyTick", () => {
  it("puts the currency's symbol on short axis labels, and none when it is unknown", () => {
    expect(formatMoneyTick(12_300, "USD")).toBe("$12.3k");
    expect(formatMoneyTick(-1_500_000, "EUR")).toBe("-€1.5M");
    expect(formatMoneyTick(250, "GBP")).toBe("£250");
    expect(formatMoneyTick(-0.01, "USD")).toBe("$0");
    expect(formatMoneyTick(2_000_000_000, null)).toBe("2B");
  });
});

describe("formatDecimal", () => {
  it("groups and drops trailing zeros", () => {
    expect(formatDecimal("1234.5000")).toBe("1,234.5");
    expect(formatDecimal("3.0000")).toBe("3");
    expect(formatDecimal(7)).toBe("7");
    expect(formatDecimal(null)).toBe("—");
  });
});
