import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { presetRange } from "@/lib/date-presets";
import { dayIn, safeTimeZone } from "@/lib/dates";
import { inLocalDays } from "@/lib/periods/time-zones";
import { queryRows } from "@/db/rows";
import { filterKindOf } from "./params";
import type { FilterValue, GridColumn, GridDefinition, GridScope, GridState } from "./types";

// Grid state → SQL. Only the definition's own SQL (constants of ours) is spliced in as text;
// every value from the URL is a bound parameter. Sorting always ends with the row id, so pages
// never overlap or skip rows that share a value.

/** Counts stop here: deep pages stay fast and the page says "10,000+". */
export const COUNT_CAP = 10_000;

export type GridRow = { id: string; values: Record<string, unknown> };

export interface GridPage {
  rows: GridRow[];
  /** Matching rows, exact up to COUNT_CAP. */
  total: number;
  totalCapped: boolean;
}

const IDENTIFIER = /^[a-z][a-z0-9_]*$/;

/** Checks a definition once (column ids become SQL aliases). */
export function assertDefinition(definition: GridDefinition): GridDefinition {
  for (const column of definition.columns) {
    if (!IDENTIFIER.test(column.id)) throw new Error(`Grid ${definition.id}: column id "${column.id}" must match ${IDENTIFIER}`);
    // An amount without its currency is how "0.00" reached users; every money column names one.
    if (column.kind === "money" && !column.currencySql)
      throw new Error(`Grid ${definition.id}: money column "${column.id}" needs a currencySql`);
  }
  if (!definition.columns.some((c) => c.id === definition.defaultSort.column)) {
    throw new Error(`Grid ${definition.id}: default sort column "${definition.defaultSort.column}" is not a column`);
  }
  return definition;
}

function likeEscape(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

function filterCondition(column: GridColumn, filter: FilterValue, timeZone: string): SQL | null {
  const expr = sql.raw(column.sql);
  switch (filter.kind) {
    case "text": {
      if (filter.op === "equals") return sql`lower(${expr}) = lower(${filter.value})`;
      const pattern = filter.op === "starts" ? `${likeEscape(filter.value)}%` : `%${likeEscape(filter.value)}%`;
      // lower(col) LIKE lower(…): a `lower(col) text_pattern_ops` index serves "starts with".
      return sql`lower(${expr}) LIKE lower(${pattern})`;
    }
    case "choice":
      return sql`${expr} IN (${sql.join(
        filter.values.map((value) => sql`${value}`),
        sql`, `,
      )})`;
    case "number": {
      const parts: SQL[] = [];
      if (filter.min !== null) parts.push(sql`${expr} >= ${filter.min}::numeric`);
      if (filter.max !== null) parts.push(sql`${expr} <= ${filter.max}::numeric`);
      return parts.length ? sql.join(parts, sql` AND `) : null;
    }
    case "date": {
      const startOf = (day: SQL) => sql`((${day})::timestamp AT TIME ZONE ${timeZone})`;
      // A preset is its days as of today in the viewer's zone, as the filter panel names them.
      const days = filter.preset ? presetRange(filter.preset, dayIn(new Date(), timeZone)) : filter;
      const from = days.from ? startOf(sql`${days.from}::date`) : null;
      const until = days.to ? startOf(sql`${days.to}::date + 1`) : null; // exclusive
      const parts: SQL[] = [];
      if (from) parts.push(sql`${expr} >= ${from}`);
      if (until) parts.push(sql`${expr} < ${until}`);
      return parts.length ? sql.join(parts, sql` AND `) : null;
    }
    case "boolean":
      return sql`${expr} = ${filter.value}`;
  }
}

/** Extra fixed conditions beside the URL state: a page's scope, an export's selected ids. */
export interface GridConditions {
  /** `<scope.sql> = scope.value`, e.g. one customer's orders on the customer's page (see GridScope). */
  scope?: GridScope | null;
  /** Only these row ids (digits only; anything else is dropped). */
  ids?: readonly string[] | null;
  /** Conditions resolved on the server beside the URL, e.g. a saved segment's (lib/segments). */
  extra?: readonly SQL[];
}

/** The grid's FROM clause: the definition's constant one, or a report's built from its filters. */
export function gridFrom(definition: GridDefinition, state: Pick<GridState, "report">): SQL {
  if (definition.report?.from) {
    if (!state.report) throw new Error(`Grid ${definition.id} needs the report filters in its state`);
    return definition.report.from(state.report);
  }
  return sql.raw(definition.from);
}

/** A report's date range (inclusive store-local days) and website as conditions on the grid's rows. */
function reportConditions(definition: GridDefinition, state: GridState): SQL[] {
  const report = definition.report;
  if (!report || !state.report) return [];
  const parts: SQL[] = [];
  if (report.dateSql) {
    parts.push(inLocalDays(sql.raw(report.dateSql), sql.raw(report.zoneSql ?? "'UTC'"), state.report.range));
  }
  if (state.report.websiteId !== null) {
    if (report.websiteCondition) parts.push(sql`(${report.websiteCondition(state.report.websiteId)})`);
    else if (report.websiteSql) parts.push(sql`${sql.raw(report.websiteSql)} = ${state.report.websiteId}`);
  }
  return parts;
}

const COLUMN_REFERENCE = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

/** A scope's SQL is ours, but it is checked anyway: it may only name a column. */
export function assertScope(scope: GridScope): GridScope {
  if (!COLUMN_REFERENCE.test(scope.sql)) throw new Error(`Grid scope "${scope.sql}" must be a column reference like o.customer_id`);
  if (typeof scope.value === "number" ? !Number.isFinite(scope.value) : scope.value.length > 200)
    throw new Error("Grid scope value is not usable");
  return scope;
}

/** A scope as a condition: `<column> = value`, or the column among an account's customers. */
export function scopeCondition(scope: GridScope): SQL {
  const checked = assertScope(scope);
  const column = sql.raw(checked.sql);
  // By the account's own index (magento_customers_account_idx), then the column's customer index.
  if (checked.in === "account") return sql`${column} IN (SELECT ac.id FROM magento_customers ac WHERE ac.account_id = ${checked.value})`;
  return sql`${column} = ${checked.value}`;
}

/** At most this many ids in a selection (a URL holds no more anyway). */
export const MAX_SELECTED_IDS = 1_000;

/** Parses "1,2,3" (or repeated values) into row ids; non-numeric parts are dropped. */
export function parseIds(raw: string | string[] | undefined | null): string[] {
  if (!raw) return [];
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(",")).map((v) => v.trim());
  return [...new Set(values.filter((v) => /^\d{1,18}$/.test(v)))].slice(0, MAX_SELECTED_IDS);
}

