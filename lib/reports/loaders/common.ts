import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { ReportFilters } from "@/lib/periods/filters";
import { inLocalDays } from "@/lib/periods/time-zones";
import { queryRows } from "@/db/rows";

// What every report module shares: "as of" times and the filters as SQL conditions.

/**
 * How fresh a report's figures are. Rollup and RFM reports: the oldest refresh among the channels
 * shown (the honest bound for a sum over several). Live reports read the synced tables directly,
 * so they are as fresh as the last finished sync. Null when nothing was ever refreshed or synced.
 */
export async function reportAsOf(db: Db, kind: "daily_sales" | "rfm" | "live", channelId: number | null): Promise<Date | null> {
  const channel = channelId === null ? sql`` : sql` AND channel_id = ${channelId}`;
  const [row] =
    kind === "live"
      ? await queryRows<{ at: unknown }>(
          db,
          sql`SELECT max(finished_at) AS at FROM sync_runs WHERE status IN ('succeeded', 'partial')${channel}`,
        )
      : await queryRows<{ at: unknown }>(
          db,
          sql`
        SELECT min(r.refreshed_at) AS at FROM report_refresh r JOIN channels ch ON ch.id = r.channel_id
        WHERE r.kind = ${kind} AND ch.deleting_at IS NULL${channelId === null ? sql`` : sql` AND r.channel_id = ${channelId}`}`,
        );
  const at = row?.at;
  if (at === null || at === undefined) return null;
  const date =
    at instanceof Date
      ? at
      : new Date(
          String(at)
            .replace(" ", "T")
            .replace(/([+-]\d{2})$/, "$1:00"),
        );
  return Number.isNaN(date.getTime()) ? null : date;
}

/** `<column> within the range's days` (a timestamptz column), the local days of `zone` (its store's). */
export function inRange(column: SQL, zone: SQL, f: ReportFilters): SQL {
  return inLocalDays(column, zone, f.range);
}

/** Channel and website conditions (either may be absent). */
export function channelWebsite(f: ReportFilters, channelColumn: SQL, websiteColumn: SQL): SQL {
  const parts: SQL[] = [sql`true`];
  if (f.channelId !== null) parts.push(sql`${channelColumn} = ${f.channelId}`);
  if (f.websiteId !== null) parts.push(sql`${websiteColumn} = ${f.websiteId}`);
  return sql.join(parts, sql` AND `);
}

/** The one currency of the rows shown, or null when they mix several (charts then show plain numbers). */
export function singleCurrency(codes: readonly (string | null)[]): string | null {
  const set = new Set(codes.filter((c): c is string => !!c));
  return set.size === 1 ? [...set][0]! : null;
}

export const text = (value: unknown): string => (value === null || value === undefined ? "0" : String(value));
