import type { Db } from "@/db/client";

// The reports' queries as bench cases, for bench/reports.ts (owned by the dashboard's author): each
// case runs one report's server-side reads (chart/summary + first grid page) the way its page does.
// Filled in as the report modules land in lib/reports/reports/.

export type ReportCase = { key: string; label: string; run: () => Promise<unknown> };

export function reportCases(db: Db): ReportCase[] {
  void db;
  return [];
}
