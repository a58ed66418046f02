import type { z } from "zod";
import { dateOnly, dateTime, decimal, decimalFromNumber, isDateOnly, parseMagentoDateTime } from "./primitives";

// A fast path for the record schemas. zod spends most of a search page's time in its generic
// machinery (a payload and an issue list per field, pipes, the cycle memoizer), not in our checks.
// `fastParser(schema)` compiles a zod schema once into plain closures that build exactly the value
// zod would, for the constructs our schemas use (loose/strip objects, arrays, nullish, string,
// number, int, boolean, unknown, and the `decimal` / `dateTime` / `dateOnly` primitives by
// identity). It only answers for values that pass: on anything it does not accept it returns
// FAIL, and the caller runs zod for the real result and its issues. Anything it does not model is
// handed to zod for that subtree, so its answer is zod's answer.

/** Returned by a fast parser when the value is not accepted (the caller then asks zod). */
export const FAIL: unique symbol = Symbol("magento.fastParser.fail");
export type FastParser = (value: unknown) => unknown;

type Def = {
  type: string;
  checks?: readonly { _zod: { def: { check?: string; format?: string; when?: unknown } } }[];
  coerce?: boolean;
  innerType?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
};
type Internals = { def: Def; optin?: string; optout?: string };
const internals = (schema: z.ZodType) => (schema as unknown as { _zod: Internals })._zod;

const cache = new WeakMap<z.ZodType, FastParser>();

/** The compiled fast parser of a schema (cached per schema object). */
export function fastParser(schema: z.ZodType): FastParser {
  let parser = cache.get(schema);
  if (!parser) {
    parser = compile(schema);
    cache.set(schema, parser);
  }
  return parser;
}

const decimalParser: FastParser = (v) => (typeof v === "number" && Number.isFinite(v) ? decimalFromNumber(v) : FAIL);
const dateTimeParser: FastParser = (v) => (typeof v === "string" ? (parseMagentoDateTime(v) ?? FAIL) : FAIL);
const dateOnlyParser: FastParser = (v) => (typeof v === "string" && isDateOnly(v) ? v : FAIL);
const stringParser: FastParser = (v) => (typeof v === "string" ? v : FAIL);
const numberParser: FastParser = (v) => (typeof v === "number" && Number.isFinite(v) ? v : FAIL);
const intParser: FastParser = (v) => (Number.isSafeInteger(v) ? v : FAIL);
const booleanParser: FastParser = (v) => (typeof v === "boolean" ? v : FAIL);
const unknownParser: FastParser = (v) => v;

/** The subtree is left to zod: same answer by construction. */
function viaZod(schema: z.ZodType): FastParser {
  return (v) => {
    const result = schema.safeParse(v);
    return result.success ? result.data : FAIL;
  };
}

function hasChecks(def: Def): boolean {
  return def.checks !== undefined && def.checks.length > 0;
}

function compile(schema: z.ZodType): FastParser {
  if (schema === decimal) return decimalParser;
  if (schema === dateTime) return dateTimeParser;
  if (schema === dateOnly) return dateOnlyParser;
  const zod = internals(schema);
  const def = zod.def;
  switch (def.type) {
    case "string":
      return hasChecks(def) || def.coerce ? viaZod(schema) : stringParser;
    case "boolean":
      return hasChecks(def) || def.coerce ? viaZod(schema) : booleanParser;
    case "unknown":
    case "any":
      return hasChecks(def) ? viaZod(schema) : unknownParser;
    case "number": {
      if (def.coerce) return viaZod(schema);
      const checks = def.checks ?? [];
      if (checks.length === 0) return numberParser;
      const only = checks.length === 1 ? checks[0]!._zod.def : undefined;
      if (only?.check === "number_format" && only.format === "safeint" && only.when === undefined) return intParser;
      return viaZod(schema);
    }
    case "optional": {
      if (hasChecks(def) || internals(def.innerType!).optin === "defaulted") return viaZod(schema);
      const inner = fastParser(def.innerType!);
      return (v) => (v === undefined ? undefined : inner(v));
    }
    case "nullable": {
      if (hasChecks(def)) return viaZod(schema);
      const inner = fastParser(def.innerType!);
      return (v) => (v === null ? null : inner(v));
    }
    case "array": {
      if (hasChecks(def)) return viaZod(schema);
      const element = fastParser(def.element!);
      return (v) => {
        if (!Array.isArray(v)) return FAIL;
        const length = v.length;
        const out = new Array<unknown>(length);
        for (let i = 0; i < length; i++) {
          const r = element(v[i]);
          if (r === FAIL) return FAIL;
          out[i] = r;
        }
        return out;
      };
    }
    case "object":
      return compileObject(schema, def);
    default:
      return viaZod(schema);
  }
}

/**
 * zod's object: declared keys first, in shape order (a missing optional key stays missing, a
 * present one is kept even when undefined), then, for a loose object, the other keys as they
 * came, by reference, in input order (never `__proto__`).
 */
