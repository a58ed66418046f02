// Dates and time zones, for every layer: the one date formatter, the zone checks, and calendar
// days ("YYYY-MM-DD") with their arithmetic. Times are stored as timestamptz and shown in the
// viewer's zone (their preference, else UTC); report days are the store's days. Nothing here knows
// the domain or the database, so grids, reports and the sync can all import it.

/** A time zone Postgres and the browser both know, else UTC (a viewer's preference, a URL). */
export function safeTimeZone(timeZone: string | null | undefined): string {
  if (!timeZone || !/^[A-Za-z_+\-/0-9]{1,64}$/.test(timeZone)) return "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return timeZone;
  } catch {
    return "UTC";
  }
}

/**
 * Magento's store config time zone when it names a real zone, else null (its days count as UTC):
 * the reports use it in `AT TIME ZONE`, where an unknown name would fail every query of the store.
 */
export function knownZone(zone: string | null | undefined): string | null {
  if (typeof zone !== "string" || !/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(zone)) return null;
  try {
    // Its canonical name ("US/Central" → "America/Chicago"), which Postgres knows as well.
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

/** One Intl formatter per style and zone, made once (they are costly to create). */
function formatterFor(style: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${style}|${timeZone}`;
  let formatter = FORMATTERS.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-GB", { timeZone, ...options });
    FORMATTERS.set(key, formatter);
  }
  return formatter;
}

/** A Date from a Date or an ISO string; null for nothing or an invalid time. */
function dateOf(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const date = typeof value === "string" ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? null : date;
}

export function formatDateTime(value: Date | string | null | undefined, timeZone = "UTC"): string {
  const date = dateOf(value);
  if (!date) return "—";
  return formatterFor("datetime", timeZone, {
    year: "numeric",
    month: "short",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(date);
}

/**
 * A moment as "2026-12-05 14:03" in `timeZone`, without the zone's name: the grids' date cells,
 * where columns must stay narrow (the cell's title and the grid say the zone).
 */
export function formatCompactDateTime(value: Date | string | null | undefined, timeZone = "UTC"): string {
  const date = dateOf(value);
  if (!date) return "—";
  const formatter = formatterFor("compact", timeZone, {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const part = Object.fromEntries(formatter.formatToParts(date).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}`;
}

/** The short name of a zone at a moment ("UTC", "CET"), as formatDateTime writes it. */
export function zoneName(timeZone: string, at: Date = new Date()): string {
  const part = new Intl.DateTimeFormat("en-GB", { timeZone, timeZoneName: "short" })
    .formatToParts(at)
    .find((p) => p.type === "timeZoneName");
  return part?.value ?? timeZone;
}

/** The time of day only ("14:05 CET"), for moments within the next hours such as a lock's end. */
export function formatTime(value: Date | string | null | undefined, timeZone = "UTC"): string {
  const date = dateOf(value);
  if (!date) return "—";
  return formatterFor("time", timeZone, { hour: "2-digit", minute: "2-digit", timeZoneName: "short" }).format(date);
}

/** The exact instant in UTC ("2024-01-02 03:04:05 UTC"), e.g. for the title of a date cell. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** An inclusive range of calendar days ("YYYY-MM-DD"). */
export type DayRange = { from: string; to: string };

const MS_PER_DAY = 86_400_000;

/** The UTC midnight that starts calendar day `s` ("YYYY-MM-DD"). */
export function parseDay(s: string): Date {
  return new Date(`${s}T00:00:00.000Z`);
}

/** "YYYY-MM-DD" of `now` in `zone`. */
export function dayIn(now: Date, zone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

/** "YYYY-MM-DD" of `d` in UTC. */
export function toDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return toDay(new Date(parseDay(day).getTime() + n * MS_PER_DAY));
}

/** Number of days in an inclusive range. */
export function rangeLength(range: DayRange): number {
  return Math.round((parseDay(range.to).getTime() - parseDay(range.from).getTime()) / MS_PER_DAY) + 1;
}

/** The calendar day of Date.UTC(year, month, day): a month or day out of range rolls over (day 0 = the month before's last). */
export function utcDate(year: number, month: number, day: number): string {
  return toDay(new Date(Date.UTC(year, month, day)));
}

/** The last day of a month (0-based `month`, as Date counts them). */
export function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}
