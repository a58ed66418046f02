import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/lib/sync/write/rows";
import { gridOrderBy, gridWhere, safeTimeZone } from "./query";
import type { GridDefinition, GridState } from "./types";

// Prev / next on a detail page: where the record sits in the grid's current result set (the same
// WHERE and ORDER BY as the grid, so the arrows walk exactly the rows the list showed).

export interface GridNeighbors {
  previousId: string | null;
  nextId: string | null;
  /** 1-based place of the record in the result set; null when the filters leave it out. */
  position: number | null;
  total: number;
}

export async function gridNeighbors(
  db: Db,
  definition: GridDefinition,
  state: GridState,
  currentId: number | string,
  timeZone = "UTC",
): Promise<GridNeighbors> {
  const id = String(currentId);
  if (!/^\d{1,18}$/.test(id)) return { previousId: null, nextId: null, position: null, total: 0 };
  const where = gridWhere(definition, state, safeTimeZone(timeZone));
  const orderBy = gridOrderBy(definition, state);
  // One pass with window functions over the ordered set; the current row picks its neighbours.
  const rows = await queryRows<{ id: unknown; previous_id: unknown; next_id: unknown; position: unknown; total: unknown }>(db, sql`
    SELECT ranked.id::text AS id, ranked.previous_id::text AS previous_id, ranked.next_id::text AS next_id,
           ranked.position, ranked.total
    FROM (
      SELECT ${sql.raw(definition.idSql)} AS id,
             lag(${sql.raw(definition.idSql)}) OVER w AS previous_id,
             lead(${sql.raw(definition.idSql)}) OVER w AS next_id,
             row_number() OVER w AS position,
             count(*) OVER () AS total
      FROM ${sql.raw(definition.from)} WHERE ${where}
      WINDOW w AS (ORDER BY ${orderBy})
    ) ranked
    WHERE ranked.id = ${id}::bigint`);
  const row = rows[0];
  if (!row) {
    const [counted] = await queryRows<{ n: unknown }>(db, sql`SELECT count(*) AS n FROM ${sql.raw(definition.from)} WHERE ${where}`);
    return { previousId: null, nextId: null, position: null, total: Number(counted?.n ?? 0) };
  }
  return {
    previousId: row.previous_id === null ? null : String(row.previous_id),
    nextId: row.next_id === null ? null : String(row.next_id),
    position: Number(row.position),
    total: Number(row.total),
  };
}
