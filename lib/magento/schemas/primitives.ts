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

/**
 * Parses Magento's "YYYY-MM-DD HH:MM:SS" timestamp. Magento always writes it in UTC with no zone
 * marker (magento/magento2#24985), so it is read as UTC. Returns null for text that is not a
 * real date and time.
 */
export function parseMagentoDateTime(text: string): Date | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const millis = m[7] ? Number(m[7].padEnd(3, "0").slice(0, 3)) : 0;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  // Date.UTC rolls 2024-02-30 over to March; a real timestamp reads back the same.
  const valid =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day &&
    date.getUTCHours() === hour && date.getUTCMinutes() === minute && date.getUTCSeconds() === second;
  return valid ? date : null;
}

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
export const dateOnly = z.string().refine((text) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m !== null && parseMagentoDateTime(`${text} 00:00:00`) !== null;
}, 'expected a date "YYYY-MM-DD"');

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
