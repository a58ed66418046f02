import { z } from "zod";

// Building blocks shared by every Magento schema. The official schema is Swagger 2.0 and has no
// `nullable`, but Magento sends null for absent values, so every property outside a definition's
// `required` list goes through `optional()` (null or missing). Unknown properties are kept
// (`looseObject`): extensions and B2B add fields, and a PUT must send back what it got.

/** A property outside the definition's `required` list: may be null or missing. */
export const optional = <T extends z.ZodType>(schema: T) => schema.nullish();

/** Any JSON object we keep as it came (extension blocks we do not read). */
export const looseRecord = z.looseObject({});

/** Schema `integer` (ids, flags, counts). */
export const int = z.number().int();

/**
 * Exact decimal text for a JSON number, from its shortest round-trip form (what
 * `Number.prototype.toString` gives) with exponent notation spelled out, so 165 → "165",
 * 19.99 → "19.99", 1e-7 → "0.0000001". Digits are moved, never computed with floats.
 */
export function decimalFromNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  if (Object.is(value, -0)) return "0";
  const text = String(value);
  if (!text.includes("e")) return text;
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, intPart, fraction = "", exponentText] = match;
  const digits = `${intPart}${fraction}`;
  const pointAt = intPart!.length + Number(exponentText);
  if (pointAt <= 0) return `${sign}0.${"0".repeat(-pointAt)}${digits}`;
  if (pointAt >= digits.length) return `${sign}${digits}${"0".repeat(pointAt - digits.length)}`;
  return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}

/**
 * Schema `number` (money, quantities, rates, weights): arrives as a JSON number, exposed as an
 * exact decimal string (Postgres `numeric` takes it as is). A decimal string is accepted too,
 * as some extensions send one; it is passed through unchanged.
 */
// One transform instead of a union: this runs for every amount of every record. Only JSON
// numbers are accepted, as the contract says; a string amount is reported, not guessed at.
export const decimal = z.unknown().transform((value, ctx): string => {
  if (typeof value === "number" && Number.isFinite(value)) return decimalFromNumber(value);
  ctx.addIssue({ code: "custom", message: `expected a JSON number, got ${value === null ? "null" : typeof value}`, input: value });
  return z.NEVER;
});
/** Money amounts; same rules as `decimal`, named for readability. */
export const money = decimal;

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z?$/;

/** Two ASCII digits at `at` as a number, or -1. */
function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Parses Magento's "YYYY-MM-DD HH:MM:SS" timestamp. Magento always writes it in UTC with no zone
 * marker (magento/magento2#24985), so it is read as UTC. Returns null for text that is not a
 * real date and time.
 */
export function parseMagentoDateTime(text: string): Date | null {
  // Fast path for the exact format Magento sends (runs for every timestamp of every record):
  // same answer as the general path below, without the regex and the read-back.
  if (
    text.length === 19 &&
    text.charCodeAt(4) === 45 &&
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 32 &&
    text.charCodeAt(13) === 58 &&
    text.charCodeAt(16) === 58
  ) {
    const hi = twoDigits(text, 0);
    const lo = twoDigits(text, 2);
    const month = twoDigits(text, 5);
    const day = twoDigits(text, 8);
    const hour = twoDigits(text, 11);
    const minute = twoDigits(text, 14);
    const second = twoDigits(text, 17);
    if (hi < 0 || lo < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return null;
    const year = hi * 100 + lo;
    // Years 0–99 are left to the general path (Date.UTC maps them to 1900–1999).
    if (year >= 100) {
      if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return null;
      return new Date(Date.UTC(year, month - 1, day, hour, minute, second, 0));
    }
  }
  return parseGeneralDateTime(text);
}

function parseGeneralDateTime(text: string): Date | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const millis = m[7] ? Number(m[7].padEnd(3, "0").slice(0, 3)) : 0;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  // Date.UTC rolls 2024-02-30 over to March; a real timestamp reads back the same.
  const valid =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return valid ? date : null;
}

/** The reference parser (regex and read-back), exported for tests of the fast path. */
export const parseMagentoDateTimeReference = parseGeneralDateTime;

/** Formats a Date as Magento's UTC "YYYY-MM-DD HH:MM:SS" (for date filters and writes). */
export function formatMagentoDateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}

/** Entity timestamps (`created_at`, `updated_at`, …): UTC text in, `Date` (UTC instant) out. */
export const dateTime = z.string().transform((text, ctx) => {
  const date = parseMagentoDateTime(text);
  if (!date) {
    ctx.addIssue({ code: "custom", message: `expected a UTC date-time "YYYY-MM-DD HH:MM:SS", got "${text}"` });
    return z.NEVER;
  }
  return date;
});

/** A date without time (customer `dob`), kept as "YYYY-MM-DD" text: it has no time zone. */
export function isDateOnly(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m !== null && parseMagentoDateTime(`${text} 00:00:00`) !== null;
}
export const dateOnly = z.string().refine(isDateOnly, 'expected a date "YYYY-MM-DD"');

/** `framework-attribute-interface` (custom_attributes). The schema types `value` as string,
 * but multi-value attributes (e.g. category_ids) arrive as arrays, so any JSON is kept. */
export const customAttributeSchema = z.looseObject({
  attribute_code: z.string(),
  value: z.unknown(),
});

/**
 * The same schema for many properties: `{ a: schema, b: schema, … }`. The big sales definitions
 * (an order has 137 properties) read best grouped by type rather than one line each.
 */
export function fieldsOf<const K extends string, S extends z.ZodType>(schema: S, names: readonly K[]): { [P in K]: S } {
  return Object.fromEntries(names.map((name) => [name, schema])) as { [P in K]: S };
}

/** Shorthands for the common optional property types. */
export const optionalMoney = optional(money);
export const optionalDecimal = optional(decimal);
export const optionalInt = optional(int);
export const optionalString = optional(z.string());
export const optionalDateTime = optional(dateTime);
