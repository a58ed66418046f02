import { describe, expect, it } from "vitest";
import { presetRange } from "@/lib/date-presets";
import { bucketStarts, filtersToSearchParams, parseReportFilters, previousRange } from "@/lib/periods/filters";

// Date presets, previous periods and the URL round trip of the dashboard / report filters.

const NOW = new Date("2026-05-17T15:30:00Z");

describe("report filters", () => {
  it("reads each preset as UTC days ending today", () => {
    expect(presetRange("today", "2026-05-17")).toEqual({ from: "2026-05-17", to: "2026-05-17" });
    expect(presetRange("last_7_days", "2026-05-17")).toEqual({ from: "2026-05-11", to: "2026-05-17" });
    expect(presetRange("last_30_days", "2026-05-17")).toEqual({ from: "2026-04-18", to: "2026-05-17" });
    expect(presetRange("last_90_days", "2026-05-17")).toEqual({ from: "2026-02-17", to: "2026-05-17" });
    expect(presetRange("this_month", "2026-05-17")).toEqual({ from: "2026-05-01", to: "2026-05-17" });
    expect(presetRange("last_month", "2026-05-17")).toEqual({ from: "2026-04-01", to: "2026-04-30" });
    expect(presetRange("this_quarter", "2026-05-17")).toEqual({ from: "2026-04-01", to: "2026-05-17" });
    expect(presetRange("last_quarter", "2026-05-17")).toEqual({ from: "2026-01-01", to: "2026-03-31" });
    expect(presetRange("this_year", "2026-05-17")).toEqual({ from: "2026-01-01", to: "2026-05-17" });
    expect(presetRange("last_year", "2026-05-17")).toEqual({ from: "2025-01-01", to: "2025-12-31" });
    expect(presetRange("last_quarter", "2026-02-03")).toEqual({ from: "2025-10-01", to: "2025-12-31" });
  });

  it("ends the presets on today in the store's time zone", () => {
    // 03:00 UTC on 6 December is still the 5th in Chicago and already the 6th in Berlin.
    const early = new Date("2026-12-06T03:00:00Z");
    expect(parseReportFilters({ range: "today" }, early, "America/Chicago").range).toEqual({ from: "2026-12-05", to: "2026-12-05" });
    expect(parseReportFilters({ range: "today" }, early, "Europe/Berlin").range).toEqual({ from: "2026-12-06", to: "2026-12-06" });
    expect(parseReportFilters({ range: "last_7_days" }, early, "America/Chicago").range).toEqual({ from: "2026-11-29", to: "2026-12-05" });
    expect(parseReportFilters({ range: "today" }, early).range).toEqual({ from: "2026-12-06", to: "2026-12-06" });
  });

  it("compares calendar presets with the same part of the previous month, quarter or year", () => {
    expect(previousRange("this_month", { from: "2026-03-01", to: "2026-03-31" })).toEqual({ from: "2026-02-01", to: "2026-02-28" });
    expect(previousRange("this_month", { from: "2026-03-01", to: "2026-03-17" })).toEqual({ from: "2026-02-01", to: "2026-02-17" });
    expect(previousRange("last_month", { from: "2026-02-01", to: "2026-02-28" })).toEqual({ from: "2026-01-01", to: "2026-01-31" });
    expect(previousRange("last_quarter", { from: "2026-01-01", to: "2026-03-31" })).toEqual({ from: "2025-10-01", to: "2025-12-31" });
    expect(previousRange("this_year", { from: "2024-01-01", to: "2024-02-29" })).toEqual({ from: "2023-01-01", to: "2023-02-28" });
    expect(previousRange("last_7_days", { from: "2026-05-11", to: "2026-05-17" })).toEqual({ from: "2026-05-04", to: "2026-05-10" });
    expect(previousRange("custom", { from: "2025-01-01", to: "2025-03-31" })).toEqual({ from: "2024-10-03", to: "2024-12-31" });
  });

  it("parses the URL with defaults for anything unreadable", () => {
    const f = parseReportFilters({ range: "nonsense", channel: "abc", website: "-1", bucket: "hour" }, NOW);
    expect(f).toMatchObject({
      preset: "last_30_days",
      range: { from: "2026-04-18", to: "2026-05-17" },
      channelId: null,
      websiteId: null,
      bucket: "day",
      bucketExplicit: false,
    });
    const custom = parseReportFilters(new URLSearchParams("range=custom&from=2025-03-31&to=2025-01-01&channel=2&bucket=week"), NOW);
    expect(custom).toMatchObject({
      preset: "custom",
      range: { from: "2025-01-01", to: "2025-03-31" },
      channelId: 2,
      bucket: "week",
      bucketExplicit: true,
    });
    expect(parseReportFilters({ range: "custom", from: "2025-02-30", to: "2025-03-01" }, NOW).preset).toBe("last_30_days");
    expect(parseReportFilters({ range: "this_year" }, NOW).bucket).toBe("week");
    expect(parseReportFilters({ range: "last_year" }, NOW).bucket).toBe("month");
    expect(filtersToSearchParams({ ...custom, bucket: "week" }).toString()).toBe(
      "range=custom&from=2025-01-01&to=2025-03-31&bucket=week&channel=2",
    );
  });

  it("falls back to the default range for impossible or malformed custom days instead of failing the page", () => {
    const now = new Date("2026-11-26T12:00:00Z");
    const fallback = parseReportFilters({}, now).range;
    for (const from of ["2024-13-45", "2024-02-30", "0000-00-00", "2024-1-1", "yesterday"]) {
      expect(parseReportFilters({ range: "custom", from, to: "2024-03-01" }, now).range).toEqual(fallback);
    }
  });

  it("lists every bucket of a range, weeks from Monday", () => {
    expect(bucketStarts({ from: "2026-05-13", to: "2026-05-26" }, "week")).toEqual(["2026-05-11", "2026-05-18", "2026-05-25"]);
    expect(bucketStarts({ from: "2025-11-15", to: "2026-02-01" }, "month")).toEqual([
      "2025-11-01",
      "2025-12-01",
      "2026-01-01",
      "2026-02-01",
    ]);
    expect(bucketStarts({ from: "2026-05-16", to: "2026-05-17" }, "day")).toEqual(["2026-05-16", "2026-05-17"]);
  });
});
