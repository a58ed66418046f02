// The one date formatter. Times are stored as timestamptz and shown in the viewer's zone
// (UTC until per-user time zones arrive with user preferences).

const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

export function formatDateTime(value: Date | string | null | undefined, timeZone = "UTC"): string {
  if (value === null || value === undefined) return "—";
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return "—";
  let formatter = FORMATTERS.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "numeric",
      month: "short",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      timeZoneName: "short",
    });
    FORMATTERS.set(timeZone, formatter);
  }
  return formatter.format(date);
}

const TIME_FORMATTERS = new Map<string, Intl.DateTimeFormat>();

/** The time of day only ("14:05 CET"), for moments within the next hours such as a lock's end. */
export function formatTime(value: Date | string | null | undefined, timeZone = "UTC"): string {
  if (value === null || value === undefined) return "—";
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return "—";
  let formatter = TIME_FORMATTERS.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
    TIME_FORMATTERS.set(timeZone, formatter);
  }
  return formatter.format(date);
}
