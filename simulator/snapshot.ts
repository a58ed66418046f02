// The store's state as JSON and back, without knowing its record types: every own data field of
// the MagentoStore instance is written, so fields other code adds to the store or its records
// travel without changes here. Maps, Sets and objects reached more than once (the products array
// and productsBySku hold the same product objects) come back as Maps, Sets and shared objects.
// Render caches on records are left out and rebuilt on demand.
import { MagentoStore } from "./store";

/** Keys of the store's records that only cache render output (the store's change functions clear them on every change). */
export const DERIVED_RECORD_KEYS: ReadonlySet<string> = new Set(["header"]);

const TAGS = ["$map", "$set", "$date", "$id", "$ref", "$fields", "$num", "$undef", "$big"] as const;

type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SnapshotError";
  }
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function describe(value: object): string {
  return (value.constructor as { name?: string } | undefined)?.name ?? "an unknown class";
}

/**
 * The store's own data fields (functions and unset fields skipped) as JSON text. A class instance
 * is allowed only as a field of the store itself (the PRNG): restoring puts its fields back onto
 * the fresh store's own.
 *
 * This runs over every record on each save, so it allocates little: a first walk finds the
 * objects reached more than once, a second one copies only what JSON cannot say as it is (Maps,
 * Sets, shared objects, derived keys, "$" keys) and hands every other object to JSON.stringify untouched.
 */
export function snapshotStore(store: MagentoStore): string {
  const fields = Object.entries(store).filter(([, value]) => typeof value !== "function" && value !== undefined);
  const isCollection = (value: unknown) => value instanceof Map || value instanceof Set || Array.isArray(value);

  const seen = new Set<object>();
  const shared = new Set<object>();
  const count = (value: unknown, recordLevel: boolean) => {
    if (typeof value !== "object" || value === null) return;
    if (seen.has(value)) {
      shared.add(value);
      return;
    }
    seen.add(value);
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) count(value[i], recordLevel);
    else if (value instanceof Map) {
      for (const [k, v] of value) {
        count(k, false);
        count(v, recordLevel);
      }
    } else if (value instanceof Set) for (const v of value) count(v, recordLevel);
    else if (!(value instanceof Date)) {
      const obj = value as Record<string, unknown>;
      for (const k in obj) if (Object.hasOwn(obj, k) && !(recordLevel && DERIVED_RECORD_KEYS.has(k))) count(obj[k], false);
    }
  };
  // The records of a collection field: derived keys are left out at their top level.
  for (const [, value] of fields) count(value, isCollection(value));

  const ids = new Map<object, number>();
  const path: (string | number)[] = [];
  const where = () => path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? `store.${p}` : `.${p}`)).join("");
  const encode = (value: unknown, recordLevel: boolean, topLevel = false): unknown => {
    switch (typeof value) {
      case "string":
      case "boolean":
        return value;
      case "number":
        return Number.isFinite(value) ? value : { $num: String(value) };
      case "undefined":
        return { $undef: 1 };
      case "bigint":
        return { $big: value.toString() };
      case "object":
        break;
      default:
        throw new SnapshotError(`${where()} holds a ${typeof value}, which a state file cannot carry.`);
    }
    if (value === null) return null;
    const known = ids.get(value);
    if (known !== undefined) return { $ref: known };
    const isShared = shared.has(value);
    if (isShared) ids.set(value, ids.size + 1);
    let out: unknown;
    if (Array.isArray(value)) {
      let copy: unknown[] | null = null;
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        const item: unknown = value[i];
        const encoded = encode(item, recordLevel);
        path.pop();
        if (copy === null && encoded !== item) copy = value.slice(0, i);
        if (copy !== null) copy.push(encoded);
      }
      out = copy ?? value;
    } else if (value instanceof Map) {
      // Flat [key, value, key, value, …]: no array per entry.
      const flat: unknown[] = [];
      for (const [k, v] of value) {
        path.push(`get(${String(k)})`);
        flat.push(encode(k, false), encode(v, recordLevel));
        path.pop();
      }
      out = { $map: flat };
    } else if (value instanceof Set) {
      const items: unknown[] = [];
      for (const v of value) items.push(encode(v, recordLevel));
      out = { $set: items };
    } else if (value instanceof Date) {
      out = { $date: value.toISOString() };
    } else {
      const plain = isPlain(value);
      if (!plain && !topLevel) throw new SnapshotError(`${where()} is an instance of ${describe(value)}, which a state file cannot carry.`);
      const source = value as Record<string, unknown>;
      let copy: Record<string, unknown> | null = plain ? null : {};
      for (const k in source) {
        if (!Object.hasOwn(source, k)) continue;
        const v = source[k];
        // JSON.stringify leaves out undefined and functions itself; derived keys and "$" keys need a copy.
        const skip = v === undefined || typeof v === "function";
        const derived = recordLevel && DERIVED_RECORD_KEYS.has(k);
        const dollar = k.charCodeAt(0) === 36;
        path.push(k);
        const encoded = skip || derived ? v : encode(v, false);
        path.pop();
        if (copy === null && ((derived && v !== undefined) || dollar || encoded !== v)) {
          copy = {};
          for (const earlier in source) {
            if (earlier === k) break;
            if (Object.hasOwn(source, earlier)) copy[earlier] = source[earlier];
          }
        }
        if (copy !== null && !skip && !derived) copy[dollar ? `$${k}` : k] = encoded;
      }
      out = plain ? (copy ?? source) : { $fields: copy };
    }
    return isShared ? { $id: ids.get(value)!, $v: out } : out;
  };
  const out: Record<string, unknown> = {};
  for (const [key, value] of fields) {
    path.push(key);
    out[key] = encode(value, isCollection(value), true);
    path.pop();
  }
  return JSON.stringify(out);
}

