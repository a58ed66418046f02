import { z } from "zod";
import { addDays, dayIn, lastDayOfMonth, parseDay, rangeLength, toDay, utcDate, type DayRange } from "@/lib/dates";
import { CUSTOM_RANGE, DATE_RANGE_LABELS, parseDatePreset, presetRange, type DateRangeChoice } from "@/lib/date-presets";
import { firstValue, isCalendarDay, readParams, type SearchParamsInput } from "@/lib/url-state";

// The filters the dashboard and every report share: a date range (a preset or custom from/to),
// a channel and a website, all held in the URL. Days are calendar days ("YYYY-MM-DD") of the stores'
// own time zones, the days the rollups are keyed by; "today" is read in the scope's zone
// (lib/reports/time-zones.ts scopeTimeZone).

export const DEFAULT_PRESET = "last_30_days" satisfies DateRangeChoice;

export const BUCKETS = ["day", "week", "month"] as const;
export type Bucket = (typeof BUCKETS)[number];

export type ReportFilters = {
  preset: DateRangeChoice;
  range: DayRange;
  /** The period just before `range`, for "change vs previous period". */
  previous: DayRange;
  bucket: Bucket;
  /** Whether the bucket came from the URL (else chosen from the range's length). */
  bucketExplicit: boolean;
  channelId: number | null;
  websiteId: number | null;
};

const ID = /^[1-9]\d{0,15}$/;
const optionalId = z.string().regex(ID).transform(Number);

// Each parameter on its own: anything unreadable falls back to the default rather than failing the
// page, so a stale bookmark still opens the dashboard.
const PARAMS = {
  range: z.string().transform(parseRangeChoice),
  from: z.string().refine(isCalendarDay),
  to: z.string().refine(isCalendarDay),
  bucket: z.enum(BUCKETS),
  channel: optionalId,
  website: optionalId,
};

/** A `range` value: a preset (old spellings too) or "custom"; anything else is dropped. */
function parseRangeChoice(text: string): DateRangeChoice | undefined {
  return text === CUSTOM_RANGE ? CUSTOM_RANGE : (parseDatePreset(text) ?? undefined);
}

/**
 * A calendar period starting `unitMonths` × k months back, to the same point as `to` within it
 * (clamped to the period's end): "this month until the 17th" compares with "last month until the 17th".
 */
function shiftMonths(range: DayRange, months: number): DayRange {
  const shift = (day: string, clampToEnd: boolean): string => {
    const d = parseDay(day);
    const total = d.getUTCFullYear() * 12 + d.getUTCMonth() - months;
    const year = Math.floor(total / 12);
    const month = total - year * 12;
    const last = lastDayOfMonth(year, month);
    const dom =
      clampToEnd && d.getUTCDate() === lastDayOfMonth(d.getUTCFullYear(), d.getUTCMonth()) ? last : Math.min(d.getUTCDate(), last);
    return utcDate(year, month, dom);
  };
  return { from: shift(range.from, false), to: shift(range.to, true) };
}

/**
 * The period to compare with: calendar presets go back one month / quarter / year (to the same
 * point in it); rolling and custom ranges take the same number of days just before.
 */
export function previousRange(preset: DateRangeChoice, range: DayRange): DayRange {
  switch (preset) {
    case "this_month":
    case "last_month":
      return shiftMonths(range, 1);
    case "this_quarter":
    case "last_quarter":
      return shiftMonths(range, 3);
    case "this_year":
    case "last_year":
      return shiftMonths(range, 12);
    default: {
      const n = rangeLength(range);
      return { from: addDays(range.from, -n), to: addDays(range.from, -1) };
    }
  }
}

/** Day buckets up to a month, weeks up to half a year, months beyond. */
export function defaultBucket(range: DayRange): Bucket {
  const n = rangeLength(range);
  if (n <= 31) return "day";
  if (n <= 183) return "week";
  return "month";
}

// A custom range longer than this is cut (five years of days is plenty for a chart).
const MAX_RANGE_DAYS = 5 * 366;

/**
 * Reads the filters from a page's searchParams (or a URLSearchParams); presets end on `now`'s day in
 * `timeZone` (the scope's, see scopeTimeZone; UTC by default).
 */
export function parseReportFilters(input: SearchParamsInput, now: Date = new Date(), timeZone = "UTC"): ReportFilters {
  const p = readParams(PARAMS, input);
  const today = timeZone === "UTC" ? toDay(now) : dayIn(now, timeZone);
  const wanted: DateRangeChoice = p.range ?? (p.from && p.to ? CUSTOM_RANGE : DEFAULT_PRESET);
  let preset: DateRangeChoice = wanted;
  let range: DayRange;
  if (wanted !== "custom") {
    range = presetRange(wanted, today);
  } else if (p.from && p.to) {
    const [from, to] = p.from <= p.to ? [p.from, p.to] : [p.to, p.from];
    range = { from: rangeLength({ from, to }) > MAX_RANGE_DAYS ? addDays(to, -(MAX_RANGE_DAYS - 1)) : from, to };
  } else {
    // "custom" without both days: the default range rather than an error page.
    preset = DEFAULT_PRESET;
    range = presetRange(DEFAULT_PRESET, today);
  }
  return {
    preset,
    range,
    previous: previousRange(preset, range),
    bucket: p.bucket ?? defaultBucket(range),
    bucketExplicit: p.bucket !== undefined,
    channelId: p.channel ?? null,
    websiteId: p.website ?? null,
  };
}

