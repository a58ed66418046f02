// searchCriteria as Magento's REST layer reads it from the query string (bracket syntax,
// snake_case or camelCase keys), evaluated with Magento/MySQL semantics: OR inside a filter
// group, AND across groups, case-insensitive string comparison, NULL never matching a
// comparison, sorting, paging and the `fields=` response filter.
import { MagentoError, invalidType, requiredField } from "./errors";
import type { Json } from "./types";
import { isRecord } from "./util";

export const CONDITION_TYPES = [
  "eq",
  "finset",
  "from",
  "gt",
  "gteq",
  "in",
  "like",
  "lt",
  "lteq",
  "moreq",
  "neq",
  "nfinset",
  "nin",
  "nlike",
  "notnull",
  "null",
  "to",
] as const;

export type Filter = { field: string; value: string; conditionType: string };
export type SortOrder = { field: string; direction: "ASC" | "DESC" };
export type SearchCriteria = {
  filterGroups: Filter[][];
  sortOrders: SortOrder[];
  pageSize?: number;
  currentPage?: number;
};

export const MAX_PAGE_SIZE = 300;

type Nested = { [key: string]: Nested | string };

/** Splits `a[b][c]` into ["a", "b", "c"]. */
function keyPath(key: string): string[] {
  const first = key.indexOf("[");
  if (first < 0) return [key];
  const parts = [key.slice(0, first)];
  const re = /\[([^\]]*)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(key.slice(first)))) parts.push(m[1]!);
  return parts;
}

/** PHP-style parsing of bracketed query keys into nested objects (insertion order kept). */
export function parseNestedQuery(params: URLSearchParams): Nested {
  const root: Nested = {};
  for (const [key, value] of params) {
    const path = keyPath(key);
    let node = root;
    for (let i = 0; i < path.length; i++) {
      const part = path[i]!;
      if (i === path.length - 1) {
        node[part] = value;
      } else {
        const next = node[part];
        if (!next || typeof next === "string") node[part] = {};
        node = node[part] as Nested;
      }
    }
  }
  return root;
}

/** snake_case and camelCase keys both work (the REST layer converts camelCase to snake_case). */
function pick(node: Nested | string | undefined, ...names: string[]): Nested | string | undefined {
  if (!node || typeof node === "string") return undefined;
  for (const name of names) if (node[name] !== undefined) return node[name];
  return undefined;
}

function asString(v: Nested | string | undefined): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function parseIntParam(raw: Nested | string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== "string" || !/^\s*-?\d+\s*$/.test(raw)) throw invalidType(typeof raw === "string" ? raw : "Array", "int");
  return Number.parseInt(raw, 10);
}

export function hasSearchCriteria(params: URLSearchParams): boolean {
  for (const key of params.keys()) if (key === "searchCriteria" || key.startsWith("searchCriteria[")) return true;
  return false;
}

/** Reads searchCriteria from the query; 400 "%fieldName is a required field." when it is absent. */
export function parseSearchCriteria(params: URLSearchParams): SearchCriteria {
  if (!hasSearchCriteria(params)) throw requiredField("searchCriteria");
  const nested = parseNestedQuery(params);
  const sc = nested.searchCriteria;
  const criteria: SearchCriteria = { filterGroups: [], sortOrders: [] };
  if (!sc || typeof sc === "string") return criteria;
  // Both spellings may even be mixed; their groups are merged.
  for (const groups of [sc.filter_groups, sc.filterGroups]) {
    if (!groups || typeof groups === "string") continue;
    for (const group of Object.values(groups)) {
      const filters = pick(group, "filters");
      const list: Filter[] = [];
      if (filters && typeof filters !== "string") {
        for (const f of Object.values(filters)) {
          if (typeof f === "string") continue;
          const field = asString(pick(f, "field"));
          if (field === undefined || field === "") throw requiredField("field");
          const conditionType = (asString(pick(f, "condition_type", "conditionType")) || "eq").toLowerCase();
          list.push({ field, value: asString(pick(f, "value")) ?? "", conditionType });
        }
      }
      criteria.filterGroups.push(list);
    }
  }
  for (const sorts of [sc.sort_orders, sc.sortOrders]) {
    if (!sorts || typeof sorts === "string") continue;
    for (const s of Object.values(sorts)) {
      if (typeof s === "string") continue;
      const field = asString(pick(s, "field"));
      if (!field) continue;
      const raw = (asString(pick(s, "direction")) ?? "DESC").toUpperCase();
      if (raw !== "ASC" && raw !== "DESC") {
        throw new MagentoError(400, 'Sorting direction "%1" is not supported. Use "ASC" or "DESC".', [raw]);
      }
      criteria.sortOrders.push({ field, direction: raw });
    }
  }
  const pageSize = parseIntParam(pick(sc, "page_size", "pageSize"));
  const currentPage = parseIntParam(pick(sc, "current_page", "currentPage"));
  if (pageSize !== undefined) {
    if (pageSize > MAX_PAGE_SIZE) throw new MagentoError(400, "Maximum SearchCriteria pageSize is %max", { max: MAX_PAGE_SIZE });
    criteria.pageSize = pageSize;
  }
  if (currentPage !== undefined) criteria.currentPage = currentPage;
  return criteria;
}

