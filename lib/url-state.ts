import type { z } from "zod";

// Page state held in the URL (grids, reports and the dashboard, sync history, a detail page's way
// back) is user input: a bookmark, a shared link, an address typed by hand. Every page reads it
// through these: each value checked on its own, anything unknown or malformed dropped so a stale
// link still opens the page, nothing thrown.

/** A page's searchParams as Next.js gives them: a repeated key is an array. */
export type SearchParams = Record<string, string | string[] | undefined>;
export type SearchParamsInput = SearchParams | URLSearchParams;

/** The first value of a parameter (the one a single-valued setting uses). */
export function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Every value of a parameter, in order. */
export function allValues(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** A query ("?a=1&a=2", "a=1") or URLSearchParams as SearchParams, a repeated key as an array. */
export function searchParamsOf(query: string | URLSearchParams): SearchParams {
  const params: Record<string, string | string[]> = {};
  const search = typeof query === "string" ? new URLSearchParams(query.replace(/^\?/, "")) : query;
  search.forEach((value, key) => {
    const existing = params[key];
    params[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  });
  return params;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "YYYY-MM-DD" that is a real calendar day (2026-02-30 and 2024-1-1 are not). */
export function isCalendarDay(text: string): boolean {
  const m = DAY.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

type Fields = Record<string, z.ZodType>;
export type ReadParams<F extends Fields> = { [K in keyof F]?: z.output<F[K]> };

/**
 * The parameters `fields` names, each read from its first value with its own schema: a value that
 * is missing, empty or fails its schema is left out, the others are kept. Never throws.
 */
export function readParams<F extends Fields>(fields: F, input: SearchParamsInput): ReadParams<F> {
  const out: Partial<Record<keyof F, unknown>> = {};
  for (const key of Object.keys(fields) as (keyof F & string)[]) {
    const value = input instanceof URLSearchParams ? (input.get(key) ?? undefined) : firstValue(input[key]);
    if (value === undefined || value === "") continue;
    const parsed = fields[key]!.safeParse(value);
    if (parsed.success && parsed.data !== undefined) out[key] = parsed.data;
  }
  return out as ReadParams<F>;
}
