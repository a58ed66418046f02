import { DATE_RANGE_LABELS } from "@/lib/date-presets";
import { countOf, singularOf } from "@/lib/format/count";
import { gridQueryString } from "@/lib/grid/params";
import type { FilterValue, GridState } from "@/lib/grid/types";
import type { ClientColumn, ClientDefinition } from "@/lib/grid/display";

// Links of a grid view: every control is a URL, so back/forward work and a link reproduces the view.

/** `basePath` may carry its own query (a customer page's `?tab=carts`): the grid's joins it with `&`. */
export function gridHref(
  basePath: string,
  definition: Pick<ClientDefinition, "defaultSort">,
  state: GridState,
  change: Partial<GridState> = {},
): string {
  const query = gridQueryString(definition, state, change);
  if (!query || !basePath.includes("?")) return `${basePath}${query}`;
  return `${basePath}&${query.slice(1)}`;
}

/** True when the view is narrowed by anything the user chose (filters, search, channel). */
export function isFiltered(state: GridState): boolean {
  return Object.keys(state.filters).length > 0 || state.q !== null || state.channelId !== null || Boolean(state.segmentId);
}

export const CLEARED: Partial<GridState> = { filters: {}, q: null, channelId: null, segmentId: null, page: 1 };

export function withoutFilter(state: GridState, columnId: string): Partial<GridState> {
  const filters = { ...state.filters };
  delete filters[columnId];
  return { filters, page: 1 };
}

export function withFilter(state: GridState, columnId: string, filter: FilterValue | null): Partial<GridState> {
  if (!filter) return withoutFilter(state, columnId);
  return { filters: { ...state.filters, [columnId]: filter }, page: 1 };
}

/** Clicking a header: ascending first, then descending; a new column starts ascending. */
export function sortChange(state: GridState, columnId: string): Partial<GridState> {
  const direction = state.sort.column === columnId && state.sort.direction === "asc" ? "desc" : "asc";
  return { sort: { column: columnId, direction }, page: 1 };
}

const TEXT_OPS = { contains: "contains", starts: "starts with", equals: "is" } as const;

/** A filter in words, for its chip: "Email starts with “jo”", "Status: Pending, Complete". */
export function describeFilter(column: Pick<ClientColumn, "label" | "options">, filter: FilterValue): string {
  switch (filter.kind) {
    case "text":
      return `${column.label} ${TEXT_OPS[filter.op]} “${filter.value}”`;
    case "choice": {
      const labels = filter.values.map((v) => column.options?.find((o) => o.value === v)?.label ?? v);
      return `${column.label}: ${labels.join(", ")}`;
    }
    case "number":
      if (filter.min !== null && filter.min === filter.max) return `${column.label} = ${filter.min}`;
      if (filter.min !== null && filter.max !== null) return `${column.label} ${filter.min} – ${filter.max}`;
      return filter.min !== null ? `${column.label} ≥ ${filter.min}` : `${column.label} ≤ ${filter.max}`;
    case "date":
      if (filter.preset) return `${column.label}: ${DATE_RANGE_LABELS[filter.preset]}`;
      if (filter.from && filter.to) return `${column.label}: ${filter.from} – ${filter.to}`;
      return filter.from ? `${column.label}: from ${filter.from}` : `${column.label}: until ${filter.to}`;
    case "boolean":
      return `${column.label}: ${filter.value ? "Yes" : "No"}`;
  }
}

/** "1 order", "1,234 orders" or "10,000+ orders", from the grid's plural noun. */
export function countLabel(total: number, capped: boolean, noun: string): string {
  return countOf(total, singularOf(noun), { capped, plural: noun });
}

/** Page numbers to link around the current one (1 … 4 5 [6] 7 8 … 120); null = a gap. */
export function pageWindow(page: number, last: number | null): (number | null)[] {
  const end = last ?? page + 1;
  const pages = new Set<number>([1, page - 2, page - 1, page, page + 1, page + 2]);
  if (last !== null) pages.add(last);
  const sorted = [...pages].filter((p) => p >= 1 && p <= end).sort((a, b) => a - b);
  const out: (number | null)[] = [];
  sorted.forEach((p, i) => {
    if (i > 0 && p - sorted[i - 1]! > 1) out.push(null);
    out.push(p);
  });
  return out;
}

/** The CSV export link of the view, or of selected rows (`ids=1,2,3`). */
export function exportHref(
  gridId: string,
  definition: Pick<ClientDefinition, "defaultSort">,
  state: GridState,
  ids: string[] | null,
): string {
  const query = new URLSearchParams(gridQueryString(definition, state, { page: 1 }).replace(/^\?/, ""));
  if (ids && ids.length) query.set("ids", ids.join(","));
  const text = query.toString();
  return `/export/${gridId}${text ? `?${text}` : ""}`;
}
