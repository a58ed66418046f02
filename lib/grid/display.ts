import { formatCompactDateTime, formatDateTime, formatUtc } from "@/lib/dates";
import { formatDecimal, formatMoney } from "@/lib/format/money";
import { filterKindOf } from "./params";
import { priorityOf } from "./fit";
import type { CardRole, ChoiceOption, ColumnKind, ColumnPriority, FilterKind, GridColumn, GridDefinition, SortSpec } from "./types";
import type { GridRow } from "./sql";

// Grid rows → what the browser shows. Cells are formatted on the server (exact money, dates in the
// viewer's zone) so the client component receives plain strings: nothing to re-compute, no float,
// no server/browser Intl differences at hydration.

export type { CardRole, ColumnPriority };
export type CellTone = "neutral" | "green" | "amber" | "red" | "blue";
export type DisplayCell = { text: string; title?: string; href?: string; tone?: CellTone };
export type DisplayRow = { id: string; href: string | null; cells: Record<string, DisplayCell> };

/** A column as the client component needs it (serializable: no SQL, no functions). */
export type ClientColumn = {
  id: string;
  label: string;
  kind: ColumnKind;
  filter: FilterKind | null;
  sortable: boolean;
  options: ChoiceOption[] | null;
  hiddenByDefault: boolean;
  align: "left" | "right";
  /** Long formatted text (the audit log's changes) wraps instead of widening the table. */
  wrap: boolean;
  /** Folding order on narrow screens (lib/grid/fit.ts). */
  priority: ColumnPriority;
  card: CardRole | null;
};

/** What the client needs of a definition. */
export type ClientDefinition = { id: string; noun: string; defaultSort: SortSpec; columns: ClientColumn[]; searchable: string[] };

const TONES: Record<string, CellTone> = {
  complete: "green",
  purchased: "green",
  converted: "green",
  subscribed: "green",
  refunded: "green",
  yes: "green",
  closed: "neutral",
  processing: "blue",
  open: "blue",
  new: "blue",
  pending: "amber",
  pending_payment: "amber",
  payment_review: "amber",
  holded: "amber",
  contacted: "amber",
  unconfirmed: "amber",
  not_active: "neutral",
  unknown: "neutral",
  no: "neutral",
  expired: "neutral",
  canceled: "red",
  lost: "red",
  unsubscribed: "red",
  fraud: "red",
};

export function statusTone(value: string): CellTone {
  return TONES[value] ?? "neutral";
}

function asDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== "string" && typeof value !== "number") return null;
  // Postgres text form "2024-01-02 03:04:05.123+00" → ISO, which every engine parses.
  const date = new Date(typeof value === "string" ? value.replace(" ", "T").replace(/([+-]\d{2})$/, "$1:00") : value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "pending_payment" → "Pending payment": Magento's status codes as the detail pages show them. */
export function humanizeCode(value: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(value)) return value;
  const words = value.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function labelOf(column: GridColumn, value: string): string {
  if (column.optionLabel) return column.optionLabel(value);
  if (Array.isArray(column.options)) return column.options.find((o) => o.value === value)?.label ?? value;
  return (column.badge ?? column.id === "status") ? humanizeCode(value) : value;
}

function displayCell(column: GridColumn, values: Record<string, unknown>, timeZone: string): DisplayCell {
  const raw = values[column.id];
  const href = column.hrefSql && typeof values[`${column.id}__href`] === "string" ? (values[`${column.id}__href`] as string) : undefined;
  if (raw === null || raw === undefined || raw === "") return { text: "—" };
  switch (column.kind) {
    case "money": {
      const currency = values[`${column.id}__currency`];
      return { text: formatMoney(String(raw), typeof currency === "string" ? currency : null), href };
    }
    case "number":
      return { text: column.plain ? String(raw) : formatDecimal(String(raw)), href };
    case "date": {
      const date = asDate(raw);
      // Compact in the cell (columns stay narrow); the title has it with the zone, and in UTC.
      if (!date) return { text: String(raw) };
      const zoned = formatDateTime(date, timeZone);
      const utc = formatUtc(date);
      return { text: formatCompactDateTime(date, timeZone), title: timeZone === "UTC" ? utc : `${zoned} (${utc})`, href };
    }
    case "boolean": {
      const yes = raw === true || raw === "t" || raw === "true";
      return { text: yes ? "Yes" : "No", href };
    }
    case "choice": {
      const value = String(raw);
      const badge = column.badge ?? column.id === "status";
      return { text: labelOf(column, value), href, ...(badge ? { tone: statusTone(value) } : {}) };
    }
    default: {
      if (!column.format) return { text: String(raw), href };
      const text = column.format(raw);
      // Long texts are cut in the cell; the whole text is the cell's title.
      return text.length > MAX_CELL_TEXT
        ? { text: `${text.slice(0, MAX_CELL_TEXT - 1)}…`, title: text, href }
        : { text: text || "—", href };
    }
  }
}

const MAX_CELL_TEXT = 160;

/**
 * One row for the browser. `backQuery` is the grid's own query string: the detail page gets it as
 * `?back=…` so its breadcrumb and prev/next arrows return to (and walk) this exact view.
 */
export function displayRow(definition: GridDefinition, row: GridRow, timeZone: string, backQuery = ""): DisplayRow {
  const cells: Record<string, DisplayCell> = {};
  for (const column of definition.columns) cells[column.id] = displayCell(column, row.values, timeZone);
  const back = backQuery.replace(/^\?/, "");
  const href = definition.detailPath ? `${definition.detailPath(row.id)}${back ? `?back=${encodeURIComponent(back)}` : ""}` : null;
  return { id: row.id, href, cells };
}

export function clientDefinition(definition: GridDefinition, choiceOptions: Record<string, ChoiceOption[]>): ClientDefinition {
  return {
    id: definition.id,
    noun: definition.noun,
    defaultSort: definition.defaultSort,
    searchable: [
      ...definition.columns.filter((c) => c.searchable).map((c) => c.label),
      ...(definition.searchAlso ? [definition.searchAlso.label] : []),
    ],
    columns: definition.columns.map((c, index) => ({
      id: c.id,
      label: c.label,
      kind: c.kind,
      filter: filterKindOf(c),
      sortable: c.sortable !== false,
      options: Array.isArray(c.options) ? [...c.options] : (choiceOptions[c.id] ?? null),
      hiddenByDefault: c.hiddenByDefault === true,
      // Amounts and counts line up on the right; identifiers (plain numbers) read like text.
      align: c.kind === "money" || (c.kind === "number" && !c.plain) ? "right" : "left",
      wrap: c.format !== undefined,
      priority: priorityOf(c, index),
      card: c.card ?? null,
    })),
  };
}
