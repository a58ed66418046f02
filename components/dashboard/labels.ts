import type { Bucket } from "@/lib/periods/filters";

const DAY = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
const MONTH = new Intl.DateTimeFormat("en-US", { month: "short", year: "numeric", timeZone: "UTC" });

/** "Nov 3" for a day or the week starting that Monday, "Nov 2026" for a month. */
export function bucketLabel(start: string, bucket: Bucket): string {
  const d = new Date(`${start}T00:00:00Z`);
  if (bucket === "month") return MONTH.format(d);
  return bucket === "week" ? `Week of ${DAY.format(d)}` : DAY.format(d);
}

/** "4 min ago", "3 h ago", "2 days ago" — how old a figure is. */
export function ago(at: Date | null, now: Date = new Date()): string {
  if (at === null) return "never";
  const minutes = Math.max(0, Math.round((now.getTime() - at.getTime()) / 60_000));
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}
