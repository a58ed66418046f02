"use client";

import type { ClientColumn, DisplayRow } from "@/lib/grid/display";
import { cardFields } from "@/lib/grid/fit";
import { CellView } from "./cell-view";
import { RowActionButtons, type GridAction } from "./grid-actions";

// The grid on a phone: a card per row instead of a table too wide for the screen. A card shows the
// fields the grid's columns declare with their card roles (lib/grid/fit.ts): the number or name as
// its heading, linking to the record as the row does, then who, the amount, the status and the date.
// Selection and row actions work as on the table. Shown below the `sm` breakpoint, the table above.

export function GridCards({
  columns,
  rows,
  visible,
  selected,
  onSelect,
  rowActions,
  running,
  onRun,
  label,
}: {
  columns: ClientColumn[];
  rows: DisplayRow[];
  /** The user's shown columns (for grids whose cards take the first shown ones). */
  visible: Record<string, boolean>;
  selected: Record<string, boolean>;
  onSelect: (id: string, on: boolean) => void;
  rowActions?: GridAction[];
  running: string | null;
  onRun: (action: GridAction, ids: string[], from: "row" | "bulk") => void;
  label: string;
}) {
  const fields = cardFields(columns, new Set(columns.filter((c) => visible[c.id] !== false).map((c) => c.id)));
  const amount = fields.labelled ? undefined : fields.lines.find((c) => c.card === "amount");
  const lines = fields.lines.filter((c) => c !== amount);
  return (
    <ul aria-label={label} data-testid="grid-cards" className="space-y-2 sm:hidden">
      {rows.map((row) => {
        const title = row.cells[fields.title.id] ?? { text: "—" };
        return (
          <li key={row.id} data-testid="grid-card" className="rounded-lg bg-white p-3 text-sm shadow-sm ring-1 ring-slate-200">
            <div className="flex items-start gap-3">
              <input
                type="checkbox"
                aria-label={`Select ${title.text}`}
                className="mt-0.5 h-4 w-4 shrink-0 rounded border-slate-300"
                checked={selected[row.id] === true}
                onChange={(e) => onSelect(row.id, e.target.checked)}
              />
              <div className="min-w-0 flex-1">
                <div className="flex items-baseline justify-between gap-3">
                  <p data-card-field="title" className="min-w-0 truncate font-semibold">
                    <CellView cell={title} primaryHref={row.href} />
                  </p>
                  {amount ? (
                    <p data-card-field="amount" className="shrink-0 whitespace-nowrap font-medium tabular-nums text-slate-900">
                      <CellView cell={row.cells[amount.id] ?? { text: "—" }} primaryHref={null} />
                    </p>
                  ) : null}
                </div>
                <dl className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-slate-700">
                  {lines.map((column) => (
                    <div
                      key={column.id}
                      data-card-field={column.card ?? column.id}
                      className={`flex min-w-0 items-center gap-1 ${column.card === "who" ? "basis-full" : ""} ${column.kind === "date" || column.kind === "money" ? "whitespace-nowrap tabular-nums" : ""}`}
                    >
                      <dt className={fields.labelled ? "text-slate-500" : "sr-only"}>{column.label}:</dt>
                      <dd className="min-w-0 truncate">
                        <CellView cell={row.cells[column.id] ?? { text: "—" }} primaryHref={null} />
                      </dd>
                    </div>
                  ))}
                </dl>
                {rowActions?.length ? (
                  <div className="mt-2">
                    <RowActionButtons row={row} rowName={title.text} actions={rowActions} running={running} onRun={onRun} />
                  </div>
                ) : null}
              </div>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