type Tagged = { [key: string]: Encoded };

function tagOf(value: Tagged): (typeof TAGS)[number] | null {
  for (const key in value) return (TAGS as readonly string[]).includes(key) ? (key as (typeof TAGS)[number]) : null;
  return null;
}

/** Decodes what snapshotStore wrote; throws SnapshotError on anything it could not have written. */
function decodeAll(fields: Tagged): Record<string, unknown> {
  const defined = new Map<number, unknown>();
  // An empty container for an encoded array, Map, Set or plain object (null for anything else), so
  // that an object with an id is known before its contents are decoded.
  const shell = (value: Encoded): unknown[] | Map<unknown, unknown> | Set<unknown> | Record<string, unknown> | null => {
    if (value === null || typeof value !== "object") return null;
    if (Array.isArray(value)) return [];
    const tag = tagOf(value);
    return tag === "$map" ? new Map() : tag === "$set" ? new Set() : tag === null ? {} : null;
  };
  const decode = (value: Encoded, into?: ReturnType<typeof shell>): unknown => {
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) {
      const out = (into as unknown[] | undefined) ?? [];
      for (const item of value) out.push(decode(item));
      return out;
    }
    const tag = tagOf(value);
    switch (tag) {
      case "$map": {
        const out = (into as Map<unknown, unknown> | undefined) ?? new Map();
        const flat = value.$map;
        if (!Array.isArray(flat) || flat.length % 2 !== 0) throw new SnapshotError("a $map that is not a list of keys and values");
        for (let i = 0; i < flat.length; i += 2) out.set(decode(flat[i]!), decode(flat[i + 1]!));
        return out;
      }
      case "$set": {
        const out = (into as Set<unknown> | undefined) ?? new Set();
        if (!Array.isArray(value.$set)) throw new SnapshotError("a $set that is not a list");
        for (const item of value.$set) out.add(decode(item));
        return out;
      }
      case "$date":
        return new Date(String(value.$date));
      case "$num":
        return Number(value.$num);
      case "$undef":
        return undefined;
      case "$big":
        return BigInt(String(value.$big));
      case "$id": {
        const id = Number(value.$id);
        const inner = value.$v as Encoded;
        const container = shell(inner);
        if (container === null) {
          const decoded = decode(inner);
          defined.set(id, decoded);
          return decoded;
        }
        defined.set(id, container);
        return decode(inner, container);
      }
      case "$ref": {
        const id = Number(value.$ref);
        if (!defined.has(id)) throw new SnapshotError(`reference ${id} before its definition`);
        return defined.get(id);
      }
      case "$fields":
        return { __fields: decode(value.$fields as Encoded) };
      default: {
        const out = (into as Record<string, unknown> | undefined) ?? {};
        for (const key in value) out[key.startsWith("$$") ? key.slice(1) : key] = decode(value[key]!);
        return out;
      }
    }
  };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) out[key] = decode(value);
  return out;
}

function isFieldsOf(value: unknown): value is { __fields: Record<string, unknown> } {
  return typeof value === "object" && value !== null && "__fields" in value && Object.keys(value).length === 1;
}

/**
 * A store with the snapshot's state: a fresh instance for the saved seed and anchor with each saved
 * field in place of the fresh one. A class instance (the PRNG) gets its saved fields; a plain
 * object (sequences, pushed lists) keeps keys the class has added since (a new sequence starts at
 * its default). Fields the class no longer has are ignored; new fields keep their defaults.
 */
export function restoreStore(snapshot: unknown): MagentoStore {
  if (typeof snapshot !== "object" || snapshot === null || Array.isArray(snapshot)) throw new SnapshotError("no store in the snapshot");
  const values = decodeAll(snapshot as Tagged);
  const seed = values.seed;
  const anchor = values.anchor;
  if (typeof seed !== "number" || typeof anchor !== "number") throw new SnapshotError("the snapshot has no seed or anchor");
  const store = new MagentoStore(seed, anchor);
  const target = store as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(values)) {
    if (!Object.hasOwn(target, key) || typeof target[key] === "function") continue;
    const current = target[key];
    const currentIsObject = typeof current === "object" && current !== null;
    if (isFieldsOf(value)) {
      if (!currentIsObject) throw new SnapshotError(`store.${key} is no longer an object`);
      Object.assign(current, value.__fields);
    } else if (currentIsObject && isPlain(current) && typeof value === "object" && value !== null && isPlain(value)) {
      Object.assign(current, value);
    } else {
      target[key] = value;
    }
  }
  return store;
}
