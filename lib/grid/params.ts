import { parseDatePreset } from "@/lib/date-presets";
import { filtersToSearchParams, parseReportFilters } from "@/lib/periods/filters";
import { allValues as all, firstValue as first, isCalendarDay, type SearchParams } from "@/lib/url-state";
import {
  PAGE_SIZES,
  type FilterKind,
  type FilterValue,
  type GridColumn,
  type GridDefinition,
  type GridNotice,
  type GridState,
  type PageSize,
  type TextOperator,
} from "./types";

// Grid state <-> URL. The URL is user input: everything is checked against the grid's definition,
// anything unknown or malformed is dropped with a notice (shown on the page), never passed on.
//
//   page=3  size=50  sort=grand_total | sort=-grand_total (descending)  q=jane  channel=2
//   f_<column>=…  text: "starts:jo", "contains:jo", "equals:jo"   choice: repeated (f_status=a&f_status=b)
//                 number: "10..250", "10..", "..250"   boolean: "yes" | "no"
//                 date: a preset of lib/date-presets.ts ("last_7_days"; the old "last7" is still read)
//                       | "2024-01-01..2024-01-31" (whole days)

export type { SearchParams };

export const MAX_PAGE = 100_000;
const MAX_TEXT = 100;
const MAX_CHOICES = 50;
const DECIMAL = /^-?\d{1,14}(\.\d{1,4})?$/;
const TEXT_OPERATORS: readonly TextOperator[] = ["contains", "starts", "equals"];

export function filterKindOf(column: GridColumn): FilterKind | null {
  if (column.filter !== undefined) return column.filter;
  switch (column.kind) {
    case "money":
    case "number":
      return "number";
    case "date":
      return "date";
    case "choice":
      return "choice";
    case "boolean":
      return "boolean";
    default:
      return "text";
  }
}

function parseFilter(column: GridColumn, raw: string[]): FilterValue | string {
  const kind = filterKindOf(column);
  const text = raw[0] ?? "";
  switch (kind) {
    case "text": {
      const colon = text.indexOf(":");
      const op = colon > 0 ? text.slice(0, colon) : "";
      const isOp = (TEXT_OPERATORS as readonly string[]).includes(op);
      // "regex:…" looks like an operator we do not have: say so rather than search for it.
      if (!isOp && /^[a-z_]{2,12}$/.test(op)) return `has an unknown operator "${op}" (use contains, starts or equals)`;
      const value = (isOp ? text.slice(colon + 1) : text).trim();
      if (!value) return "is empty";
      if (value.length > MAX_TEXT) return `is longer than ${MAX_TEXT} characters`;
      return { kind: "text", op: isOp ? (op as TextOperator) : "contains", value };
    }
    case "choice": {
      const values = [
        ...new Set(
          raw
            .flatMap((v) => v.split(","))
            .map((v) => v.trim())
            .filter(Boolean),
        ),
      ];
      if (values.length === 0) return "has no value";
      if (values.length > MAX_CHOICES) return `has more than ${MAX_CHOICES} values`;
      if (values.some((v) => v.length > MAX_TEXT)) return "has a value that is too long";
      const options = column.options;
      if (Array.isArray(options)) {
        const known = new Set(options.map((o) => o.value));
        const unknown = values.filter((v) => !known.has(v));
        if (unknown.length) return `has an unknown value: ${unknown.slice(0, 3).join(", ")}`;
      }
      return { kind: "choice", values };
    }
    case "number": {
      const [min = "", max = ""] = text.split("..");
      if (!text.includes(".."))
        return DECIMAL.test(text) ? { kind: "number", min: text, max: text } : "is not a number or a range like 10..250";
      if ((min && !DECIMAL.test(min)) || (max && !DECIMAL.test(max)) || (!min && !max)) return "is not a range like 10..250";
      return { kind: "number", min: min || null, max: max || null };
    }
    case "date": {
      const preset = parseDatePreset(text);
      if (preset) return { kind: "date", preset, from: null, to: null };
      const [from = "", to = ""] = text.split("..");
      if (!text.includes("..") || (!from && !to)) return "is not a date range like 2024-01-01..2024-01-31 or a preset";
      if ((from && !isCalendarDay(from)) || (to && !isCalendarDay(to))) return "has a date that does not exist";
      if (from && to && from > to) return "ends before it starts";
      return { kind: "date", preset: null, from: from || null, to: to || null };
    }
    case "boolean": {
      if (text === "yes" || text === "no") return { kind: "boolean", value: text === "yes" };
      return 'is not "yes" or "no"';
    }
    default:
      return "cannot be filtered";
  }
}