/** A part of the link the dashboard or a report could not use, and what it shows instead. */
export type FilterNotice = { param: string; message: string };

/**
 * What parseReportFilters could not use from the link, in words, as the grids say it (unknown
 * channels and websites need the database: lib/periods/time-zones.ts zonedReportFilters).
 */
export function reportFilterNotices(input: SearchParamsInput, filters: ReportFilters): FilterNotice[] {
  const raw = (key: string) => {
    const value = input instanceof URLSearchParams ? (input.get(key) ?? undefined) : firstValue(input[key]);
    return value === "" ? undefined : value;
  };
  const clip = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);
  const days = `${filters.range.from} – ${filters.range.to}`;
  const shown = filters.preset === CUSTOM_RANGE ? days : `${DATE_RANGE_LABELS[filters.preset]} (${days})`;
  const notices: FilterNotice[] = [];
  const range = raw("range");
  if (range !== undefined && parseRangeChoice(range) === undefined) {
    notices.push({
      param: "range",
      message: `Date range "${clip(range)}" is not one of the choices; showing ${DATE_RANGE_LABELS[filters.preset]}.`,
    });
  }
  const from = raw("from");
  const to = raw("to");
  const rangeIsPreset = range !== undefined && range !== CUSTOM_RANGE && parseRangeChoice(range) !== undefined;
  if (!rangeIsPreset) {
    const bad = (["from", "to"] as const).filter((key) => {
      const value = key === "from" ? from : to;
      return value !== undefined && !isCalendarDay(value);
    });
    for (const key of bad) {
      notices.push({ param: key, message: `"${clip((key === "from" ? from : to)!)}" is not a date (${key}); showing ${shown}.` });
    }
    if (
      bad.length === 0 &&
      (range === CUSTOM_RANGE || from !== undefined || to !== undefined) &&
      (from === undefined || to === undefined)
    ) {
      notices.push({
        param: from === undefined ? "from" : "to",
        message: `A custom range needs both a from and a to day; showing ${shown}.`,
      });
    }
    if (bad.length === 0 && from !== undefined && to !== undefined) {
      if (from > to) {
        notices.push({ param: "to", message: `The range ended (${to}) before it started (${from}); showing ${days}.` });
      } else if (filters.range.from !== from) {
        notices.push({ param: "from", message: `The range is longer than five years; showing ${days}.` });
      }
    }
  }
  const bucket = raw("bucket");
  if (bucket !== undefined && !(BUCKETS as readonly string[]).includes(bucket)) {
    notices.push({ param: "bucket", message: `Group by "${clip(bucket)}" is not day, week or month; showing ${filters.bucket}.` });
  }
  const channel = raw("channel");
  if (channel !== undefined && !ID.test(channel)) {
    notices.push({ param: "channel", message: `Channel "${clip(channel)}" is not a channel id; showing every channel.` });
  }
  const website = raw("website");
  if (website !== undefined && !ID.test(website)) {
    notices.push({ param: "website", message: `Website "${clip(website)}" is not a website id; showing every website.` });
  }
  return notices;
}

/** The URL query for filters (what links and the filter form write); defaults left out. */
export function filtersToSearchParams(
  f: Pick<ReportFilters, "preset" | "range" | "channelId" | "websiteId"> & { bucket?: Bucket | null },
): URLSearchParams {
  const q = new URLSearchParams();
  if (f.preset !== DEFAULT_PRESET) q.set("range", f.preset);
  if (f.preset === "custom") {
    q.set("from", f.range.from);
    q.set("to", f.range.to);
  }
  if (f.bucket) q.set("bucket", f.bucket);
  if (f.channelId !== null) q.set("channel", String(f.channelId));
  if (f.websiteId !== null) q.set("website", String(f.websiteId));
  return q;
}

/** The first day of the bucket a day falls in (weeks start on Monday, as ISO weeks do). */
export function bucketStart(day: string, bucket: Bucket): string {
  const d = parseDay(day);
  if (bucket === "day") return day;
  if (bucket === "month") return utcDate(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const dow = (d.getUTCDay() + 6) % 7;
  return addDays(day, -dow);
}

/** Every bucket start from range.from to range.to, so charts show empty buckets as zero. */
export function bucketStarts(range: DayRange, bucket: Bucket): string[] {
  const out: string[] = [];
  let cur = bucketStart(range.from, bucket);
  while (cur <= range.to) {
    out.push(cur);
    if (bucket === "day") cur = addDays(cur, 1);
    else if (bucket === "week") cur = addDays(cur, 7);
    else {
      const d = parseDay(cur);
      cur = utcDate(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    }
  }
  return out;
}