/** The `search_criteria` echo of a search response (snake_case, as Magento outputs it). */
export function echoCriteria(c: SearchCriteria): Json {
  const out: Json = {
    filter_groups: c.filterGroups.map((g) => ({
      filters: g.map((f) => ({ field: f.field, value: f.value, condition_type: f.conditionType })),
    })),
  };
  if (c.sortOrders.length) out.sort_orders = c.sortOrders.map((s) => ({ field: s.field, direction: s.direction }));
  if (c.pageSize !== undefined) out.page_size = c.pageSize;
  if (c.currentPage !== undefined) out.current_page = c.currentPage;
  return out;
}

// ------------------------------------------------------------------ evaluation (MySQL-like)

/** MySQL's string → number conversion: the leading numeric prefix, else 0 ("true" → 0). */
function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  const m = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(String(value));
  return m ? Number(m[0]) : 0;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** Compares a column value with a filter value; null when the column is NULL (SQL unknown). */
export function compare(column: unknown, value: string): number | null {
  if (column === null || column === undefined) return null;
  if (typeof column === "number" || typeof column === "boolean") {
    const a = toNumber(column);
    const b = toNumber(value);
    return a === b ? 0 : a < b ? -1 : 1;
  }
  let a = String(column).toLowerCase();
  let b = value.toLowerCase();
  // a date-only value against a datetime column means midnight, as MySQL casts it
  if (DATETIME.test(a) && DATE_ONLY.test(b)) b = `${b} 00:00:00`;
  if (DATETIME.test(b) && DATE_ONLY.test(a)) a = `${a} 00:00:00`;
  return a === b ? 0 : a < b ? -1 : 1;
}

