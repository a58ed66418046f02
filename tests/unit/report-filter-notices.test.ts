import { describe, expect, it } from "vitest";
import { parseReportFilters, reportFilterNotices } from "@/lib/periods/filters";

// The dashboard and the reports say what they could not use from their link, as the grids do:
// an unknown range, an impossible day, a range that ends before it starts, a malformed id.

const NOW = new Date("2026-05-17T15:30:00Z");
const notices = (params: Record<string, string>) => {
  const filters = parseReportFilters(params, NOW);
  return { filters, messages: reportFilterNotices(params, filters).map((n) => n.message) };
};

describe("reportFilterNotices", () => {
  it("a clean link (or none) has nothing to say", () => {
    expect(notices({}).messages).toEqual([]);
    expect(notices({ range: "last_7_days", bucket: "week", channel: "3" }).messages).toEqual([]);
    expect(notices({ range: "custom", from: "2026-01-01", to: "2026-01-31" }).messages).toEqual([]);
  });

  it("an impossible day (2025-02-30) is named, and the default range shown instead", () => {
    const { filters, messages } = notices({ range: "custom", from: "2025-02-30", to: "2025-03-10" });
    expect(messages).toEqual(['"2025-02-30" is not a date (from); showing Last 30 days (2026-04-18 – 2026-05-17).']);
    expect(filters.range).toEqual({ from: "2026-04-18", to: "2026-05-17" });
  });

  it("a range that ends before it starts is turned round, and says so", () => {
    const { filters, messages } = notices({ from: "2026-03-31", to: "2026-03-01" });
    expect(filters.range).toEqual({ from: "2026-03-01", to: "2026-03-31" });
    expect(messages).toEqual(["The range ended (2026-03-01) before it started (2026-03-31); showing 2026-03-01 – 2026-03-31."]);
  });

  it("an unknown range name, bucket or a malformed channel or website id", () => {
    expect(notices({ range: "forever" }).messages).toEqual(['Date range "forever" is not one of the choices; showing Last 30 days.']);
    expect(notices({ bucket: "year" }).messages).toEqual(['Group by "year" is not day, week or month; showing day.']);
    expect(notices({ channel: "abc", website: "-1" }).messages).toEqual([
      'Channel "abc" is not a channel id; showing every channel.',
      'Website "-1" is not a website id; showing every website.',
    ]);
  });

  it("a range longer than five years is cut, and says where it starts now", () => {
    const { filters, messages } = notices({ from: "2000-01-01", to: "2026-01-01" });
    expect(messages).toEqual([`The range is longer than five years; showing ${filters.range.from} – 2026-01-01.`]);
  });

  it("a custom range without both days", () => {
    expect(notices({ range: "custom", from: "2026-01-01" }).messages).toEqual([
      "A custom range needs both a from and a to day; showing Last 30 days (2026-04-18 – 2026-05-17).",
    ]);
  });
});
