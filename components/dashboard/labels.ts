import type { Bucket } from "@/lib/periods/filters";

const DAY = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
const MONTH = new Intl.DateTimeFormat("en-US", { month: "short", year: "numeric", timeZone: "UTC" });

/** "Nov 3" for a day or the week starting that Monday, "Nov 2026" for a month. */
export function bucketLabel(start: string, bucket: Bucket): string {
  const d = new Date(`${start}T00:00:00Z`);
  if (bucket === "month") return MONTH.format(d);
  return bucket === "week" ? `Week of ${DAY.format(d)}` : DAY.format(d);
}

/** "4 min ago", "3 h ago", "2 days ago" — how old a figure is ("not yet" when there is none). */
export function ago(at: Date | null, now: Date = new Date()): string {
  if (at === null) return "not yet";
  const minutes = Math.max(0, Math.round((now.getTime() - at.getTime()) / 60_000));
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

const ACTIVE = new Set(["running", "queued"]);

/** A channel's last run in words: "succeeded", "sync running", "not synced yet". */
export function runStatusLabel(status: string | null): string {
  if (status === null) return "not synced yet";
  if (status === "running") return "sync running";
  if (status === "queued") return "sync starting";
  return status;
}

/** How old a channel's data is, saying so when a sync is running (never "as of never"). */
export function dataAsOf(lastSuccessAt: Date | null, lastRunStatus: string | null, now: Date = new Date()): string {
  const running = lastRunStatus !== null && ACTIVE.has(lastRunStatus);
  if (lastSuccessAt === null) return running ? "Data not synced yet: the first sync is running" : "Data not synced yet";
  return `Data as of ${ago(lastSuccessAt, now)}${running ? "; a sync is running" : ""}`;
}

/** How fresh the dashboard's figures are: the oldest refresh, or why there is none yet. */
export function figuresAsOf(oldest: Date | null, syncRunning: boolean, now: Date = new Date()): string {
  if (oldest) return `As of ${ago(oldest, now)}`;
  return syncRunning ? "Not computed yet: the first sync is running" : "Not computed yet (after the first sync)";
}

/** Whether a run status means a sync is under way. */
export function isSyncActive(status: string | null): boolean {
  return status !== null && ACTIVE.has(status);
}
