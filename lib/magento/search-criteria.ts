import { decimalFromNumber, formatMagentoDateTime } from "./schemas/primitives";
import { encodeQuery } from "./url";

// searchCriteria for Magento's search routes: the data (`SearchCriteria`), a small builder,
// and serialisation to `searchCriteria[filter_groups][i][filters][j][field|value|condition_type]`.
// Semantics (shared/magento/README, fact 1): filters in one group are ORed, groups are ANDed;
// (A AND B) OR (C AND D) cannot be written. Only top-level attributes can be filtered.

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
export type ConditionType = (typeof CONDITION_TYPES)[number];

/** Magento's default cap on pageSize since 2.4.3 (a larger page is refused). */
export const MAX_PAGE_SIZE = 300;

export type FilterScalar = string | number | boolean | Date;

export interface Filter {
  field: string;
  /** Defaults to "eq", as in Magento. */
  conditionType?: ConditionType;
  /** A list for `in`/`nin` (sent comma-separated); ignored by `null`/`notnull`. Dates are sent
   * as Magento's UTC "YYYY-MM-DD HH:MM:SS", booleans as 1/0. */
  value?: FilterScalar | readonly (string | number)[];
}

export type SortDirection = "ASC" | "DESC";
export interface SortOrder {
  field: string;
  direction: SortDirection;
}

export interface SearchCriteria {
  /** Each inner list is one group (its filters ORed); groups are ANDed. */
  filterGroups?: readonly (readonly Filter[])[];
  sortOrders?: readonly SortOrder[];
  /** 1..300. Always sent: without it Magento returns every match. */
  pageSize: number;
  /** 1-based; defaults to 1. */
  currentPage?: number;
  /** Response projection, e.g. "items[entity_id,increment_id],total_count". */
  fields?: string;
}

export class SearchCriteriaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SearchCriteriaError";
  }
}

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const CONDITIONS = new Set<string>(CONDITION_TYPES);

function scalarText(value: FilterScalar): string {
  if (value instanceof Date) return formatMagentoDateTime(value);
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "number") return decimalFromNumber(value);
  return value;
}

function filterValueText(filter: Filter): string {
  const condition = filter.conditionType ?? "eq";
  const { value } = filter;
  if (condition === "null" || condition === "notnull") return value === undefined ? "" : scalarText(value as FilterScalar);
  if (value === undefined) throw new SearchCriteriaError(`filter on "${filter.field}" (${condition}) needs a value`);
  if (condition === "in" || condition === "nin") {
    const list = Array.isArray(value) ? value : [value as FilterScalar];
    if (list.length === 0) throw new SearchCriteriaError(`"${condition}" filter on "${filter.field}" needs at least one value`);
    return list
      .map((item: string | number) => {
        const text = scalarText(item);
        if (text.includes(",")) {
          throw new SearchCriteriaError(
            `"${condition}" values are sent comma-separated, so "${text}" (field "${filter.field}") cannot be matched`,
          );
        }
        return text;
      })
      .join(",");
  }
  if (Array.isArray(value)) throw new SearchCriteriaError(`only "in" and "nin" take a list (field "${filter.field}", ${condition})`);
  return scalarText(value as FilterScalar);
}

function checkInteger(name: string, value: number, min: number, max: number) {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SearchCriteriaError(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
  }
}

/** Checks the criteria and throws a SearchCriteriaError naming what is wrong. */
export function validateSearchCriteria(criteria: SearchCriteria): void {
  if (!Number.isInteger(criteria.pageSize) || criteria.pageSize < 1) {
    throw new SearchCriteriaError(`pageSize must be a whole number of at least 1, got ${criteria.pageSize}`);
  }
  if (criteria.pageSize > MAX_PAGE_SIZE) {
    throw new SearchCriteriaError(
      `pageSize ${criteria.pageSize} is over ${MAX_PAGE_SIZE}, the most Magento returns per page by default since 2.4.3`,
    );
  }
  checkInteger("currentPage", criteria.currentPage ?? 1, 1, Number.MAX_SAFE_INTEGER);
  const rangeEnds = new Map<string, Set<string>>();
  for (const group of criteria.filterGroups ?? []) {
    if (group.length === 0) throw new SearchCriteriaError("a filter group needs at least one filter");
    for (const filter of group) {
      if (!FIELD_NAME.test(filter.field)) throw new SearchCriteriaError(`"${filter.field}" is not a field name`);
      const condition = filter.conditionType ?? "eq";
      if (!CONDITIONS.has(condition)) throw new SearchCriteriaError(`unknown condition type "${condition}"`);
      filterValueText(filter);
      if (condition === "from" || condition === "to") {
        const ends = rangeEnds.get(filter.field) ?? new Set<string>();
        ends.add(condition);
        rangeEnds.set(filter.field, ends);
      }
    }
  }
  for (const [field, ends] of rangeEnds) {
    if (ends.size !== 2) throw new SearchCriteriaError(`"from" and "to" on "${field}" must be used together (Magento ignores one alone)`);
  }
  for (const sort of criteria.sortOrders ?? []) {
    if (!FIELD_NAME.test(sort.field)) throw new SearchCriteriaError(`"${sort.field}" is not a field name to sort on`);
    if (sort.direction !== "ASC" && sort.direction !== "DESC") {
      throw new SearchCriteriaError(`sort direction must be ASC or DESC, got "${String(sort.direction)}"`);
    }
  }
  if (criteria.fields !== undefined && criteria.fields.trim() === "") throw new SearchCriteriaError("fields must not be empty");
}

