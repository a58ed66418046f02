import type { ClientColumn } from "./display";
import type { CardRole, ColumnPriority } from "./types";

// How a grid fits its space (pure, shared by the grid component and its tests). Each column has a
// priority (1 = essential, never folds; 2 = normal; 3 = first to fold). When the columns the user
// shows are wider than the grid, columns fold away, lowest priority first and the rightmost of a
// priority first, until the rest fits; what still does not fit scrolls sideways. A folded column is
// still in the user's layout and the Columns menu, and shows again when there is room (or when the
// user asks for it there). On a phone the grid shows a card per row with the columns' card roles.

export type FitColumn = { id: string; priority: ColumnPriority; width: number };

/** Priority of a column: its own, else 1 for the first column (the row's name), else 2. */
export function priorityOf(column: { id: string; priority?: ColumnPriority }, index: number): ColumnPriority {
  return column.priority ?? (index === 0 ? 1 : 2);
}

/**
 * The ids of the columns to fold so that the rest fits `available` pixels, in the order they fold.
 * `columns` are the shown columns in display order with their natural widths; `fixed` is the width
 * of what never folds besides them (selection and actions columns); `keep` are columns the user
 * asked to see anyway. An unknown width (0: the table is not laid out) folds nothing.
 */
export function foldColumns(
  columns: readonly FitColumn[],
  available: number,
  options: { fixed?: number; keep?: ReadonlySet<string> } = {},
): string[] {
  if (!(available > 0)) return [];
  let total = (options.fixed ?? 0) + columns.reduce((sum, c) => sum + c.width, 0);
  const candidates = columns
    .map((column, index) => ({ column, index }))
    .filter(({ column }) => column.priority > 1 && !options.keep?.has(column.id))
    .sort((a, b) => b.column.priority - a.column.priority || b.index - a.index);
  const folded: string[] = [];
  for (const { column } of candidates) {
    if (total <= available) break;
    folded.push(column.id);
    total -= column.width;
  }
  return folded;
}

/** Width a column is assumed to need before it has been measured (px, padding included). */
export function estimatedWidth(column: Pick<ClientColumn, "kind" | "label">): number {
  const byKind = { date: 190, money: 120, number: 80, boolean: 80, choice: 130, text: 170 }[column.kind];
  return Math.max(byKind, column.label.length * 8 + 40);
}

const CARD_ORDER: CardRole[] = ["who", "amount", "status", "date"];

export type CardFields = {
  /** The card's heading (the row's number or name), linking to the record. */
  title: ClientColumn;
  /** The other lines, in order. */
  lines: ClientColumn[];
  /** The lines carry their column labels (no roles declared: any columns, so say which). */
  labelled: boolean;
};

/**
 * What a row's card shows: the columns with card roles (title, who, amount, status, date), or for a
 * grid that declares none, its first column and the next four of `visible` with their labels.
 */
export function cardFields(columns: readonly ClientColumn[], visible?: ReadonlySet<string>): CardFields {
  const first = columns[0];
  if (!first) throw new Error("a grid has at least one column");
  const byRole = new Map(columns.filter((c) => c.card).map((c) => [c.card!, c]));
  if (byRole.size) {
    return {
      title: byRole.get("title") ?? first,
      lines: CARD_ORDER.map((role) => byRole.get(role)).filter((c): c is ClientColumn => c !== undefined),
      labelled: false,
    };
  }
  const shown = columns.filter((c) => c.id !== first.id && (visible ? visible.has(c.id) : !c.hiddenByDefault));
  return { title: first, lines: shown.slice(0, 4), labelled: true };
}
