import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { DbTx } from "@/db/client";
import type { DayRange } from "@/lib/dates";
import { parseReportFilters, reportFilterNotices, type FilterNotice, type ReportFilters } from "@/lib/periods/filters";
import { queryRows } from "@/db/rows";
import type { SearchParamsInput } from "@/lib/url-state";

// Store-local days (issue 16): a store's orders, carts and credit memos count on the calendar day of
// its own time zone (Magento's store config `timezone`, synced into magento_stores.timezone), the way
// Magento admin's reports count them. A row whose store is unknown counts on its UTC day.
// magento_stores.timezone holds only zones Postgres knows (the stores connector and migration 0019
// clear anything else), so `AT TIME ZONE` on it cannot fail.

/** Zones are at most 14 hours from UTC; a UTC range this much wider holds every local day of it. */
const WIDEN = "interval '15 hours'";

/** The zone of the store joined as `storeAlias` (UTC when the store or its zone is unknown). */
export function storeZoneSql(storeAlias: string): SQL {
  return sql.raw(`coalesce(${storeAlias}.timezone, 'UTC')`);
}

/**
 * `column` (timestamptz) within the range's local days of `zone`: a UTC range 15 hours wider on
 * each side (so an index on the column still bounds the scan), then the local-day test, which only
 * rows within 15 hours of either end need: a row further inside is in the range in every zone, and
 * converting every row of a long range to its zone doubled the cost of a year's scan.
 */
export function inLocalDays(column: SQL, zone: SQL, range: DayRange): SQL {
  const from = sql`(${range.from}::date)::timestamp AT TIME ZONE 'UTC'`;
  const end = sql`(${range.to}::date + 1)::timestamp AT TIME ZONE 'UTC'`;
  return sql`${column} >= ${from} - ${sql.raw(WIDEN)} AND ${column} < ${end} + ${sql.raw(WIDEN)}
    AND ((${column} >= ${from} + ${sql.raw(WIDEN)} AND ${column} < ${end} - ${sql.raw(WIDEN)})
      OR (${column} AT TIME ZONE ${zone})::date BETWEEN ${range.from}::date AND ${range.to}::date)`;
}

/** SQL text literal of a zone name (names are checked against Postgres before they get here). */
function zoneLiteral(zone: string): string {
  if (!/^[A-Za-z0-9_+\-/]{1,64}$/.test(zone)) throw new TypeError(`Not a time zone name: ${zone}`);
  return `'${zone}'`;
}

/**
 * The zone of store `storeIdColumn`, spelled inline (one CASE over a channel's few stores): the
 * rollups evaluate it for every order of a full rebuild, where a join or subquery per row to
 * magento_stores would cost more than the day itself.
 */
export function storeZoneCase(storeIdColumn: SQL, zones: ReadonlyMap<number, string>): SQL {
  const whens = [...zones].filter(([, zone]) => zone !== "UTC").map(([id, zone]) => `WHEN ${Number(id)} THEN ${zoneLiteral(zone)}`);
  if (whens.length === 0) return sql.raw("'UTC'");
  return sql`(CASE ${storeIdColumn} ${sql.raw(whens.join(" "))} ELSE 'UTC' END)`;
}

/** The local day of `column` for a row of store `storeIdColumn` (see storeZoneCase). */
export function localDaySql(column: SQL, storeIdColumn: SQL, zones: ReadonlyMap<number, string>): SQL {
  return sql`(${column} AT TIME ZONE ${storeZoneCase(storeIdColumn, zones)})::date`;
}

/** Each store of a channel (or of every channel) with its zone (UTC when Magento gave none). */
export async function storeZones(db: Db | DbTx, channelId: number | null): Promise<Map<number, string>> {
  const rows = await queryRows<{ id: unknown; zone: string }>(
    db,
    sql`
    SELECT id, coalesce(timezone, 'UTC') AS zone FROM magento_stores
    WHERE ${channelId}::bigint IS NULL OR channel_id = ${channelId}`,
  );
  return new Map(rows.map((r) => [Number(r.id), r.zone]));
}

