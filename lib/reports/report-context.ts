import "server-only";
import { getDb } from "@/db/client";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { safeTimeZone } from "@/lib/dates";
import { zonedReportFilters } from "@/lib/periods/time-zones";
import { reportFilterOptions } from "@/lib/reports/loaders/options";
import type { SearchParams } from "@/lib/url-state";
import { getPreferences } from "@/lib/users/preferences";

/**
 * What every report page reads first: its filters (days in the stores' zone, storeZone), the filter
 * bar's choices, the viewer's own time zone (for "as of" times).
 */
export async function reportContext(user: SessionUser | null, params: SearchParams) {
  requirePermission(user, "view_sales");
  const db = await getDb();
  const [options, preferences, zoned] = await Promise.all([
    reportFilterOptions(db),
    getPreferences(db, user),
    zonedReportFilters(db, params),
  ]);
  return { filters: zoned.filters, storeZone: zoned.zone, notices: zoned.notices, options, timeZone: safeTimeZone(preferences.timeZone) };
}
