import type { z } from "zod";
import type { SchemaIssue } from "./errors";
import { FAIL, fastParser } from "./schemas/fast";
import { projectedSearchEnvelopeSchema, searchEnvelopeSchema } from "./schemas/search";

// Validation of Magento answers. A search page is checked in two layers: the envelope strictly
// (without items and total_count the page cannot be used or paged), then each record on its own,
// so one malformed order is reported and skipped instead of failing the other 99 on its page.

/** A record of a search page that failed its schema; the rest of the page is still used. */
export interface InvalidRecord {
  /** Position in the page's `items`. */
  index: number;
  /** entity_id / id when the record has a readable one, else null. */
  id: number | string | null;
  issues: SchemaIssue[];
  /** The record as received. */
  raw: unknown;
}

export interface SearchPage<T> {
  items: T[];
  invalid: InvalidRecord[];
  /** All matches, not just this page; null when a `fields=` projection left it out. */
  totalCount: number | null;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: SchemaIssue[] };

/** "items[3].billing_address.street[0]" from a zod issue path and a prefix. */
export function formatIssuePath(prefix: string, path: readonly PropertyKey[]): string {
  let text = prefix;
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else text += text ? `.${String(key)}` : String(key);
  }
  return text;
}

function issuesOf(error: z.ZodError, prefix: string): SchemaIssue[] {
  return error.issues.map((issue) => ({ path: formatIssuePath(prefix, issue.path), message: issue.message }));
}

/**
 * Validates a value against a schema, with issue paths under `prefix`. The compiled fast path
 * (./schemas/fast) answers for values that pass, with the value zod would build; anything else
 * goes through zod, which gives the issues.
 */
export function validateValue<S extends z.ZodType>(schema: S, value: unknown, prefix = ""): ValidationResult<z.output<S>> {
  const fast = fastParser(schema)(value);
  if (fast !== FAIL) return { ok: true, value: fast as z.output<S> };
  return validateValueWithZod(schema, value, prefix);
}

/** validateValue through zod only (the reference the fast path must agree with). */
export function validateValueWithZod<S extends z.ZodType>(schema: S, value: unknown, prefix = ""): ValidationResult<z.output<S>> {
  const parsed = schema.safeParse(value);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, issues: issuesOf(parsed.error, prefix) };
}

/** The record's id for reports and de-duplication: `entity_id`, then `id`, when readable. */
export function readRecordId(record: unknown): number | string | null {
  if (!record || typeof record !== "object") return null;
  const fields = record as Record<string, unknown>;
  for (const key of ["entity_id", "id"]) {
    const value = fields[key];
    if (typeof value === "number" || (typeof value === "string" && value !== "")) return value;
  }
  return null;
}

export type SearchPageResult<T> = { ok: true; page: SearchPage<T> } | { ok: false; issues: SchemaIssue[] };

/**
 * Validates a search answer: the envelope must hold an `items` array and a `total_count`
 * (`projected`: the `fields=` answer, where total_count may be missing); each item is validated
 * on its own and either returned parsed or reported in `invalid`.
 */
export function validateSearchPage<S extends z.ZodType>(
  itemSchema: S,
  body: unknown,
  options: { projected?: boolean } = {},
): SearchPageResult<z.output<S>> {
  const envelopeSchema = options.projected ? projectedSearchEnvelopeSchema : searchEnvelopeSchema;
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) return { ok: false, issues: issuesOf(envelope.error, "") };

  const items: z.output<S>[] = [];
  const invalid: InvalidRecord[] = [];
  envelope.data.items.forEach((raw, index) => {
    const result = validateValue(itemSchema, raw, `items[${index}]`);
    if (result.ok) items.push(result.value);
    else invalid.push({ index, id: readRecordId(raw), issues: result.issues, raw });
  });
  return { ok: true, page: { items, invalid, totalCount: envelope.data.total_count ?? null } };
}
