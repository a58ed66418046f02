"use client";

import type { ActionResult } from "@/lib/auth/action";
import type { DisplayRow } from "@/lib/grid/display";

// Actions a grid offers on one row (a button in the row's last cell) or on the selection (buttons
// above the table). Each posts the row ids to a server action, which checks the permission and
// says what it did; the grid shows that answer and reloads its rows. The page decides who gets
// them (a grid never shows an action its user may not take).

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type GridServerAction = (previous: ActionResult<any> | null, formData: FormData) => Promise<ActionResult<any>>;

/** One cell condition: the row's cell text (as shown) is one of / none of these. */
export type GridActionCondition = { column: string; is?: string[]; isNot?: string[] };

export type GridAction = {
  id: string;
  /** "Subscribe"; on a row the button's accessible name adds the row's name. */
  label: string;
  /** "Subscribing…" */
  pendingLabel: string;
  action: GridServerAction;
  /** Field the ids are posted under (repeated for a selection). */
  field: string;
  /** Fixed fields sent along, e.g. { subscribed: "1" }. */
  fields?: Record<string, string>;
  /** Row actions: offered on a row only when every condition holds. */
  when?: GridActionCondition[];
};

/** What the grid shows after an action: its sentence and, when the action lists them, the details. */
export type GridActionOutcome = { result: ActionResult<unknown>; actionLabel: string };

export function actionFormData(action: GridAction, ids: string[]): FormData {
  const data = new FormData();
  for (const id of ids) data.append(action.field, id);
  for (const [key, value] of Object.entries(action.fields ?? {})) data.set(key, value);
  return data;
}

export function offeredOn(row: DisplayRow, action: GridAction): boolean {
  return (action.when ?? []).every((c) => {
    const text = row.cells[c.column]?.text ?? "—";
    if (c.is && !c.is.includes(text)) return false;
    if (c.isNot && c.isNot.includes(text)) return false;
    return true;
  });
}

function notesOf(result: ActionResult<unknown>): string[] {
  if (!result.ok || !result.data || typeof result.data !== "object") return [];
  const notes = (result.data as { notes?: unknown }).notes;
  return Array.isArray(notes) ? notes.filter((n): n is string => typeof n === "string") : [];
}

/** The answer of the last row or bulk action, with the list of rows it refused. */
export function GridActionMessage({ outcome }: { outcome: GridActionOutcome | null }) {
  if (!outcome) return null;
  const { result } = outcome;
  const notes = notesOf(result);
  const text = result.ok ? (result.message ?? `${outcome.actionLabel}: done.`) : result.error;
  return (
    <div
      role={result.ok ? "status" : "alert"}
      className={`rounded-md px-3 py-2 text-sm ${result.ok ? (notes.length ? "bg-amber-50 text-amber-900" : "bg-emerald-50 text-emerald-800") : "bg-red-50 text-red-800"}`}
    >
      <p>{text}</p>
      {notes.length ? (
        <ul className="mt-1 list-disc pl-5" aria-label="Refused">
          {notes.map((note, i) => (
            <li key={i}>{note}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** The buttons for the selection: "For 3 selected: Subscribe · Unsubscribe". */
export function BulkActionsBar({
  actions,
  selectedIds,
  running,
  onRun,
}: {
  actions: GridAction[];
  selectedIds: string[];
  running: string | null;
  onRun: (action: GridAction, ids: string[], from: "row" | "bulk") => void;
}) {
  if (!selectedIds.length) return null;
  return (
    <div role="group" aria-label="Actions on the selected rows" className="flex flex-wrap items-center gap-2 text-sm">
      <span className="font-medium text-slate-700">For the {selectedIds.length.toLocaleString("en-US")} selected:</span>
      {actions.map((action) => (
        <button
          key={action.id}
          type="button"
          disabled={running !== null}
          onClick={() => onRun(action, selectedIds, "bulk")}
          className="rounded-md bg-white px-3 py-1.5 font-medium text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 disabled:opacity-60"
        >
          {running === `bulk:${action.id}` ? action.pendingLabel : action.label}
        </button>
      ))}
    </div>
  );
}

/** The buttons in one row's action cell. */
export function RowActionButtons({
  row,
  rowName,
  actions,
  running,
  onRun,
}: {
  row: DisplayRow;
  rowName: string;
  actions: GridAction[];
  running: string | null;
  onRun: (action: GridAction, ids: string[], from: "row" | "bulk") => void;
}) {
  const offered = actions.filter((a) => offeredOn(row, a));
  if (!offered.length) return <span className="text-slate-400">—</span>;
  return (
    <span className="flex gap-2">
      {offered.map((action) => (
        <button
          key={action.id}
          type="button"
          disabled={running !== null}
          aria-label={`${action.label} ${rowName}`}
          onClick={() => onRun(action, [row.id], "row")}
          className="rounded px-2 py-0.5 text-xs font-medium text-brand-700 ring-1 ring-inset ring-slate-300 hover:bg-brand-50 disabled:opacity-60"
        >
          {running === `row:${row.id}:${action.id}` ? action.pendingLabel : action.label}
        </button>
      ))}
    </span>
  );
}
