import { utcDate, type DayRange } from "@/lib/dates";

// The named date ranges every date filter offers (grid date columns, reports, the dashboard): one
// list, one label each, one meaning each. Days are calendar days ("YYYY-MM-DD"); "today" is the
// caller's, read in whatever zone the page counts days in.

export const DATE_PRESETS = [
  "today",
  "last_7_days",
  "last_30_days",
  "last_90_days",
  "this_month",
  "last_month",
  "this_quarter",
  "last_quarter",
  "this_year",
  "last_year",
] as const;
export type DatePreset = (typeof DATE_PRESETS)[number];

/** A range given by its own first and last day rather than by a preset (reports' "Custom"). */
export const CUSTOM_RANGE = "custom";
export type DateRangeChoice = DatePreset | typeof CUSTOM_RANGE;
export const DATE_RANGE_CHOICES: readonly DateRangeChoice[] = [...DATE_PRESETS, CUSTOM_RANGE];

export const DATE_RANGE_LABELS: Record<DateRangeChoice, string> = {
  today: "Today",
  last_7_days: "Last 7 days",
  last_30_days: "Last 30 days",
  last_90_days: "Last 90 days",
  this_month: "This month",
  last_month: "Last month",
  this_quarter: "This quarter",
  last_quarter: "Last quarter",
  this_year: "This year",
  last_year: "Last year",
  custom: "Custom",
};

// Spellings the grids wrote before the list was shared: bookmarks, shared links and saved
// segments still carry them, so they are read as their preset (and written back canonically).
const OLD_SPELLINGS: Readonly<Record<string, DatePreset>> = { last7: "last_7_days", last30: "last_30_days" };

/** The preset a URL value names (canonical spelling or an old one), else null. */
export function parseDatePreset(text: string | null | undefined): DatePreset | null {
  if (!text) return null;
  if ((DATE_PRESETS as readonly string[]).includes(text)) return text as DatePreset;
  return Object.hasOwn(OLD_SPELLINGS, text) ? OLD_SPELLINGS[text]! : null;
}

/** The inclusive days a preset means on `today` ("YYYY-MM-DD"). */
export function presetRange(preset: DatePreset, today: string): DayRange {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7)) - 1;
  const d = Number(today.slice(8, 10));
  const q = Math.floor(m / 3) * 3;
  switch (preset) {
    case "today":
      return { from: today, to: today };
    case "last_7_days":
      return { from: utcDate(y, m, d - 6), to: today };
    case "last_30_days":
      return { from: utcDate(y, m, d - 29), to: today };
    case "last_90_days":
      return { from: utcDate(y, m, d - 89), to: today };
    case "this_month":
      return { from: utcDate(y, m, 1), to: today };
    case "last_month":
      return { from: utcDate(y, m - 1, 1), to: utcDate(y, m, 0) };
    case "this_quarter":
      return { from: utcDate(y, q, 1), to: today };
    case "last_quarter":
      return { from: utcDate(y, q - 3, 1), to: utcDate(y, q, 0) };
    case "this_year":
      return { from: utcDate(y, 0, 1), to: today };
    case "last_year":
      return { from: utcDate(y - 1, 0, 1), to: utcDate(y - 1, 11, 31) };
  }
}
