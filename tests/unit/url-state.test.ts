import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DATE_PRESETS, DATE_RANGE_CHOICES, DATE_RANGE_LABELS, parseDatePreset } from "@/lib/date-presets";
import { parseReportFilters } from "@/lib/periods/filters";
import { isCalendarDay, readParams, searchParamsOf } from "@/lib/url-state";

// The one reader of page state in the URL and the one list of date presets: a stale or hand-edited
// link opens the page with what can be read, and old preset spellings mean what they meant.

const NOW = new Date("2026-05-17T15:30:00Z");

describe("URL state", () => {
  it("keeps each readable parameter and drops the others without throwing", () => {
    const fields = { page: z.coerce.number().int().positive(), day: z.string().refine(isCalendarDay), kind: z.enum(["a", "b"]) };
    expect(readParams(fields, { page: ["2", "9"], day: "2024-02-29", kind: "c", other: "x" })).toEqual({ page: 2, day: "2024-02-29" });
    expect(readParams(fields, { page: "", day: "2023-02-29", kind: ["b"] })).toEqual({ kind: "b" });
    expect(readParams(fields, new URLSearchParams("page=-1&day=9999-99-99&kind=a&kind=b"))).toEqual({ kind: "a" });
  });

  it("reads a query string with repeated keys as a page's searchParams", () => {
    expect(searchParamsOf("?f_status=a&f_status=b&q=jo%20e")).toEqual({ f_status: ["a", "b"], q: "jo e" });
    expect(searchParamsOf("")).toEqual({});
  });

  it("names each preset once, with a label, and reads the grids' old spellings as the same preset", () => {
    expect(DATE_RANGE_CHOICES).toEqual([...DATE_PRESETS, "custom"]);
    for (const choice of DATE_RANGE_CHOICES) expect(DATE_RANGE_LABELS[choice]).toMatch(/^[A-Z]/);
    expect(parseDatePreset("last7")).toBe("last_7_days");
    expect(parseDatePreset("last30")).toBe("last_30_days");
    expect(parseDatePreset("last_90_days")).toBe("last_90_days");
    expect(parseDatePreset("custom")).toBeNull();
    expect(parseDatePreset("toString")).toBeNull();
  });

  it("gives a report link with an old spelling the same range as the new one", () => {
    expect(parseReportFilters({ range: "last7" }, NOW)).toEqual(parseReportFilters({ range: "last_7_days" }, NOW));
    expect(parseReportFilters({ range: "last30", channel: "2" }, NOW)).toMatchObject({ preset: "last_30_days", channelId: 2 });
  });
});
