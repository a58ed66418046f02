// A sorted index over one entity's records so that a search page costs O(log n + page) instead of
// evaluating and sorting every record: column objects are computed once per store version, and
// per sort field the records are kept sorted by (field, id) — MySQL's ORDER BY field, id. A search
// whose order is "field ASC, id ASC" (or "id ASC" under an `eq` on the field) uses the index:
// single-filter groups on the field (eq/gt/gteq/lt/lteq/…) become a binary-searched range, the
// other groups are evaluated exactly (matchesFilter) on the records of that range. Anything else
// falls back to runSearch, so the answers are always exactly runSearch's.
//
// Correctness rests on the store's version: every change of a record (REST writes, ticks, store
// methods) bumps MagentoStore.version, and the index rebuilds (cheaply: re-sorting the previous
// order) on the next search.
import {
  CONDITION_TYPES,
  checkColumns,
  compare,
  matchesFilter,
  pageBounds,
  runSearch,
  type Filter,
  type SearchCriteria,
  type SearchOptions,
} from "./search";
import type { Json } from "./types";

type Entry<T> = { record: T; columns: Json; id: number };
type Key = string | number | null;
type Slot<T> = { entry: Entry<T>; key: Key };

type View<T> = {
  /** Sorted by (key ASC with NULL first, id ASC). */
  slots: Slot<T>[];
  /** Index of the first non-NULL key. */
  firstNonNull: number;
  /** Whether binary search on the field is sound (all non-NULL values numbers, or all MySQL datetimes). */
  usable: boolean;
};

const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const LOWER = new Set(["gt", "gteq", "moreq", "from"]);
const UPPER = new Set(["lt", "lteq", "to"]);
const KNOWN_CONDITIONS: ReadonlySet<string> = new Set(CONDITION_TYPES);

export type IndexSource<T> = {
  records: () => Iterable<T>;
  columns: (record: T) => Json;
  idColumn: string;
  /** Changes whenever any record (or anything its columns depend on) changes. */
  version: () => number;
};

export class SearchIndex<T> {
  private builtVersion = -1;
  private entries: Entry<T>[] = [];
  private byRecord = new Map<T, Entry<T>>();
  /** False when ids are not unique numbers: every search then takes the slow path. */
  private usable = true;
  private views = new Map<string, View<T>>();
  /** The sorted record order of each view at the previous version (re-sorting it is nearly linear). */
  private previousOrder = new Map<string, T[]>();
  /** How many searches took the index (fast) and how many fell back to runSearch (slow). */
  readonly stats = { fast: 0, slow: 0 };

  constructor(private readonly source: IndexSource<T>) {}

  private refresh() {
    const version = this.source.version();
    if (version === this.builtVersion) return;
    for (const [field, view] of this.views)
      this.previousOrder.set(
        field,
        view.slots.map((s) => s.entry.record),
      );
    this.views.clear();
    this.entries = [];
    this.byRecord = new Map();
    this.usable = true;
    const ids = new Set<number>();
    for (const record of this.source.records()) {
      const columns = this.source.columns(record);
      const id = columns[this.source.idColumn];
      if (typeof id !== "number" || Number.isNaN(id) || ids.has(id)) this.usable = false;
      ids.add(id as number);
      const entry: Entry<T> = { record, columns, id: id as number };
      this.entries.push(entry);
      this.byRecord.set(record, entry);
    }
    this.builtVersion = version;
  }

  private view(field: string): View<T> {
    const existing = this.views.get(field);
    if (existing) return existing;
    // Start from the previous order (still-present records), then the new ones: mostly sorted already.
    const slots: Slot<T>[] = [];
    const placed = new Set<Entry<T>>();
    let numbers = 0,
      datetimes = 0,
      others = 0;
    const add = (entry: Entry<T>) => {
      const v = entry.columns[field];
      let key: Key = null;
      if (v === null || v === undefined) key = null;
      else if (typeof v === "number" && !Number.isNaN(v)) {
        key = v;
        numbers++;
      } else if (typeof v === "string" && DATETIME.test(v)) {
        key = v;
        datetimes++;
      } else others++;
      slots.push({ entry, key });
      placed.add(entry);
    };
    for (const record of this.previousOrder.get(field) ?? []) {
      const entry = this.byRecord.get(record);
      if (entry && !placed.has(entry)) add(entry);
    }
    for (const entry of this.entries) if (!placed.has(entry)) add(entry);
    const usable = others === 0 && (numbers === 0 || datetimes === 0);
    if (usable) {
      slots.sort((a, b) => {
        if (a.key !== b.key) {
          if (a.key === null) return -1;
          if (b.key === null) return 1;
          return a.key < b.key ? -1 : 1;
        }
        return a.entry.id - b.entry.id;
      });
    }
    let firstNonNull = 0;
    while (firstNonNull < slots.length && slots[firstNonNull]!.key === null) firstNonNull++;
    const view = { slots, firstNonNull, usable };
    this.views.set(field, view);
    this.previousOrder.delete(field);
    return view;
  }

