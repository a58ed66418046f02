import "server-only";
import { sql } from "drizzle-orm";
import { getReadDb, type Db } from "@/db/client";
import { listChannels, type ChannelOption } from "@/lib/channels/options";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { queryRows } from "@/db/rows";
import { getPreferences, type GridPreference } from "@/lib/users/preferences";
import { clientDefinition, displayRow, humanizeCode, type ClientDefinition, type DisplayRow } from "@/lib/grid/display";
import { gridQueryString, parseGridState, type SearchParams } from "@/lib/grid/params";
import { listSegmentOptions, segmentConditionFor } from "@/lib/segments/apply";
import { zonedReportFilters } from "@/lib/periods/time-zones";
import { safeTimeZone } from "@/lib/dates";
import { distinctValues, gridFrom, gridWhere, loadGridPage, type GridConditions } from "@/lib/grid/sql";
import { timedRead } from "@/lib/grid/timeout";
import type { ChoiceOption, GridDefinition, GridNotice, GridScope, GridState } from "@/lib/grid/types";

// Everything one grid page shows, read for one user: URL state, the page of rows, the user's
// column and page-size choices, the options of "distinct" choice filters and the channels.

export type SegmentOption = { id: number; name: string };

export interface GridView {
  state: GridState;
  notices: GridNotice[];
  rows: DisplayRow[];
  total: number;
  totalCapped: boolean;
  /** False when the grid (within its scope) holds no rows at all, whatever the filters. */
  hasRows: boolean;
  channels: ChannelOption[];
  /** Segments of this grid's entity the user may apply (empty for other grids). */
  segments: SegmentOption[];
  preference: GridPreference;
  timeZone: string;
  client: ClientDefinition;
}

// Distinct values scan a whole table; they change slowly, so each is kept for a minute per
// database (a WeakMap: test databases come and go).
const OPTIONS_TTL_MS = 60_000;
const optionsCache = new WeakMap<Db, Map<string, { at: number; values: Promise<string[]> }>>();

function cachedDistinct(
  db: Db,
  definition: GridDefinition,
  columnId: string,
  channelId: number | null,
  scope: GridScope | null,
  report: GridState["report"],
) {
  let perDb = optionsCache.get(db);
  if (!perDb) optionsCache.set(db, (perDb = new Map()));
  const range = report ? `${report.range.from}..${report.range.to}:${report.websiteId ?? "*"}` : "";
  const key = `${definition.id}:${columnId}:${channelId ?? "*"}:${scope ? `${scope.sql}${scope.in ? ` in ${scope.in}` : ""}=${scope.value}` : ""}:${range}`;
  const hit = perDb.get(key);
  if (hit && Date.now() - hit.at < OPTIONS_TTL_MS && !definition.liveOptions) return hit.values;
  const values = distinctValues(db, definition, columnId, channelId, scope, report);
  perDb.set(key, { at: Date.now(), values });
  values.catch(() => perDb.delete(key));
  return values;
}

/**
 * Reads one grid page for a user who may read the grid (view_sales unless the grid says), on the
 * reads pool: a statement past QUERY_TIMEOUT_SECONDS throws QueryTimeoutError (lib/grid/timeout.ts).
 */
export async function loadGridView(
  user: SessionUser | null,
  definition: GridDefinition,
  searchParams: SearchParams,
  options: { scope?: GridScope | null; db?: Db } = {},
): Promise<GridView> {
  requirePermission(user, definition.permission ?? "view_sales");
  return timedRead(readGridView(user, definition, searchParams, options.db ?? (await getReadDb()), options.scope ?? null));
}

async function readGridView(
  user: SessionUser,
  definition: GridDefinition,
  searchParams: SearchParams,
  db: Db,
  scope: GridScope | null,
): Promise<GridView> {
  const parsed = parseGridState(definition, searchParams);
  let notices = [...parsed.notices];
  const preferences = await getPreferences(db, user);
  const preference = preferences.grids[definition.id] ?? {};
  const timeZone = safeTimeZone(preferences.timeZone);
  // The remembered page size applies when the URL names none.
  const state: GridState =
    searchParams.size === undefined && preference.pageSize
      ? { ...parsed.state, pageSize: preference.pageSize as GridState["pageSize"] }
      : { ...parsed.state };
  // Report grids: "today" and the presets in the scope's zone, as the report's charts read them.
  if (state.report) {
    state.report = (await zonedReportFilters(db, searchParams)).filters;
    // The report page says what its link could not use (a channel that does not exist is dropped
    // there): its grid shows the same scope and does not say it again.
    if (state.report.channelId === null) state.channelId = null;
    notices = notices.filter((n) => n.param !== "channel");
  }
  const segment =
    state.segmentId && definition.segmentEntity ? await segmentConditionFor(db, user, definition, state.segmentId, timeZone) : null;
  if (segment && !segment.ok) notices.push({ param: "segment", message: segment.error });
  const conditions: GridConditions = { scope, extra: segment?.ok ? [segment.condition] : [] };
  if (segment && !segment.ok) state.segmentId = null;

  const distinctColumns = definition.columns.filter((c) => c.options === "distinct");
  const [page, channels, optionLists, segments] = await Promise.all([
    loadGridPage(db, definition, state, timeZone, conditions),
    listChannels(db),
    // Options for every distinct column (the filter menu offers all of them), cached.
    Promise.all(distinctColumns.map((c) => cachedDistinct(db, definition, c.id, state.channelId, scope, state.report))),
    definition.segmentEntity && !scope ? listSegmentOptions(db, user, definition.segmentEntity) : Promise.resolve([]),
  ]);
  const choiceOptions: Record<string, ChoiceOption[]> = {};
  distinctColumns.forEach((c, i) => {
    const status = c.badge ?? c.id === "status";
    choiceOptions[c.id] = optionLists[i]!.map((value) => ({
      value,
      label: c.optionLabel ? c.optionLabel(value) : status ? humanizeCode(value) : value,
    }));
  });

  let hasRows = page.total > 0;
  if (!hasRows) {
    const [row] = await queryRows<{ any: unknown }>(
      db,
      sql`
      SELECT EXISTS (SELECT 1 FROM ${gridFrom(definition, state)} WHERE ${gridWhere(definition, { ...state, filters: {}, q: null, channelId: null, segmentId: null }, timeZone, { scope })}) AS any`,
    );
    hasRows = row?.any === true || row?.any === "t";
  }
  if (page.rows.length === 0 && page.total > 0 && state.page > 1) {
    const last = Math.max(1, Math.ceil(page.total / state.pageSize));
    notices.push({
      param: "page",
      message: `Page ${state.page.toLocaleString("en-US")} is past the last page (${last.toLocaleString("en-US")}${page.totalCapped ? "+" : ""}).`,
    });
  }
  if (state.channelId !== null && !channels.some((c) => c.id === state.channelId)) {
    notices.push({ param: "channel", message: `There is no channel ${state.channelId}; nothing matches it.` });
  }

  return {
    state,
    notices,
    rows: page.rows.map((row) => displayRow(definition, row, timeZone, scope ? "" : gridQueryString(definition, state))),
    total: page.total,
    totalCapped: page.totalCapped,
    hasRows,
    channels,
    segments,
    preference,
    timeZone,
    client: clientDefinition(definition, choiceOptions),
  };
}