function likeToRegExp(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "\\" && i + 1 < pattern.length) {
      out += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    } else if (ch === "%") out += "[\\s\\S]*";
    else if (ch === "_") out += "[\\s\\S]";
    else out += ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`, "i");
}

function listValues(value: string): string[] {
  return value.split(",").map((v) => v.trim());
}

function findInSet(column: unknown, value: string): boolean | null {
  if (column === null || column === undefined) return null;
  return String(column)
    .split(",")
    .some((v) => v.toLowerCase() === value.toLowerCase());
}

export function matchesFilter(columns: Json, f: Filter): boolean {
  const column = columns[f.field];
  const cmp = () => compare(column, f.value);
  switch (f.conditionType) {
    case "eq":
      return cmp() === 0;
    case "neq": {
      const c = cmp();
      return c !== null && c !== 0;
    }
    case "gt": {
      const c = cmp();
      return c !== null && c > 0;
    }
    case "gteq":
    case "moreq":
    case "from": {
      const c = cmp();
      return c !== null && c >= 0;
    }
    case "lt": {
      const c = cmp();
      return c !== null && c < 0;
    }
    case "lteq":
    case "to": {
      const c = cmp();
      return c !== null && c <= 0;
    }
    case "like":
      return column !== null && column !== undefined && likeToRegExp(f.value).test(String(column));
    case "nlike":
      return column !== null && column !== undefined && !likeToRegExp(f.value).test(String(column));
    case "in":
      return listValues(f.value).some((v) => compare(column, v) === 0);
    case "nin":
      return column !== null && column !== undefined && listValues(f.value).every((v) => compare(column, v) !== 0);
    case "null":
      return column === null || column === undefined;
    case "notnull":
      return column !== null && column !== undefined;
    case "finset":
      return findInSet(column, f.value) === true;
    case "nfinset":
      return findInSet(column, f.value) === false;
    default:
      throw new UnknownColumnError(`condition ${f.conditionType}`);
  }
}

/** A filter or sort on something the table doesn't have: Magento's SQL fails, the client gets a masked 500. */
export class UnknownColumnError extends Error {}

export type SearchOptions<T> = {
  columns: (record: T) => Json;
  /** Columns a filter or sort may name; others fail like an unknown SQL column. */
  known: ReadonlySet<string>;
  /** Default order when no sort is given (Magento: primary key). */
  idColumn: string;
  replayLastPage?: boolean;
};

/** Throws like Magento's SQL does for a filter or sort on a column the entity doesn't have. */
export function checkColumns(c: SearchCriteria, known: ReadonlySet<string>) {
  for (const g of c.filterGroups) for (const f of g) if (!known.has(f.field)) throw new UnknownColumnError(f.field);
  for (const s of c.sortOrders) if (!known.has(s.field)) throw new UnknownColumnError(s.field);
}

/** The [from, to) slice of `total` sorted matches that the criteria's page asks for. */
export function pageBounds(total: number, c: SearchCriteria, replayLastPage: boolean | undefined): [number, number] {
  if (c.pageSize === undefined || c.pageSize <= 0) return [0, total];
  let current = Math.max(1, c.currentPage ?? 1);
  const lastPage = Math.max(1, Math.ceil(total / c.pageSize));
  if (current > lastPage && replayLastPage) current = lastPage;
  const from = Math.min(total, (current - 1) * c.pageSize);
  return [from, Math.max(from, Math.min(total, current * c.pageSize))];
}

export function runSearch<T>(records: Iterable<T>, c: SearchCriteria, options: SearchOptions<T>): { items: T[]; total: number } {
  checkColumns(c, options.known);
  const matched: { record: T; columns: Json }[] = [];
  for (const record of records) {
    const columns = options.columns(record);
    let ok = true;
    for (const group of c.filterGroups) {
      if (group.length === 0) continue;
      if (!group.some((f) => matchesFilter(columns, f))) {
        ok = false;
        break;
      }
    }
    if (ok) matched.push({ record, columns });
  }
  const sorts = c.sortOrders.length ? c.sortOrders : [{ field: options.idColumn, direction: "ASC" as const }];
  matched.sort((a, b) => {
    for (const s of sorts) {
      const d = sortCompare(a.columns[s.field], b.columns[s.field]);
      if (d !== 0) return s.direction === "ASC" ? d : -d;
    }
    return sortCompare(a.columns[options.idColumn], b.columns[options.idColumn]);
  });
  const total = matched.length;
  const [from, to] = pageBounds(total, c, options.replayLastPage);
  return { items: matched.slice(from, to).map((m) => m.record), total };
}

/** ORDER BY semantics: NULL first ascending, numbers numerically, strings case-insensitively. */
export function sortCompare(a: unknown, b: unknown): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an && bn ? 0 : an ? -1 : 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" || typeof b === "boolean") return toNumber(a) - toNumber(b);
  const as = String(a).toLowerCase();
  const bs = String(b).toLowerCase();
  return as < bs ? -1 : as > bs ? 1 : 0;
}

// ------------------------------------------------------------------ fields= response filter

export type FieldTree = Map<string, FieldTree | null>;

/** Parses `items[entity_id,increment_id,billing_address[city]],total_count`. */
export function parseFields(spec: string): FieldTree {
  let pos = 0;
  function list(): FieldTree {
    const tree: FieldTree = new Map();
    while (pos < spec.length) {
      let name = "";
      while (pos < spec.length && !",[]".includes(spec[pos]!)) name += spec[pos++];
      name = name.trim();
      let sub: FieldTree | null = null;
      if (spec[pos] === "[") {
        pos++;
        sub = list();
        if (spec[pos] === "]") pos++;
      }
      if (name) tree.set(name, sub);
      if (spec[pos] === ",") {
        pos++;
        continue;
      }
      if (spec[pos] === "]" || pos >= spec.length) break;
    }
    return tree;
  }
  return list();
}

export function applyFields(value: unknown, tree: FieldTree): unknown {
  if (Array.isArray(value)) return value.map((v) => applyFields(v, tree));
  if (!isRecord(value)) return value;
  const out: Json = {};
  for (const [name, sub] of tree) {
    if (!(name in value)) continue;
    out[name] = sub ? applyFields(value[name], sub) : value[name];
  }
  return out;
}