  /** Exactly runSearch(records, c, options), faster when the criteria fit the index. */
  search(c: SearchCriteria, options: Omit<SearchOptions<T>, "columns">): { items: T[]; total: number } {
    checkColumns(c, options.known);
    const plan = this.plan(c, options.idColumn);
    if (!plan) {
      this.stats.slow++;
      return runSearch(this.source.records(), c, { ...options, columns: this.source.columns });
    }
    this.stats.fast++;
    const { view, start, end, residual } = plan;
    if (residual.length === 0) {
      const [from, to] = pageBounds(end - start, c, options.replayLastPage);
      const items: T[] = [];
      for (let i = start + from; i < start + to; i++) items.push(view.slots[i]!.entry.record);
      return { items, total: end - start };
    }
    const matched: T[] = [];
    for (let i = start; i < end; i++) {
      const { columns, record } = view.slots[i]!.entry;
      let ok = true;
      for (const group of residual) {
        if (!group.some((f) => matchesFilter(columns, f))) {
          ok = false;
          break;
        }
      }
      if (ok) matched.push(record);
    }
    const [pFrom, pTo] = pageBounds(matched.length, c, options.replayLastPage);
    return { items: matched.slice(pFrom, pTo), total: matched.length };
  }

  /** The view and [start, end) range that hold every match in the requested order, or null (slow path). */
  private plan(c: SearchCriteria, idColumn: string): { view: View<T>; start: number; end: number; residual: Filter[][] } | null {
    if (idColumn !== this.source.idColumn) return null;
    for (const g of c.filterGroups) for (const f of g) if (!KNOWN_CONDITIONS.has(f.conditionType)) return null;
    this.refresh();
    if (!this.usable) return null;
    const order = [
      ...(c.sortOrders.length ? c.sortOrders : [{ field: idColumn, direction: "ASC" as const }]),
      { field: idColumn, direction: "ASC" as const },
    ];
    const single = c.filterGroups.filter((g) => g.length === 1).map((g) => g[0]!);
    const candidates = new Set<string>([order[0]!.field]);
    for (const f of single) if (f.conditionType === "eq") candidates.add(f.field);
    let best: { view: View<T>; start: number; end: number; bound: Set<Filter[]> } | null = null;
    for (const field of candidates) {
      const pinned = single.some((f) => f.field === field && f.conditionType === "eq");
      if (!this.orderFits(order, field, pinned, idColumn)) continue;
      const view = this.view(field);
      if (!view.usable) continue;
      const range = this.range(view, field, c.filterGroups);
      if (!best || range.end - range.start < best.end - best.start) best = { view, ...range };
    }
    if (!best) return null;
    const residual = c.filterGroups.filter((g) => g.length > 0 && !best.bound.has(g));
    return { view: best.view, start: best.start, end: best.end, residual };
  }

  /**
   * Whether sorting by (field ASC, id ASC) gives the requested order: the order must be `field ASC`
   * then the id ascending (later keys only break ties the id already broke). When the field is
   * pinned to one value by an `eq` filter, sorts on it are no-ops and the order must start with the id.
   */
  private orderFits(order: { field: string; direction: "ASC" | "DESC" }[], field: string, pinned: boolean, idColumn: string): boolean {
    let i = 0;
    if (!pinned) {
      if (order[0]!.field !== field || order[0]!.direction !== "ASC") return false;
      i = 1;
    }
    while (i < order.length && order[i]!.field === field) i++;
    if (field === idColumn) return true;
    return i < order.length && order[i]!.field === idColumn && order[i]!.direction === "ASC";
  }

  /** Narrows [0, n) by the single-filter groups on the view's field; those groups hold for all of it. */
  private range(view: View<T>, field: string, groups: Filter[][]): { start: number; end: number; bound: Set<Filter[]> } {
    const { slots, firstNonNull } = view;
    let start = 0;
    let end = slots.length;
    const bound = new Set<Filter[]>();
    // first index in [lo, n) where pred holds; pred is false…false true…true there
    const first = (lo: number, pred: (columns: Json) => boolean) => {
      let hi = slots.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (pred(slots[mid]!.entry.columns)) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
    for (const g of groups) {
      if (g.length !== 1) continue;
      const f = g[0]!;
      if (f.field !== field) continue;
      const cond = f.conditionType;
      if (LOWER.has(cond)) {
        // NULLs (first) never match; past them the filter is monotone false → true.
        start = Math.max(
          start,
          first(0, (col) => matchesFilter(col, f)),
        );
      } else if (UPPER.has(cond)) {
        start = Math.max(start, firstNonNull);
        end = Math.min(
          end,
          first(firstNonNull, (col) => !matchesFilter(col, f)),
        );
      } else if (cond === "eq") {
        start = Math.max(
          start,
          firstNonNull,
          first(firstNonNull, (col) => (compare(col[field], f.value) ?? -1) >= 0),
        );
        end = Math.min(
          end,
          first(firstNonNull, (col) => (compare(col[field], f.value) ?? -1) > 0),
        );
      } else continue;
      bound.add(g);
    }
    if (end < start) end = start;
    return { start, end, bound };
  }
}
