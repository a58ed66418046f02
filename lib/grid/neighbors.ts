import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import { safeTimeZone } from "@/lib/dates";
import { COUNT_CAP, countQuery, gridFrom, gridOrderBy, gridWhere, type GridConditions } from "./sql";
import type { GridDefinition, GridState } from "./types";

// Prev / next on a detail page: the rows just before and after the record in the grid's current
// view (the same WHERE and ORDER BY as the grid, so the arrows walk exactly the rows the list showed).
//
// Keyset, never a pass over the whole set: the grid orders by `<col> <dir> NULLS LAST, <id> <dir>`
// (gridOrderBy), so "next" is the first row after the record's (value, id) in that order and
// "previous" the first in the exact reverse (`<col> <rev> NULLS FIRST, <id> <rev>`), each one
// `LIMIT 1` walk of the grid's sort index (forwards or backwards). NULL values sort after every
// value in both directions: after the last non-NULL row come the NULL rows, by id.
// The record's value is read in SQL (a one-row InitPlan by primary key), never round-tripped
// through JavaScript, so timestamps keep their microseconds and numerics their scale.

export interface GridNeighbors {
  previousId: string | null;
  nextId: string | null;
  /** 1-based place of the record in the view (exact up to COUNT_CAP); null when the filters leave it out. */
  position: number | null;
  /** Rows in the view, exact up to COUNT_CAP. */
  total: number;
  /** Present (true) only when more than COUNT_CAP rows come before the record: "10,000+". */
  positionCapped?: true;
  /** Present (true) only when the view has more than COUNT_CAP rows: "of 10,000+". */
  totalCapped?: true;
}

/** The grid's sort as gridOrderBy resolves it (an unknown or unsortable column → the default). */
function resolvedSort(definition: GridDefinition, state: GridState): { column: string; descending: boolean } {
  const column =
    definition.columns.find((c) => c.id === state.sort.column && c.sortable !== false) ??
    definition.columns.find((c) => c.id === definition.defaultSort.column)!;
  const direction = column.id === state.sort.column ? state.sort.direction : definition.defaultSort.direction;
  return { column: column.sql, descending: direction === "desc" };
}

export async function gridNeighbors(
  db: Db,
  definition: GridDefinition,
  state: GridState,
  currentId: number | string,
  timeZone = "UTC",
  /** Server-resolved conditions of the view (e.g. its saved segment's), as the grid applied them. */
  conditions: GridConditions = {},
): Promise<GridNeighbors> {
  const id = String(currentId);
  if (!/^\d{1,18}$/.test(id)) return { previousId: null, nextId: null, position: null, total: 0 };
  const where = gridWhere(definition, state, safeTimeZone(timeZone), conditions);
  const from = gridFrom(definition, state);
  const { column, descending } = resolvedSort(definition, state);
  const col = sql.raw(column);
  const rowId = sql.raw(definition.idSql);
  const currentKey = sql`${id}::bigint`;

  // The record itself, under the grid's WHERE (not in the view → no neighbours), and the view's
  // size, counted no further than the grid counts.
  const [[current], [counted]] = await Promise.all([
    queryRows<{ is_null: unknown }>(
      db,
      sql`
      SELECT (${col}) IS NULL AS is_null FROM ${from} WHERE ${where} AND ${rowId} = ${currentKey} LIMIT 1`,
    ),
    queryRows<{ n: unknown }>(db, countQuery(from, where)),
  ]);
  const n = Number(counted?.n ?? 0);
  if (!current) {
    return {
      previousId: null,
      nextId: null,
      position: null,
      total: Math.min(n, COUNT_CAP),
      ...(n > COUNT_CAP ? { totalCapped: true as const } : {}),
    };
  }
  const valueIsNull = current.is_null === true || current.is_null === "t";

  // The record's sort value, evaluated once by Postgres (an InitPlan) wherever it is used.
  const value = sql`(SELECT ${col} FROM ${from} WHERE ${rowId} = ${currentKey} LIMIT 1)`;
  // The grid's own ORDER BY (`<col> <dir> NULLS LAST, <id> <dir>`) and its exact reverse.
  const forward = gridOrderBy(definition, state);
  const rev = descending ? "ASC" : "DESC";
  const backward = sql.raw(`${column} ${rev} NULLS FIRST, ${definition.idSql} ${rev}`);
  // Strictly after / before (value, id) among non-NULL values, in the grid's direction.
  const [gt, ge, lt, le] = descending ? ["<", "<=", ">", ">="] : [">", ">=", "<", "<="];
  const afterNonNull = sql`${col} ${sql.raw(ge)} ${value} AND (${col} ${sql.raw(gt)} ${value} OR ${rowId} ${sql.raw(gt)} ${currentKey})`;
  const beforeNonNull = sql`${col} ${sql.raw(le)} ${value} AND (${col} ${sql.raw(lt)} ${value} OR ${rowId} ${sql.raw(lt)} ${currentKey})`;
  const first = (condition: SQL, order: SQL) =>
    sql`(SELECT ${rowId} FROM ${from} WHERE ${where} AND ${condition} ORDER BY ${order} LIMIT 1)`;

  // coalesce evaluates its second subquery only when the first found nothing.
  const next = valueIsNull
    ? first(sql`${col} IS NULL AND ${rowId} ${sql.raw(gt)} ${currentKey}`, forward)
    : sql`coalesce(${first(afterNonNull, forward)}, ${first(sql`${col} IS NULL`, forward)})`;
  const previous = valueIsNull
    ? sql`coalesce(${first(sql`${col} IS NULL AND ${rowId} ${sql.raw(lt)} ${currentKey}`, backward)}, ${first(sql`${col} IS NOT NULL`, backward)})`
    : first(beforeNonNull, backward);
  const before = valueIsNull ? sql`(${col} IS NOT NULL OR ${rowId} ${sql.raw(lt)} ${currentKey})` : beforeNonNull;

  const [[ids], [rank]] = await Promise.all([
    queryRows<{ previous_id: unknown; next_id: unknown }>(db, sql`SELECT (${previous})::text AS previous_id, (${next})::text AS next_id`),
    // Rows before the record, counted no further than the grid counts.
    queryRows<{ n: unknown }>(
      db,
      sql`
      SELECT count(*) AS n FROM (SELECT 1 FROM ${from} WHERE ${where} AND ${before} LIMIT ${COUNT_CAP}) capped`,
    ),
  ]);
  const beforeCount = Number(rank?.n ?? 0);
  return {
    previousId: ids?.previous_id == null ? null : String(ids.previous_id),
    nextId: ids?.next_id == null ? null : String(ids.next_id),
    position: Math.min(beforeCount + 1, COUNT_CAP),
    total: Math.min(n, COUNT_CAP),
    ...(beforeCount >= COUNT_CAP ? { positionCapped: true as const } : {}),
    ...(n > COUNT_CAP ? { totalCapped: true as const } : {}),
  };
}