/** The channel filter's condition: the grid's own for rows spanning channels, else its channel column's. */
function channelMatch(definition: GridDefinition, channelId: number): SQL {
  return definition.channelCondition
    ? sql`(${definition.channelCondition(channelId)})`
    : sql`${sql.raw(definition.channelSql)} = ${channelId}`;
}

/** The WHERE condition of a state (base condition, scope, channel, search, filters). */
export function gridWhere(definition: GridDefinition, state: GridState, timeZone: string, conditions: GridConditions = {}): SQL {
  const parts: SQL[] = [sql.raw(`(${definition.where})`)];
  if (conditions.scope) {
    parts.push(scopeCondition(conditions.scope));
  }
  if (conditions.ids) {
    const ids = conditions.ids.filter((id) => /^\d{1,18}$/.test(id));
    // An empty selection matches nothing rather than everything.
    parts.push(
      ids.length
        ? sql`${sql.raw(definition.idSql)} IN (${sql.join(
            ids.map((id) => sql`${id}::bigint`),
            sql`, `,
          )})`
        : sql`false`,
    );
  }
  if (state.channelId !== null) parts.push(channelMatch(definition, state.channelId));
  parts.push(...reportConditions(definition, state));
  for (const extra of conditions.extra ?? []) parts.push(sql`(${extra})`);
  if (state.q) {
    const searchable = definition.columns.filter((c) => c.searchable);
    const pattern = `${likeEscape(state.q)}%`;
    const matches = searchable.map((c) => sql`lower(${sql.raw(c.sql)}) LIKE lower(${pattern})`);
    if (definition.searchAlso) matches.push(definition.searchAlso.condition(pattern));
    if (matches.length) parts.push(sql`(${sql.join(matches, sql` OR `)})`);
  }
  const columns = new Map(definition.columns.map((c) => [c.id, c]));
  for (const [id, filter] of Object.entries(state.filters)) {
    const column = columns.get(id);
    if (!column || filterKindOf(column) !== filter.kind) continue;
    const condition = filterCondition(column, filter, timeZone);
    if (condition) parts.push(sql`(${condition})`);
  }
  return sql.join(parts, sql` AND `);
}

export function gridOrderBy(definition: GridDefinition, state: GridState): SQL {
  const column =
    definition.columns.find((c) => c.id === state.sort.column && c.sortable !== false) ??
    definition.columns.find((c) => c.id === definition.defaultSort.column)!;
  const direction = column.id === state.sort.column ? state.sort.direction : definition.defaultSort.direction;
  const dir = direction === "desc" ? "DESC" : "ASC";
  return sql.raw(`${column.sql} ${dir} NULLS LAST, ${definition.idSql} ${dir}`);
}

