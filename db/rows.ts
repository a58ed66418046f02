import type { SQL } from "drizzle-orm";
import type { DbTx } from "./client";

// `execute` answers differently per driver: postgres.js gives an array of rows, PGlite `{ rows }`.

/** The rows of an `execute` result, whichever driver ran it. */
export function rowsOf<T = Record<string, unknown>>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  if (result !== null && typeof result === "object" && Array.isArray((result as { rows?: unknown }).rows)) {
    return (result as { rows: T[] }).rows;
  }
  return [];
}

/** Runs a statement and returns its rows on either driver. */
export async function queryRows<T = Record<string, unknown>>(tx: Pick<DbTx, "execute">, query: SQL): Promise<T[]> {
  return rowsOf<T>(await tx.execute(query));
}

/** A nullable timestamp column's value as a Date (postgres.js parses it, PGlite may hand a string). */
export function rowDate(value: unknown): Date | null {
  return value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value));
}

/** A nullable column's value as text (numeric and bigint columns arrive as strings or numbers). */
export function rowText(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}
