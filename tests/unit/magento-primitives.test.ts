import { describe, expect, it } from "vitest";
import {
  dateOnly,
  dateTime,
  decimalFromNumber,
  formatMagentoDateTime,
  money,
  parseMagentoDateTime,
} from "@/lib/magento/schemas/primitives";

// Money and quantities arrive as JSON numbers and leave as exact decimal strings; timestamps
// arrive as UTC "YYYY-MM-DD HH:MM:SS" and leave as Dates.

describe("money", () => {
  it("turns JSON numbers into their shortest exact decimal text", () => {
    expect(money.parse(165)).toBe("165");
    expect(money.parse(19.99)).toBe("19.99");
    expect(money.parse(0.1)).toBe("0.1");
    expect(money.parse(358.8)).toBe("358.8");
    expect(money.parse(-3.2)).toBe("-3.2");
    expect(money.parse(-0)).toBe("0");
    // Arithmetic on floats would give 0.30000000000000004; the input is already that number.
    expect(money.parse(0.1 + 0.2)).toBe("0.30000000000000004");
  });

  it("spells out exponent notation", () => {
    expect(decimalFromNumber(1e21)).toBe("1000000000000000000000");
    expect(decimalFromNumber(1.5e-7)).toBe("0.00000015");
    expect(decimalFromNumber(-2.5e-7)).toBe("-0.00000025");
    expect(decimalFromNumber(1.234e22)).toBe("12340000000000000000000");
  });

  it("accepts only JSON numbers, as the contract types money (a string amount is reported)", () => {
    expect(money.safeParse("12.5000").success).toBe(false);
    expect(money.safeParse("12,50").success).toBe(false);
    expect(money.safeParse(null).success).toBe(false);
    expect(money.safeParse(Number.NaN).success).toBe(false);
  });
});

describe("dates", () => {
  it("reads Magento timestamps as UTC", () => {
    expect(dateTime.parse("2017-08-21 22:22:19").toISOString()).toBe("2017-08-21T22:22:19.000Z");
    expect(parseMagentoDateTime("2024-02-29 00:00:00")?.toISOString()).toBe("2024-02-29T00:00:00.000Z");
  });

  it("rejects impossible or zoned timestamps", () => {
    expect(parseMagentoDateTime("2023-02-29 00:00:00")).toBeNull();
    expect(parseMagentoDateTime("2017-08-21 24:00:00")).toBeNull();
    expect(parseMagentoDateTime("2017-08-21T22:22:19+02:00")).toBeNull();
    expect(dateTime.safeParse("yesterday").success).toBe(false);
  });

  it("writes dates back in Magento's format", () => {
    expect(formatMagentoDateTime(new Date("2017-08-21T22:22:19.999Z"))).toBe("2017-08-21 22:22:19");
  });

  it("keeps a date of birth as date text", () => {
    expect(dateOnly.parse("1973-12-15")).toBe("1973-12-15");
    expect(dateOnly.safeParse("1973-13-15").success).toBe(false);
  });
});
