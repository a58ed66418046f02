import { sql, type SQL } from "drizzle-orm";
import type { DbTx } from "@/db/client";
import { replacedRecordError } from "@/lib/sync/replaced";
import { queryRows } from "@/db/rows";

// Set-based upsert: the whole page travels as ONE json parameter, is unpacked with
// json_to_recordset (plain json is parsed once into the typed records; a jsonb cast first builds a
// whole binary document, ~10% of an orders page's database time) and written with INSERT … SELECT
// … ON CONFLICT DO UPDATE, updating only rows that really differ. `(xmax = 0)` tells inserted from
// updated rows; unchanged = sent − written.

export interface UpsertSpec {
  /** Target table (a constant of ours, never user input). */
  table: string;
  /** Fields of each JSON row and their Postgres types: `r(name type, …)`. */
  input: Record<string, string>;
  /** Target column → SQL expression over `r` (and `joins`); e.g. { origin_id: "r.origin_id" }. */
  columns: Record<string, string>;
  /** Extra FROM/JOIN text after the recordset (aliases other than r). */
  joins?: string;
  /** Extra WHERE for the SELECT (rows not matching are skipped). */
  filter?: string;
  /** Conflict target, default "(channel_id, origin_id)". */
  conflict?: string;
  /** Columns never changed by an update (set on insert only). */
  insertOnly?: readonly string[];
  /** Column → update expression over the existing row `t` and `excluded` (default excluded.col). */
  updates?: Record<string, string>;
  /**
   * The record's name ("order") on a table with remote_created_at: a row already held under the
   * same Magento id with another creation time (both set) is not merged: the statement fails with
   * MagentoReplacedError (lib/sync/replaced.ts) and the transaction must roll back. Costs one
   * comparison per existing row, no extra query.
   */
  refuseReplaced?: string;
}

export interface UpsertResult {
  created: number;
  updated: number;
}

/** A page's rows serialized ahead of the write (see Connector.prepare). */
export interface SerializedRows {
  json: string;
  count: number;
}

export function serializeRows(rows: readonly object[]): SerializedRows {
  return { json: JSON.stringify(rows), count: rows.length };
}

/** Builds and runs the upsert for `rows` (plain JSON-able objects, or already serialized). */
export async function upsertRows(tx: DbTx, spec: UpsertSpec, rows: readonly object[] | SerializedRows): Promise<UpsertResult> {
  const page = "json" in rows ? rows : serializeRows(rows);
  if (page.count === 0) return { created: 0, updated: 0 };
  const targetColumns = Object.keys(spec.columns);
  const recordset = Object.entries(spec.input)
    .map(([name, type]) => `${name} ${type}`)
    .join(", ");
  const select = targetColumns.map((column) => spec.columns[column]).join(", ");
  const insertOnly = new Set(["channel_id", "origin_id", ...(spec.insertOnly ?? [])]);
  const updated = targetColumns.filter((column) => !insertOnly.has(column));
  const updateExpression = (column: string) => spec.updates?.[column] ?? `excluded.${column}`;
  const setList = [...updated.map((column) => `${column} = ${updateExpression(column)}`), "synced_at = now()", "removed_at = null"].join(
    ", ",
  );
  const current = updated.map((column) => `t.${column}`).join(", ");
  const proposed = updated.map(updateExpression).join(", ");
  const differs =
    updated.length > 0 ? `(${current}) IS DISTINCT FROM (${proposed}) OR t.removed_at IS NOT NULL` : "t.removed_at IS NOT NULL";
  // CASE, not AND: the check must run before (and instead of) the update of such a row.
  const changed = spec.refuseReplaced
    ? `CASE WHEN t.remote_created_at <> excluded.remote_created_at
        THEN sync_refuse_replaced_record(${sqlText(spec.refuseReplaced)}, t.origin_id, t.remote_created_at, excluded.remote_created_at)
        ELSE (${differs}) END`
    : differs;
  // Counted in the database: a page's rows are not sent back only to be counted here.
  const statement: SQL = sql`${sql.raw(`WITH written AS (INSERT INTO ${spec.table} AS t (${targetColumns.join(", ")}) SELECT ${select} FROM json_to_recordset(`)}${page.json}${sql.raw(
    `::json) AS r(${recordset}) ${spec.joins ?? ""} ${spec.filter ? `WHERE ${spec.filter}` : ""}
     ON CONFLICT ${spec.conflict ?? "(channel_id, origin_id)"} DO UPDATE SET ${setList}
     WHERE ${changed}
     RETURNING (t.xmax = 0) AS inserted)
     SELECT count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated FROM written`,
  )}`;
  const [counts] = await queryRows<{ created: unknown; updated: unknown }>(tx, statement).catch((error: unknown) => {
    throw (spec.refuseReplaced ? replacedRecordError(error) : null) ?? error;
  });
  return { created: Number(counts?.created ?? 0), updated: Number(counts?.updated ?? 0) };
}

/** A SQL string literal of one of our constants. */
const sqlText = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** `json_to_recordset($json) AS alias(spec)` as a SQL fragment (for deletes, updates, lookups). */
export function recordset(rows: readonly object[], alias: string, columns: Record<string, string>): SQL {
  const spec = Object.entries(columns)
    .map(([name, type]) => `${name} ${type}`)
    .join(", ");
  return sql`json_to_recordset(${JSON.stringify(rows)}::json) AS ${sql.raw(`${alias}(${spec})`)}`;
}

/**
 * Ids as ONE bigint[] parameter, for `col = ANY(…)`: the planner sees the array's size and uses
 * the (channel_id, origin_id) indexes for a page's ids, where a jsonb list (always guessed at 100
 * rows) made it hash-join whole tables on every page.
 */
export function idArray(ids: readonly number[]): SQL {
  for (const id of ids) if (!Number.isSafeInteger(id)) throw new TypeError(`Not an integer id: ${String(id)}`);
  return sql`${`{${ids.join(",")}}`}::bigint[]`;
}

/** Ids as a SQL set for FROM clauses: `(SELECT unnest($ids::bigint[]))`. */
export function idSet(ids: readonly number[]): SQL {
  return sql`(SELECT unnest(${idArray(ids)}))`;
}

/** Street lines from a jsonb array (or null). */
export const streetArray = (field: string) =>
  `CASE WHEN ${field} IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(${field})) END`;
