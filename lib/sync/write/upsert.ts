import { sql, type SQL } from "drizzle-orm";
import type { DbTx } from "@/lib/sync/types";
import { queryRows } from "./rows";

// Set-based upsert: a page travels column by column, each column ONE array parameter
// ('{1,NULL,"text"}'), is unpacked with unnest(…) and written with INSERT … SELECT … ON CONFLICT DO
// UPDATE, updating only rows that really differ. Arrays carry no field names: a third of the bytes
// of the same page as JSON objects, and cheaper for Postgres to read. `(xmax = 0)` tells inserted
// from updated rows; unchanged = sent − written.

export interface UpsertSpec {
  /** Target table (a constant of ours, never user input). */
  table: string;
  /** Fields of each row and their Postgres types (one array parameter each, unnested as `r(name, …)`). */
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
}

export interface UpsertResult {
  created: number;
  updated: number;
}

/** Builds and runs the upsert for `rows` (plain JSON-able objects). */
export async function upsertRows(tx: DbTx, spec: UpsertSpec, rows: readonly object[]): Promise<UpsertResult> {
  if (rows.length === 0) return { created: 0, updated: 0 };
  const targetColumns = Object.keys(spec.columns);
  const select = targetColumns.map((column) => spec.columns[column]).join(", ");
  const insertOnly = new Set(["channel_id", "origin_id", ...(spec.insertOnly ?? [])]);
  const updated = targetColumns.filter((column) => !insertOnly.has(column));
  const updateExpression = (column: string) => spec.updates?.[column] ?? `excluded.${column}`;
  const setList = [
    ...updated.map((column) => `${column} = ${updateExpression(column)}`),
    "synced_at = now()",
    "removed_at = null",
  ].join(", ");
  const current = updated.map((column) => `t.${column}`).join(", ");
  const proposed = updated.map(updateExpression).join(", ");
  const changed = updated.length > 0
    ? `(${current}) IS DISTINCT FROM (${proposed}) OR t.removed_at IS NOT NULL`
    : "t.removed_at IS NOT NULL";
  const names = Object.keys(spec.input);
  const columns = sql.join(names.map((name) => sql`${arrayLiteral(rows, name, spec.input[name]!)}::${sql.raw(spec.input[name]!)}[]`), sql`, `);
  // Counted in the database: a page's rows are not sent back only to be counted here.
  const statement: SQL = sql`${sql.raw(`WITH written AS (INSERT INTO ${spec.table} AS t (${targetColumns.join(", ")}) SELECT ${select} FROM unnest(`)}${columns}${sql.raw(
    `) AS r(${names.join(", ")}) ${spec.joins ?? ""} ${spec.filter ? `WHERE ${spec.filter}` : ""}
     ON CONFLICT ${spec.conflict ?? "(channel_id, origin_id)"} DO UPDATE SET ${setList}
     WHERE ${changed}
     RETURNING (t.xmax = 0) AS inserted)
     SELECT count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated FROM written`,
  )}`;
  const [counts] = await queryRows<{ created: unknown; updated: unknown }>(tx, statement);
  return { created: Number(counts?.created ?? 0), updated: Number(counts?.updated ?? 0) };
}

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/** One field of every row as a Postgres array literal: NULL bare, everything else quoted and escaped. */
export function arrayLiteral(rows: readonly object[], name: string, type: string): string {
  const json = type === "jsonb" || type === "json";
  const parts = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const value = (rows[i] as Record<string, unknown>)[name];
    if (value === null || value === undefined) {
      parts[i] = "NULL";
      continue;
    }
    let text: string;
    if (json) text = JSON.stringify(value);
    else if (typeof value === "string") text = value;
    else if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new TypeError(`${name}: not a finite number (${value})`);
      parts[i] = String(value);
      continue;
    } else if (typeof value === "boolean") {
      parts[i] = value ? "t" : "f";
      continue;
    } else if (value instanceof Date) text = value.toISOString();
    else throw new TypeError(`${name}: cannot send a ${typeof value} as ${type}`);
    parts[i] = NEEDS_ESCAPE.test(text) ? `"${text.replace(ESCAPED, "\\$&")}"` : `"${text}"`;
  }
  return `{${parts.join(",")}}`;
}

/** `json_to_recordset($json) AS alias(spec)` as a SQL fragment (for deletes, updates, lookups). */
export function recordset(rows: readonly object[], alias: string, columns: Record<string, string>): SQL {
  const spec = Object.entries(columns).map(([name, type]) => `${name} ${type}`).join(", ");
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
export const streetArray = (field: string) => `CASE WHEN ${field} IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(${field})) END`;
