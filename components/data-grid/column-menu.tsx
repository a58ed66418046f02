"use client";

import type { ClientColumn } from "@/lib/grid/display";

// Show/hide and order of columns. Changes apply at once; the grid saves them for the user.

export function ColumnMenu({
  columns,
  order,
  visible,
  folded,
  onShowFolded,
  onChange,
  saving,
  message,
}: {
  columns: ClientColumn[];
  order: string[];
  visible: Record<string, boolean>;
  /** Shown columns folded away to fit the screen: unticked here, ticking one brings it back. */
  folded: string[];
  onShowFolded: (id: string) => void;
  onChange: (order: string[], visible: Record<string, boolean>) => void;
  saving: boolean;
  message: string | null;
}) {
  const byId = new Map(columns.map((c) => [c.id, c]));
  const shown = order.filter((id) => visible[id] !== false).length;
  const move = (index: number, by: number) => {
    const next = [...order];
    const [item] = next.splice(index, 1);
    next.splice(index + by, 0, item!);
    onChange(next, visible);
  };
  return (
    <details className="relative">
      <summary className="cursor-pointer list-none rounded-md bg-white px-3 py-1.5 text-sm font-medium text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-brand-500">
        Columns
      </summary>
      <div className="absolute right-0 z-20 mt-2 w-72 rounded-lg bg-white p-3 shadow-lg ring-1 ring-slate-200">
        <p className="mb-2 text-xs text-slate-500">Your choice is remembered for this list.</p>
        <ul className="max-h-80 space-y-1 overflow-y-auto">
          {order.map((id, index) => {
            const column = byId.get(id);
            if (!column) return null;
            const isFolded = folded.includes(id);
            const isVisible = visible[id] !== false && !isFolded;
            return (
              <li key={id} className="flex items-center gap-2 text-sm">
                <input
                  id={`col-${id}`}
                  type="checkbox"
                  className="h-4 w-4 rounded border-slate-300"
                  checked={isVisible}
                  // The last visible column stays: a grid of no columns helps no one.
                  disabled={isVisible && shown === 1}
                  onChange={(e) => (isFolded ? onShowFolded(id) : onChange(order, { ...visible, [id]: e.target.checked }))}
                />
                <label htmlFor={`col-${id}`} className="flex-1 text-slate-800">
                  {column.label}
                  {isFolded ? <span className="text-xs text-slate-500"> (folded to fit)</span> : null}
                </label>
                <button
                  type="button"
                  aria-label={`Move ${column.label} up`}
                  disabled={index === 0}
                  onClick={() => move(index, -1)}
                  className="rounded px-1.5 text-slate-600 hover:bg-slate-100 disabled:opacity-30"
                >
                  ↑
                </button>
                <button
                  type="button"
                  aria-label={`Move ${column.label} down`}
                  disabled={index === order.length - 1}
                  onClick={() => move(index, 1)}
                  className="rounded px-1.5 text-slate-600 hover:bg-slate-100 disabled:opacity-30"
                >
                  ↓
                </button>
              </li>
            );
          })}
        </ul>
        <p role="status" className="mt-2 h-4 text-xs text-slate-500">
          {saving ? "Saving…" : (message ?? "")}
        </p>
      </div>
    </details>
  );
}