function compileObject(schema: z.ZodType, def: Def): FastParser {
  if (hasChecks(def)) return viaZod(schema);
  const catchallType = def.catchall ? internals(def.catchall).def : undefined;
  if (catchallType && (catchallType.type !== "unknown" || hasChecks(catchallType))) return viaZod(schema);
  const loose = catchallType !== undefined;
  const shape = def.shape!;
  if (Object.getOwnPropertySymbols(shape).length > 0) return viaZod(schema);
  const keys = Object.keys(shape);
  // A key Object.prototype answers for would be "present" in zod's eyes even when absent.
  if (keys.some((key) => key in Object.prototype || key === "__proto__")) return viaZod(schema);
  const fields: { key: string; parse: FastParser; optional: boolean }[] = [];
  for (const key of keys) {
    const field = internals(shape[key]!);
    let optional: boolean;
    if (field.optin === undefined) optional = false;
    // Absent / undefined is answered without running the property's schema, so that needs an
    // optional layer the unwrapping below reaches (not one hidden under a refinement).
    else if (field.optin === "optional" && field.optout === "optional" && unwrap(shape[key]!).optional) optional = true;
    else return viaZod(schema);
    fields.push({ key, parse: fastParser(shape[key]!), optional });
  }
  const keySet = new Set(keys);
  try {
    return generateObjectParser(
      fields.map((f) => ({ ...f, schema: shape[f.key]! })),
      keySet,
      loose,
    );
  } catch {
    // No code generation here (e.g. a CSP without 'unsafe-eval'): the same logic as closures.
  }
  const count = fields.length;
  const fieldKeys = fields.map((f) => f.key);
  const parsers = fields.map((f) => f.parse);
  const optionals = fields.map((f) => f.optional);

  return (input) => {
    if (typeof input !== "object" || input === null || Array.isArray(input)) return FAIL;
    const record = input as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
      const key = fieldKeys[i]!;
      const value = record[key];
      if (value === undefined) {
        // Required and undefined: zod reports it (or decides); an absent optional key stays absent.
        if (!optionals[i]) return FAIL;
        if (key in record) out[key] = undefined;
        continue;
      }
      const parsed = parsers[i]!(value);
      if (parsed === FAIL) return FAIL;
      out[key] = parsed;
    }
    if (loose) {
      for (const key in record) {
        if (keySet.has(key) || key === "__proto__") continue;
        out[key] = record[key];
      }
    }
    return out;
  };
}

/** What a property's schema is under its optional / nullable wrappers. */
function unwrap(schema: z.ZodType): { core: z.ZodType; nullable: boolean; optional: boolean } {
  let nullable = false;
  let optional = false;
  let current = schema;
  for (;;) {
    if (current === decimal || current === dateTime || current === dateOnly) break;
    const def = internals(current).def;
    if (hasChecks(def)) break;
    if (def.type === "nullable") nullable = true;
    else if (def.type === "optional" && internals(def.innerType!).optin !== "defaulted") optional = true;
    else break;
    current = def.innerType!;
  }
  return { core: current, nullable, optional };
}

/**
 * The object parser as generated code: one straight-line block per declared key, with the simple
 * checks inlined, so property reads and writes are plain named accesses V8 can cache. Same logic
 * as the closure version in compileObject.
 */
function generateObjectParser(
  fields: { key: string; schema: z.ZodType; optional: boolean }[],
  keySet: ReadonlySet<string>,
  loose: boolean,
): FastParser {
  const helpers: FastParser[] = [];
  const lines: string[] = [
    "if (typeof input !== 'object' || input === null || Array.isArray(input)) return FAIL;",
    "const out = {};",
    "let v, r;",
  ];
  for (const field of fields) {
    const k = JSON.stringify(field.key);
    const { core, nullable } = unwrap(field.schema);
    const coreDef = internals(core).def;
    let check: string;
    if (core === decimal) check = `if (typeof v !== 'number' || !Number.isFinite(v)) return FAIL; out[${k}] = decimalFromNumber(v);`;
    else if (core === dateTime) check = `if (typeof v !== 'string' || (r = parseMagentoDateTime(v)) === null) return FAIL; out[${k}] = r;`;
    else if (core === dateOnly) check = `if (typeof v !== 'string' || !isDateOnly(v)) return FAIL; out[${k}] = v;`;
    else if (coreDef.type === "string" && !hasChecks(coreDef) && !coreDef.coerce)
      check = `if (typeof v !== 'string') return FAIL; out[${k}] = v;`;
    else if (coreDef.type === "boolean" && !hasChecks(coreDef) && !coreDef.coerce)
      check = `if (typeof v !== 'boolean') return FAIL; out[${k}] = v;`;
    else if ((coreDef.type === "unknown" || coreDef.type === "any") && !hasChecks(coreDef)) check = `out[${k}] = v;`;
    else if (fastParser(core) === intParser) check = `if (!Number.isSafeInteger(v)) return FAIL; out[${k}] = v;`;
    else {
      helpers.push(fastParser(core));
      check = `r = helpers[${helpers.length - 1}](v); if (r === FAIL) return FAIL; out[${k}] = r;`;
    }
    const onUndefined = field.optional ? `if (${k} in input) out[${k}] = undefined;` : "return FAIL;";
    const onNull = nullable ? ` else if (v === null) out[${k}] = null;` : "";
    lines.push(`v = input[${k}];`, `if (v === undefined) { ${onUndefined} }${onNull} else { ${check} }`);
  }
  if (loose) lines.push("for (const key in input) { if (keySet.has(key) || key === '__proto__') continue; out[key] = input[key]; }");
  lines.push("return out;");
  const factory = new Function(
    "FAIL",
    "helpers",
    "keySet",
    "decimalFromNumber",
    "parseMagentoDateTime",
    "isDateOnly",
    `return function fastObjectParser(input) {\n${lines.join("\n")}\n};`,
  ) as (...args: unknown[]) => FastParser;
  return factory(FAIL, helpers, keySet, decimalFromNumber, parseMagentoDateTime, isDateOnly);
}
