import { getDb } from "@/db/client";
import type { SessionUser } from "@/lib/auth/session";
import { safeTimeZone } from "@/lib/grid/query";
import { parseReportFilters } from "@/lib/reports/filters";
import { reportFilterOptions } from "@/lib/reports/reports/options";
import type { SearchParams } from "@/lib/grid/params";
import { getPreferences } from "@/lib/users/preferences";

/** What every report page reads first: its filters, the filter bar's choices, the viewer's time zone. */
export async function reportContext(user: SessionUser, params: SearchParams) {
  const db = await getDb();
  const [options, preferences] = await Promise.all([reportFilterOptions(db), getPreferences(db, user.id)]);
  return { filters: parseReportFilters(params), options, timeZone: safeTimeZone(preferences.timeZone) };
}
