import { describe, expect, it } from "vitest";
import { splitByMonths } from "@/lib/reports/grids/products";

// The products report reads whole months from the monthly rollup and the other days from the daily
// one: every day of the range exactly once.

describe("splitByMonths", () => {
  it("keeps a range inside one month that starts after the 1st as days", () => {
    expect(splitByMonths({ from: "2026-11-03", to: "2026-11-26" })).toEqual({
      days: [{ from: "2026-11-03", to: "2026-11-26" }],
      months: null,
      partial: null,
    });
    expect(splitByMonths({ from: "2026-02-02", to: "2026-02-28" })).toEqual({
      days: [{ from: "2026-02-02", to: "2026-02-28" }],
      months: null,
      partial: null,
    });
  });

  it("takes a whole month as a month, and a month to date as a partial month", () => {
    expect(splitByMonths({ from: "2026-02-01", to: "2026-02-28" })).toEqual({
      days: [],
      months: { from: "2026-02-01", until: "2026-03-01" },
      partial: null,
    });
    expect(splitByMonths({ from: "2024-02-01", to: "2024-02-29" })).toEqual({
      days: [],
      months: { from: "2024-02-01", until: "2024-03-01" },
      partial: null,
    });
    expect(splitByMonths({ from: "2026-11-01", to: "2026-11-26" })).toEqual({
      days: [],
      months: null,
      partial: { month: "2026-11-01", to: "2026-11-26", until: "2026-12-01" },
    });
  });

  it("splits a long range into leading days, whole months and the last month to date", () => {
    expect(splitByMonths({ from: "2025-12-31", to: "2026-11-26" })).toEqual({
      days: [{ from: "2025-12-31", to: "2025-12-31" }],
      months: { from: "2026-01-01", until: "2026-11-01" },
      partial: { month: "2026-11-01", to: "2026-11-26", until: "2026-12-01" },
    });
    expect(splitByMonths({ from: "2026-01-01", to: "2026-12-31" })).toEqual({
      days: [],
      months: { from: "2026-01-01", until: "2027-01-01" },
      partial: null,
    });
    expect(splitByMonths({ from: "2025-12-15", to: "2026-01-31" })).toEqual({
      days: [{ from: "2025-12-15", to: "2025-12-31" }],
      months: { from: "2026-01-01", until: "2026-02-01" },
      partial: null,
    });
  });

  it("splits the last 30 days into the previous month's days and this month to date", () => {
    expect(splitByMonths({ from: "2026-10-28", to: "2026-11-26" })).toEqual({
      days: [{ from: "2026-10-28", to: "2026-10-31" }],
      months: null,
      partial: { month: "2026-11-01", to: "2026-11-26", until: "2026-12-01" },
    });
  });
});