export type ScopeTimeZone = {
  /** The zone "today", presets and day labels are read in. */
  zone: string;
  /** The store view whose zone that is (null when no store is synced yet: UTC). */
  storeName: string | null;
  /** Every zone among the scope's stores; more than one: each store counts its own days. */
  zones: string[];
};

/**
 * The zone a dashboard or report scope reads its dates in: its stores' zone, or when they span
 * several, the zone of the first channel's first website (its first store view).
 */
export async function scopeTimeZone(db: Db, scope: { channelId: number | null; websiteId: number | null }): Promise<ScopeTimeZone> {
  const rows = await queryRows<{ name: string; zone: string }>(
    db,
    sql`
    SELECT s.name, coalesce(s.timezone, 'UTC') AS zone
    FROM magento_stores s JOIN channels ch ON ch.id = s.channel_id
    WHERE ch.deleting_at IS NULL AND s.origin_id <> 0 AND s.removed_at IS NULL
      AND (${scope.channelId}::bigint IS NULL OR s.channel_id = ${scope.channelId})
      AND (${scope.websiteId}::bigint IS NULL OR s.website_id = ${scope.websiteId})
    ORDER BY ch.name, ch.id, s.website_origin_id NULLS LAST, s.origin_id`,
  );
  const first = rows[0];
  return { zone: first?.zone ?? "UTC", storeName: first?.name ?? null, zones: [...new Set(rows.map((r) => r.zone))] };
}

/**
 * A page's report filters with "today" and the presets read in its scope's zone (parsing needs the
 * channel and website first, so the query is read twice; both are cheap).
 */
export async function zonedReportFilters(
  db: Db,
  params: SearchParamsInput,
  now: Date = new Date(),
): Promise<{ filters: ReportFilters; zone: ScopeTimeZone; notices: FilterNotice[] }> {
  const parsed = parseReportFilters(params, now);
  const scope = await knownScope(db, parsed);
  const utc = { ...parsed, ...scope.ids };
  const zone = await scopeTimeZone(db, utc);
  const filters = zone.zone === "UTC" ? utc : { ...parseReportFilters(params, now, zone.zone), ...scope.ids };
  return { filters, zone, notices: [...reportFilterNotices(params, filters), ...scope.notices] };
}

/**
 * The link's channel and website when they exist (a deleted channel, or an id from another
 * installation, is dropped with a notice rather than showing zeros under "All channels").
 */
async function knownScope(
  db: Db,
  filters: Pick<ReportFilters, "channelId" | "websiteId">,
): Promise<{ ids: Pick<ReportFilters, "channelId" | "websiteId">; notices: FilterNotice[] }> {
  // Only the two ids: the caller spreads them over filters read in the scope's zone.
  if (filters.channelId === null && filters.websiteId === null) return { ids: { channelId: null, websiteId: null }, notices: [] };
  const [row] = await queryRows<{ channel: unknown; website_channel: unknown }>(
    db,
    sql`
    SELECT EXISTS (SELECT 1 FROM channels WHERE id = ${filters.channelId} AND deleting_at IS NULL) AS channel,
      (SELECT w.channel_id FROM magento_websites w JOIN channels ch ON ch.id = w.channel_id
        WHERE w.id = ${filters.websiteId} AND ch.deleting_at IS NULL) AS website_channel`,
  );
  const ids = { channelId: filters.channelId, websiteId: filters.websiteId };
  const notices: FilterNotice[] = [];
  if (filters.channelId !== null && !(row?.channel === true || row?.channel === "t")) {
    ids.channelId = null;
    notices.push({ param: "channel", message: `There is no channel ${filters.channelId}; showing every channel.` });
  }
  const websiteChannel = row?.website_channel === null || row?.website_channel === undefined ? null : Number(row.website_channel);
  if (filters.websiteId !== null && websiteChannel === null) {
    ids.websiteId = null;
    notices.push({ param: "website", message: `There is no website ${filters.websiteId}; showing every website.` });
  } else if (filters.websiteId !== null && ids.channelId !== null && websiteChannel !== ids.channelId) {
    ids.websiteId = null;
    notices.push({
      param: "website",
      message: `Website ${filters.websiteId} is not one of channel ${ids.channelId}'s; showing the whole channel.`,
    });
  }
  return { ids, notices };
}