/** SELECT list: the row id, every column, money currencies and cell links. */
export function gridSelectList(definition: GridDefinition): SQL {
  const items = [`${definition.idSql} AS "__id"`];
  for (const column of definition.columns) {
    items.push(`${column.sql} AS "${column.id}"`);
    if (column.currencySql) items.push(`${column.currencySql} AS "${column.id}__currency"`);
    if (column.hrefSql) items.push(`${column.hrefSql} AS "${column.id}__href"`);
  }
  return sql.raw(items.join(", "));
}

function toRow(raw: Record<string, unknown>): GridRow {
  const { __id, ...values } = raw;
  delete values.__total;
  return { id: String(__id), values };
}

/** The view's row count, counted no further than COUNT_CAP + 1 (the grid shows "10,000+" beyond). */
export const countQuery = (from: SQL, where: SQL) =>
  sql`SELECT count(*) AS n FROM (SELECT 1 FROM ${from} WHERE ${where} LIMIT ${COUNT_CAP + 1}) capped`;

/** One page of a grid and the (capped) count of matching rows. */
export async function loadGridPage(
  db: Db,
  definition: GridDefinition,
  state: GridState,
  timeZone = "UTC",
  conditions: GridConditions = {},
): Promise<GridPage> {
  const where = gridWhere(definition, state, safeTimeZone(timeZone), conditions);
  const from = gridFrom(definition, state);
  const offset = (state.page - 1) * state.pageSize;
  if (definition.report?.from) {
    // A report's FROM is an aggregate, computed whole whatever the page: one pass gives the page
    // and the count of its rows (the id-first form below, with its own count, aggregated it three
    // times). Past the last page there is no row to carry the count: then it is counted apart.
    const rows = await queryRows<Record<string, unknown>>(
      db,
      sql`
      SELECT ${gridSelectList(definition)}, count(*) OVER () AS "__total" FROM ${from} WHERE ${where}
      ORDER BY ${gridOrderBy(definition, state)} LIMIT ${state.pageSize} OFFSET ${offset}`,
    );
    const n =
      rows.length > 0
        ? Number(rows[0]!.__total)
        : offset === 0
          ? 0
          : Number((await queryRows<{ n: unknown }>(db, countQuery(from, where)))[0]?.n ?? 0);
    return { rows: rows.map(toRow), total: Math.min(n, COUNT_CAP), totalCapped: n > COUNT_CAP };
  }
  const [rows, counted] = await Promise.all([
    // The page's ids first (an index-only walk past the offset, joins the order doesn't need are
    // dropped), then the full rows of just those ids: deep pages don't read every skipped row.
    queryRows<Record<string, unknown>>(
      db,
      sql`
      SELECT ${gridSelectList(definition)} FROM ${from}
      WHERE ${sql.raw(definition.idSql)} IN (
        SELECT ${sql.raw(definition.idSql)} FROM ${from} WHERE ${where}
        ORDER BY ${gridOrderBy(definition, state)} LIMIT ${state.pageSize} OFFSET ${offset})
      ORDER BY ${gridOrderBy(definition, state)}`,
    ),
    queryRows<{ n: unknown }>(db, countQuery(from, where)),
  ]);
  const n = Number(counted[0]?.n ?? 0);
  return { rows: rows.map(toRow), total: Math.min(n, COUNT_CAP), totalCapped: n > COUNT_CAP };
}

/** The distinct values of a "distinct" choice column (for its filter), at most 200. */
export async function distinctValues(
  db: Db,
  definition: GridDefinition,
  columnId: string,
  channelId: number | null,
  scope: GridScope | null = null,
  report: GridState["report"] = null,
): Promise<string[]> {
  const column = definition.columns.find((c) => c.id === columnId);
  if (!column) return [];
  const channel = channelId === null ? sql`` : sql` AND ${channelMatch(definition, channelId)}`;
  const scoped = scope ? sql` AND ${scopeCondition(scope)}` : sql``;
  const rows = await queryRows<{ v: unknown }>(
    db,
    sql`
    SELECT DISTINCT ${sql.raw(column.sql)} AS v FROM ${gridFrom(definition, { report })}
    WHERE ${sql.raw(`(${definition.where})`)}${channel}${scoped} AND ${sql.raw(column.sql)} IS NOT NULL ORDER BY 1 LIMIT 200`,
  );
  return rows.map((r) => String(r.v));
}
