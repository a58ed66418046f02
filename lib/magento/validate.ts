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

/**
 * A field of a kept record that could not be read (wrong type, unparseable): stored as null,
 * its raw value kept here, so the record is saved and the field is reported, not the record lost.
 */
export interface FieldWarning {
  /** Position in the page's `items` (0 for a single record). */
  index: number;
  /** entity_id / id of the record, when readable. */
  id: number | string | null;
  /** Path inside the record, e.g. "addresses[0].region". */
  field: string;
  message: string;
  /** The value as Magento sent it. */
  raw: unknown;
}

/**
 * Where a wrong value would show a wrong figure or a wrong link: a record's own id, the keys that
 * link records, the paging timestamps and the money the portal shows. Paths name array elements
 * with `[]` ("items[].price"); a path also covers what is inside it. Everything else is read
 * leniently (see validateLeniently).
 */
export type StrictFields = ReadonlySet<string>;

export interface SearchPage<T> {
  items: T[];
  invalid: InvalidRecord[];
  /** Fields of kept records that were stored as null (none unless the search is lenient). */
  warnings?: FieldWarning[];
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
  return withoutWarnings(validateValueWithZod(schema, value, prefix));
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

export type LenientResult<T> =
  { ok: true; value: T; warnings: Omit<FieldWarning, "index" | "id">[] } | { ok: false; issues: SchemaIssue[] };

/** "items[].price" from ["items", 3, "price"]: the path with array positions folded. */
function pathPattern(path: readonly PropertyKey[]): string {
  let text = "";
  for (const key of path) text += typeof key === "number" ? "[]" : text ? `.${String(key)}` : String(key);
  return text;
}

/** Whether a path is strict, or holds a strict field (nulling it would lose that field too). */
export function touchesStrict(path: readonly PropertyKey[], strict: StrictFields): boolean {
  const pattern = pathPattern(path);
  if (pattern === "") return true;
  for (const field of strict) {
    if (field === pattern || pattern.startsWith(`${field}.`) || pattern.startsWith(`${field}[]`)) return true;
    if (field.startsWith(`${pattern}.`) || field.startsWith(`${pattern}[]`)) return true;
  }
  return false;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key as string];
  }
  return current;
}

function setNullAt(root: unknown, path: readonly PropertyKey[]): void {
  const parent = valueAt(root, path.slice(0, -1));
  if (parent !== null && typeof parent === "object") (parent as Record<PropertyKey, unknown>)[path[path.length - 1] as string] = null;
}

/** The property an issue is about: array positions are trimmed, so a bad element nulls its list. */
function propertyPath(path: readonly PropertyKey[]): PropertyKey[] {
  const out = [...path];
  while (out.length > 0 && typeof out[out.length - 1] === "number") out.pop();
  return out;
}

const MAX_REPAIRS = 50;

function withoutWarnings<T>(result: ValidationResult<T>): LenientResult<T> {
  return result.ok ? { ok: true, value: result.value, warnings: [] } : result;
}

/**
 * Validates a record the way real stores need it read: a value that passes is returned as is
 * (the fast path); otherwise every unreadable property outside `strict` is set to null, its raw
 * value reported as a warning, and the record validated again. The record is refused only when a
 * strict field (or the record itself) cannot be read. Does not depend on which fields Magento
 * happens to send wrong: any non-strict property may be null or broken.
 */
export function validateLeniently<S extends z.ZodType>(
  schema: S,
  value: unknown,
  strict: StrictFields,
  prefix = "",
): LenientResult<z.output<S>> {
  const fast = fastParser(schema)(value);
  if (fast !== FAIL) return { ok: true, value: fast as z.output<S>, warnings: [] };
  // zod's first parse below is the record as sent: it both accepts what the fast path declined and
  // names what to repair, so the record is not parsed twice before any repair.
  if (value === null || typeof value !== "object") return withoutWarnings(validateValueWithZod(schema, value, prefix));
  const copy = structuredClone(value);
  const warnings: Omit<FieldWarning, "index" | "id">[] = [];
  const nulled = new Set<string>();
  for (let round = 0; round < MAX_REPAIRS; round++) {
    const parsed = schema.safeParse(copy);
    if (parsed.success) return { ok: true, value: parsed.data as z.output<S>, warnings };
    const targets = new Map<string, { path: PropertyKey[]; message: string }>();
    for (const issue of parsed.error.issues) {
      let path = propertyPath(issue.path);
      // Already null and still refused: the schema has no null there, so the property holding it goes.
      while (path.length > 0 && nulled.has(formatIssuePath("", path))) path = propertyPath(path.slice(0, -1));
      if (touchesStrict(path, strict)) return { ok: false, issues: issuesOf(parsed.error, prefix) };
      const key = formatIssuePath("", path);
      if (!targets.has(key)) targets.set(key, { path, message: issue.message });
    }
    for (const [key, target] of targets) {
      const raw = valueAt(value, target.path);
      setNullAt(copy, target.path);
      nulled.add(key);
      // A property nulled because something inside it broke keeps one warning, for itself.
      for (let i = warnings.length - 1; i >= 0; i--) {
        if (warnings[i]!.field.startsWith(`${key}.`) || warnings[i]!.field.startsWith(`${key}[`)) warnings.splice(i, 1);
      }
      warnings.push({ field: key, message: target.message, raw: raw === undefined ? null : raw });
    }
  }
  return withoutWarnings(validateValueWithZod(schema, value, prefix));
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
  options: { projected?: boolean; strict?: StrictFields } = {},
): SearchPageResult<z.output<S>> {
  const envelopeSchema = options.projected ? projectedSearchEnvelopeSchema : searchEnvelopeSchema;
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) return { ok: false, issues: issuesOf(envelope.error, "") };

  const items: z.output<S>[] = [];
  const invalid: InvalidRecord[] = [];
  const warnings: FieldWarning[] = [];
  const strict = options.strict;
  envelope.data.items.forEach((raw, index) => {
    const prefix = `items[${index}]`;
    const result: LenientResult<z.output<S>> = strict
      ? validateLeniently(itemSchema, raw, strict, prefix)
      : withoutWarnings(validateValue(itemSchema, raw, prefix));
    if (result.ok) {
      items.push(result.value);
      for (const w of result.warnings) warnings.push({ ...w, index, id: readRecordId(raw) });
    } else invalid.push({ index, id: readRecordId(raw), issues: result.issues, raw });
  });
  return { ok: true, page: { items, invalid, warnings, totalCount: envelope.data.total_count ?? null } };
}