/** The query parameters as decoded name/value pairs, in a fixed order (for OAuth signing too). */
export function searchCriteriaParams(criteria: SearchCriteria): [string, string][] {
  validateSearchCriteria(criteria);
  const params: [string, string][] = [];
  (criteria.filterGroups ?? []).forEach((group, i) => {
    group.forEach((filter, j) => {
      const key = `searchCriteria[filter_groups][${i}][filters][${j}]`;
      params.push([`${key}[field]`, filter.field]);
      params.push([`${key}[value]`, filterValueText(filter)]);
      params.push([`${key}[condition_type]`, filter.conditionType ?? "eq"]);
    });
  });
  (criteria.sortOrders ?? []).forEach((sort, k) => {
    params.push([`searchCriteria[sortOrders][${k}][field]`, sort.field]);
    params.push([`searchCriteria[sortOrders][${k}][direction]`, sort.direction]);
  });
  params.push(["searchCriteria[pageSize]", String(criteria.pageSize)]);
  params.push(["searchCriteria[currentPage]", String(criteria.currentPage ?? 1)]);
  if (criteria.fields !== undefined) params.push(["fields", criteria.fields]);
  return params;
}

/** The encoded query string for the criteria (no leading "?"). */
export function searchCriteriaQuery(criteria: SearchCriteria): string {
  return encodeQuery(searchCriteriaParams(criteria));
}

/** The same criteria with `field` appended as a last sort key, unless already sorted on it, so
 * that pages do not overlap or skip records that tie on the other sort keys. */
export function withStableSort(criteria: SearchCriteria, idField: string): SearchCriteria {
  const sortOrders = criteria.sortOrders ?? [];
  if (sortOrders.some((sort) => sort.field === idField)) return criteria;
  return { ...criteria, sortOrders: [...sortOrders, { field: idField, direction: "ASC" }] };
}

/** Builder for the common cases. Each `where` adds an AND; `whereAny` adds one ORed group. */
export class SearchCriteriaBuilder {
  private readonly groups: Filter[][] = [];
  private readonly sorts: SortOrder[] = [];
  private size = 100;
  private page = 1;
  private projection: string | undefined;

  /** AND `field <condition> value`. */
  where(field: string, conditionType: ConditionType, value?: Filter["value"]): this {
    this.groups.push([{ field, conditionType, value }]);
    return this;
  }

  /** AND (filter1 OR filter2 OR …). */
  whereAny(...filters: Filter[]): this {
    this.groups.push([...filters]);
    return this;
  }

  /** AND from <= field <= to, as Magento's from/to pair (two groups). */
  between(field: string, from: FilterScalar, to: FilterScalar): this {
    this.groups.push([{ field, conditionType: "from", value: from }], [{ field, conditionType: "to", value: to }]);
    return this;
  }

  sortBy(field: string, direction: SortDirection = "ASC"): this {
    this.sorts.push({ field, direction });
    return this;
  }

  pageSize(size: number): this {
    this.size = size;
    return this;
  }

  currentPage(page: number): this {
    this.page = page;
    return this;
  }

  fields(projection: string): this {
    this.projection = projection;
    return this;
  }

  build(): SearchCriteria {
    const criteria: SearchCriteria = {
      filterGroups: this.groups.map((group) => [...group]),
      sortOrders: [...this.sorts],
      pageSize: this.size,
      currentPage: this.page,
      ...(this.projection === undefined ? {} : { fields: this.projection }),
    };
    validateSearchCriteria(criteria);
    return criteria;
  }
}

/** Starts a builder: `searchCriteria().where("status", "eq", "pending").pageSize(100).build()`. */
export function searchCriteria(): SearchCriteriaBuilder {
  return new SearchCriteriaBuilder();
}

/** One filter, for `whereAny`. */
export function filter(field: string, conditionType: ConditionType, value?: Filter["value"]): Filter {
  return { field, conditionType, value };
}