/** Reads a grid's state from the URL; returns what was ignored and why. */
export function parseGridState(definition: GridDefinition, params: SearchParams): { state: GridState; notices: GridNotice[] } {
  const notices: GridNotice[] = [];
  const columns = new Map(definition.columns.map((c) => [c.id, c]));

  let page = 1;
  const rawPage = first(params.page);
  if (rawPage !== undefined) {
    if (/^\d{1,9}$/.test(rawPage) && Number(rawPage) >= 1 && Number(rawPage) <= MAX_PAGE) page = Number(rawPage);
    else
      notices.push({
        param: "page",
        message: `Page "${rawPage.slice(0, 20)}" is not a page number from 1 to ${MAX_PAGE.toLocaleString("en-US")}; showing page 1.`,
      });
  }

  let pageSize: PageSize = 50;
  const rawSize = first(params.size);
  if (rawSize !== undefined) {
    const size = Number(rawSize);
    if ((PAGE_SIZES as readonly number[]).includes(size)) pageSize = size as PageSize;
    else
      notices.push({ param: "size", message: `Page size "${rawSize.slice(0, 20)}" is not one of ${PAGE_SIZES.join(", ")}; showing 50.` });
  }

  let sort = definition.defaultSort;
  const rawSort = first(params.sort);
  if (rawSort !== undefined) {
    const descending = rawSort.startsWith("-");
    const column = columns.get(descending ? rawSort.slice(1) : rawSort);
    if (column && column.sortable !== false) sort = { column: column.id, direction: descending ? "desc" : "asc" };
    else notices.push({ param: "sort", message: `Cannot sort by "${rawSort.slice(0, 40)}"; showing the default order.` });
  }

  let q: string | null = null;
  const rawQ = first(params.q)?.trim();
  if (rawQ) {
    if (rawQ.length <= MAX_TEXT) q = rawQ;
    else notices.push({ param: "q", message: `The search is longer than ${MAX_TEXT} characters and was ignored.` });
  }

  let channelId: number | null = null;
  const rawChannel = first(params.channel);
  if (rawChannel !== undefined && rawChannel !== "") {
    if (/^\d{1,9}$/.test(rawChannel)) channelId = Number(rawChannel);
    else notices.push({ param: "channel", message: `Channel "${rawChannel.slice(0, 20)}" is not a channel id; showing every channel.` });
  }

  let segmentId: number | null = null;
  const rawSegment = first(params.segment);
  if (rawSegment !== undefined && rawSegment !== "") {
    if (definition.segmentEntity && /^\d{1,15}$/.test(rawSegment)) segmentId = Number(rawSegment);
    else
      notices.push({
        param: "segment",
        message: definition.segmentEntity
          ? `Segment "${rawSegment.slice(0, 20)}" is not a segment id; it was ignored.`
          : "This list cannot be narrowed by a segment; it was ignored.",
      });
  }

  // Report grids read the reports' shared filters (range, from, to, bucket, website) as the report
  // page does; unreadable values fall back to the defaults there too.
  const report = definition.report ? parseReportFilters(params) : null;

  const filters: Record<string, FilterValue> = {};
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith("f_") || value === undefined) continue;
    const id = key.slice(2);
    const column = columns.get(id);
    if (!column || filterKindOf(column) === null) {
      notices.push({ param: key, message: `There is no filter "${id.slice(0, 40)}" on this list; it was ignored.` });
      continue;
    }
    const parsed = parseFilter(column, all(value));
    if (typeof parsed === "string") notices.push({ param: key, message: `The ${column.label} filter ${parsed}; it was ignored.` });
    else {
      filters[id] = parsed;
      const count = all(value).length;
      if (parsed.kind !== "choice" && count > 1)
        notices.push({ param: key, message: `The ${column.label} filter was given ${count} times; the first one is used.` });
    }
  }

  // segmentId and report only on grids that have them: other grids' states keep their shape.
  return {
    state: {
      page,
      pageSize,
      sort,
      filters,
      q,
      channelId,
      ...(definition.segmentEntity ? { segmentId } : {}),
      ...(definition.report ? { report } : {}),
    },
    notices,
  };
}

/** The URL query of a state (defaults left out), for links: sort headers, pages, filters. */
export function gridQueryString(
  definition: Pick<GridDefinition, "defaultSort">,
  state: GridState,
  change: Partial<GridState> = {},
): string {
  const next = { ...state, ...change };
  // The shared report filters as the report pages write them (the channel is the grid's own).
  const report = next.report;
  const out = report
    ? filtersToSearchParams({ ...report, channelId: null, bucket: report.bucketExplicit ? report.bucket : null })
    : new URLSearchParams();
  if (next.segmentId) out.set("segment", String(next.segmentId));
  if (next.q) out.set("q", next.q);
  if (next.channelId !== null) out.set("channel", String(next.channelId));
  for (const [id, filter] of Object.entries(next.filters)) {
    const key = `f_${id}`;
    switch (filter.kind) {
      case "text":
        out.set(key, `${filter.op}:${filter.value}`);
        break;
      case "choice":
        for (const value of filter.values) out.append(key, value);
        break;
      case "number":
        out.set(key, filter.min !== null && filter.min === filter.max ? filter.min : `${filter.min ?? ""}..${filter.max ?? ""}`);
        break;
      case "date":
        out.set(key, filter.preset ?? `${filter.from ?? ""}..${filter.to ?? ""}`);
        break;
      case "boolean":
        out.set(key, filter.value ? "yes" : "no");
        break;
    }
  }
  const defaultSort = definition.defaultSort;
  if (next.sort.column !== defaultSort.column || next.sort.direction !== defaultSort.direction) {
    out.set("sort", `${next.sort.direction === "desc" ? "-" : ""}${next.sort.column}`);
  }
  if (next.pageSize !== 50) out.set("size", String(next.pageSize));
  if (next.page !== 1) out.set("page", String(next.page));
  const text = out.toString();
  return text ? `?${text}` : "";
}
