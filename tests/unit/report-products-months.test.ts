import { describe, expect, it } from "vitest";
import { splitByMonths } from "@/lib/grid/grids/report-products";

// The products report reads whole months from the monthly rollup and the other days from the daily
// one: every day of the range exactly once.

describe("splitByMonths", () => {
  it("keeps a range inside one month as days", () => {
    expect(splitByMonths({ from: "2026-11-03", to: "2026-11-26" })).toEqual({ months: null, days: [{ from: "2026-11-03", to: "2026-11-26" }] });
    expect(splitByMonths({ from: "2026-11-01", to: "2026-11-29" })).toEqual({ months: null, days: [{ from: "2026-11-01", to: "2026-11-29" }] });
  });

  it("takes a whole month alone as a month", () => {
    expect(splitByMonths({ from: "2026-02-01", to: "2026-02-28" })).toEqual({ months: { from: "2026-02-01", until: "2026-03-01" }, days: [] });
    expect(splitByMonths({ from: "2024-02-01", to: "2024-02-29" })).toEqual({ months: { from: "2024-02-01", until: "2024-03-01" }, days: [] });
  });

  it("splits a long range into leading days, whole months and trailing days", () => {
    expect(splitByMonths({ from: "2025-12-31", to: "2026-11-26" })).toEqual({
      months: { from: "2026-01-01", until: "2026-11-01" },
      days: [{ from: "2025-12-31", to: "2025-12-31" }, { from: "2026-11-01", to: "2026-11-26" }],
    });
    expect(splitByMonths({ from: "2026-01-01", to: "2026-12-31" })).toEqual({ months: { from: "2026-01-01", until: "2027-01-01" }, days: [] });
  });

  it("keeps two partial months that hold no whole one as days", () => {
    expect(splitByMonths({ from: "2026-10-28", to: "2026-11-26" })).toEqual({ months: null, days: [{ from: "2026-10-28", to: "2026-11-26" }] });
  });
});
