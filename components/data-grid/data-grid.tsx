"use client";

import {
  columnOrderingFeature,
  columnVisibilityFeature,
  rowSelectionFeature,
  rowSortingFeature,
  tableFeatures,
  useTable,
  type ColumnDef,
  type ColumnOrderState,
  type ColumnVisibilityState,
  type RowSelectionState,
} from "@tanstack/react-table";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useLayoutEffect, useMemo, useRef, useState, useTransition } from "react";
import type { ActionResult } from "@/lib/auth/action";
import type { ClientColumn, ClientDefinition, DisplayRow } from "@/lib/grid/display";
import { estimatedWidth, foldColumns } from "@/lib/grid/fit";
import { useHydrated } from "@/components/ui/use-hydrated";
import { PAGE_SIZES, type FilterValue, type GridState } from "@/lib/grid/types";
import { BulkAssignForm, type BulkAssign } from "./bulk-assign";
import {
  actionFormData,
  BulkActionsBar,
  GridActionMessage,
  offeredOn,
  RowActionButtons,
  type GridAction,
  type GridActionOutcome,
} from "./grid-actions";
import { ColumnMenu } from "./column-menu";
import { CellView } from "./cell-view";
import { GridCards } from "./grid-cards";
import { FilterEditor } from "./filter-panel";
import { gridQueryString } from "@/lib/grid/params";
import {
  CLEARED,
  countLabel,
  describeFilter,
  exportHref,
  gridHref,
  isFiltered,
  pageWindow,
  sortChange,
  withFilter,
  withoutFilter,
} from "./grid-url";

// The grid in the browser. TanStack Table keeps the table's own state (visible columns, their
// order, selected rows, the sort shown in headers); everything that changes which rows are shown
// lives in the URL, so each control below is a link or a router push.

const features = tableFeatures({ columnVisibilityFeature, columnOrderingFeature, rowSelectionFeature, rowSortingFeature });
type Features = typeof features;

// While a wide table scrolls sideways, the selection box and the first shown column stay at the
// left edge and the row actions at the right edge. Their cells take the row's background (a row is
// white, grey on hover, tinted when selected) so the columns passing under them do not show through.
const STICKY_END_HEAD = "right-0 z-20 shadow-[-1px_0_0_var(--color-slate-200)]";
const STICKY_END_CELL = "sticky right-0 z-[1] bg-inherit shadow-[-1px_0_0_var(--color-slate-200)]";
const STICKY_SELECT_HEAD = "left-0 z-20";
const STICKY_SELECT_CELL = "sticky left-0 z-[1] bg-inherit";
// The first column sticks right after the selection box, whose width the grid measures (--lead-left).
const STICKY_FIRST_HEAD = "left-[var(--lead-left,2.5rem)] z-20 shadow-[1px_0_0_var(--color-slate-200)]";
const STICKY_FIRST_CELL = "sticky left-[var(--lead-left,2.5rem)] z-[1] bg-inherit shadow-[1px_0_0_var(--color-slate-200)]";

const longText = (column: ClientColumn | undefined) =>
  column !== undefined && !column.wrap && (column.kind === "text" || (column.kind === "choice" && column.options === null));

export type SaveLayout = (previous: ActionResult | null, formData: FormData) => Promise<ActionResult>;

export interface DataGridProps {
  definition: ClientDefinition;
  state: GridState;
  rows: DisplayRow[];
  total: number;
  totalCapped: boolean;
  basePath: string;
  channels: { id: number; name: string }[];
  /** The user's visible columns in order, or null for the definition's default. */
  columnsPref: string[] | null;
  saveLayout: SaveLayout;
  /** Export links are offered (not on a scoped grid, which the export route cannot reproduce). */
  exportable: boolean;
  /** Bulk "Assign to…" for the selected rows (the carts grid, for people who work carts). */
  bulkAssign?: BulkAssign;
  /** Buttons on each row where their conditions hold (the page checks the permission). */
  rowActions?: GridAction[];
  /** Buttons on the selection (the page checks the permission). */
  bulkActions?: GridAction[];
  /** Grids a saved segment can narrow: the segments this user may apply, and the entity to save. */
  segments?: { id: number; name: string }[];
  segmentEntity?: string;
  /** Short name of the time zone the date cells are in ("UTC", "CET"), said once above the table. */
  zone?: string;
}

function initialLayout(definition: ClientDefinition, pref: string[] | null): { order: ColumnOrderState; visible: ColumnVisibilityState } {
  const ids = definition.columns.map((c) => c.id);
  const chosen = pref?.filter((id) => ids.includes(id)) ?? [];
  if (!chosen.length) return { order: ids, visible: Object.fromEntries(definition.columns.map((c) => [c.id, !c.hiddenByDefault])) };
  return {
    order: [...chosen, ...ids.filter((id) => !chosen.includes(id))],
    visible: Object.fromEntries(ids.map((id) => [id, chosen.includes(id)])),
  };
}

export function DataGrid({
  definition,
  state,
  rows,
  total,
  totalCapped,
  basePath,
  channels,
  columnsPref,
  saveLayout,
  exportable,
  bulkAssign,
  rowActions,
  bulkActions,
  segments,
  segmentEntity,
  zone,
}: DataGridProps) {
  const router = useRouter();
  const [navigating, startNavigation] = useTransition();
  const [layout, setLayout] = useState(() => initialLayout(definition, columnsPref));
  const [rowSelection, setRowSelection] = useState<RowSelectionState>({});
  const [allMatching, setAllMatching] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveMessage, setSaveMessage] = useState<string | null>(null);
  const [search, setSearch] = useState(state.q ?? "");
  const [running, setRunning] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<GridActionOutcome | null>(null);
  // Columns folded away to fit the grid's width, and those the user brought back anyway (Columns).
  const [folded, setFolded] = useState<string[]>([]);
  // The toolbar's menus act through React: until the page has hydrated they are disabled, so a
  // choice made in the first moment on a slow device is not silently lost.
  const hydrated = useHydrated();
  const [kept, setKept] = useState<ReadonlySet<string>>(() => new Set());
  const scrollBox = useRef<HTMLDivElement>(null);
  const tableRef = useRef<HTMLTableElement>(null);
  const widths = useRef(new Map<string, number>());

  const href = (change: Partial<GridState> = {}) => gridHref(basePath, definition, state, change);
  const go = (change: Partial<GridState>) => startNavigation(() => router.push(href(change)));
  const columnById = useMemo(() => new Map(definition.columns.map((c) => [c.id, c])), [definition]);
  const primaryColumn = definition.columns[0]?.id;
  // Row actions no row of this page offers take no column (the audit log's Undo is for account
  // changes only; a column of "—" would push the changes themselves off a 1280 px screen).
  const offeredActions = useMemo(() => (rowActions ?? []).filter((a) => rows.some((row) => offeredOn(row, a))), [rowActions, rows]);

  const columns = useMemo<ColumnDef<Features, DisplayRow>[]>(
    () => [
      {
        id: "__select",
        enableHiding: false,
        enableSorting: false,
        header: ({ table }) => (
          <input
            type="checkbox"
            aria-label="Select all rows on this page"
            className="h-4 w-4 rounded border-slate-300"
            checked={table.getIsAllPageRowsSelected()}
            ref={(el) => {
              if (el) el.indeterminate = table.getIsSomePageRowsSelected() && !table.getIsAllPageRowsSelected();
            }}
            onChange={table.getToggleAllPageRowsSelectedHandler()}
          />
        ),
        cell: ({ row }) => (
          <input
            type="checkbox"
            aria-label={`Select row ${row.original.cells[primaryColumn ?? ""]?.text ?? row.id}`}
            className="h-4 w-4 rounded border-slate-300"
            checked={row.getIsSelected()}
            onChange={row.getToggleSelectedHandler()}
          />
        ),
      },
      ...definition.columns.map((column): ColumnDef<Features, DisplayRow> => ({
        id: column.id,
        header: column.label,
        accessorFn: (row) => row.cells[column.id]?.text ?? "",
        enableSorting: column.sortable,
        cell: ({ row }) => (
          <CellView
            cell={row.original.cells[column.id] ?? { text: "—" }}
            primaryHref={column.id === primaryColumn ? row.original.href : null}
            truncate={longText(column)}
          />
        ),
      })),
      ...(offeredActions.length
        ? [
            {
              id: "__actions",
              enableHiding: false,
              enableSorting: false,
              header: () => "Actions",
              cell: ({ row }) => (
                <RowActionButtons
                  row={row.original}
                  rowName={row.original.cells[primaryColumn ?? ""]?.text ?? row.id}
                  actions={offeredActions}
                  running={running}
                  onRun={runAction}
                />
              ),
            } satisfies ColumnDef<Features, DisplayRow>,
          ]
        : []),
    ],
    // runAction is recreated each render but only reads state through setters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [definition, primaryColumn, offeredActions, running],
  );

  const shownIds = layout.order.filter((id) => layout.visible[id] !== false);
  // The first shown column names the row: it stays at the left edge and never folds away.
  const leadColumn = shownIds[0];

  /**
   * Folds the lowest-priority columns while the shown ones are wider than the grid (lib/grid/fit.ts).
   * Each column's width is measured without truncation or wrapping (the table laid out at its
   * min-content width for a moment, before the browser paints); a folded column keeps the width it
   * had when last shown, so it comes back once there is room for it.
   */
  const fit = useCallback(() => {
    const box = scrollBox.current;
    const element = tableRef.current;
    if (!box || !element || box.clientWidth === 0) return;
    const { width, minWidth } = element.style;
    element.style.width = "min-content";
    element.style.minWidth = "0";
    let fixed = 0;
    for (const th of element.querySelectorAll<HTMLTableCellElement>("thead th[data-column]")) {
      const id = th.dataset.column!;
      const measured = Math.ceil(th.getBoundingClientRect().width);
      if (id.startsWith("__")) fixed += measured;
      else widths.current.set(id, measured);
    }
    element.style.width = width;
    element.style.minWidth = minWidth;
    const next = foldColumns(
      shownIds.map((id) => {
        const column = columnById.get(id)!;
        return { id, priority: column.priority, width: widths.current.get(id) ?? estimatedWidth(column) };
      }),
      box.clientWidth,
      { fixed, keep: new Set([...kept, ...(leadColumn ? [leadColumn] : [])]) },
    );
    setFolded((previous) => (previous.length === next.length && previous.every((id, i) => id === next[i]) ? previous : next));
    // shownIds is derived from layout, which is listed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layout, kept, columnById, leadColumn]);

  useLayoutEffect(() => {
    fit();
  }, [fit, rows]);

  useLayoutEffect(() => {
    const box = scrollBox.current;
    if (!box || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => fit());
    observer.observe(box);
    return () => observer.disconnect();
  }, [fit]);

  // After every layout: where the first column sticks (the selection column's width as laid out).
  useLayoutEffect(() => {
    const select = tableRef.current?.querySelector<HTMLElement>('thead th[data-column="__select"]');
    if (select) tableRef.current!.style.setProperty("--lead-left", `${select.getBoundingClientRect().width}px`);
  });

  const displayed = useMemo(() => {
    const visible = { ...layout.visible };
    for (const id of folded) visible[id] = false;
    return visible;
  }, [layout.visible, folded]);

  const table = useTable({
    features,
    columns,
    data: rows,
    getRowId: (row) => row.id,
    manualSorting: true,
    enableRowSelection: true,
    state: {
      columnVisibility: displayed,
      columnOrder: ["__select", ...layout.order, "__actions"],
      rowSelection,
      sorting: [{ id: state.sort.column, desc: state.sort.direction === "desc" }],
    },
    onRowSelectionChange: (updater) => {
      setAllMatching(false);
      setRowSelection((previous) => (typeof updater === "function" ? updater(previous) : updater));
    },
  });

  /** Runs a row or bulk action; its answer stays shown, the rows reload. */
  function runAction(action: GridAction, ids: string[], from: "row" | "bulk") {
    const key = from === "row" ? `row:${ids[0]}:${action.id}` : `bulk:${action.id}`;
    setRunning(key);
    setOutcome(null);
    void action
      .action(null, actionFormData(action, ids))
      .then((result) => {
        setOutcome({ result, actionLabel: action.label });
        if (result.ok) {
          if (from === "bulk") setRowSelection({});
          router.refresh();
          // What the action started may finish a moment later (a push to Magento): look again once.
          setTimeout(() => router.refresh(), 3000);
        }
      })
      .catch(() =>
        setOutcome({
          result: {
            ok: false,
            code: "failed",
            error: "The portal did not answer, so it is not known whether this was sent. Reload the page to see, then try again if needed.",
          },
          actionLabel: action.label,
        }),
      )
      .finally(() => setRunning(null));
  }

  function changeLayout(order: string[], visible: Record<string, boolean>) {
    setLayout({ order, visible });
    setKept((previous) => new Set([...previous].filter((id) => visible[id] !== false)));
    const form = new FormData();
    form.set("grid", definition.id);
    form.set("columns", order.filter((id) => visible[id] !== false).join(","));
    form.set("pageSize", String(state.pageSize));
    setSaving(true);
    void saveLayout(null, form).then((result) => {
      setSaving(false);
      setSaveMessage(result.ok ? "Saved." : result.error);
    });
  }

  function changePageSize(size: number) {
    const form = new FormData();
    form.set("grid", definition.id);
    form.set("columns", layout.order.filter((id) => layout.visible[id] !== false).join(","));
    form.set("pageSize", String(size));
    // Remember it, then show page 1 at the new size (the URL says the size, so links keep it).
    void saveLayout(null, form).finally(() => go({ pageSize: size as GridState["pageSize"], page: 1 }));
  }

  function applyFilter(columnId: string, filter: FilterValue | null) {
    setEditing(null);
    go(withFilter(state, columnId, filter));
  }

  function onRowKey(event: React.KeyboardEvent<HTMLTableRowElement>, row: DisplayRow) {
    const tr = event.currentTarget;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const next = (event.key === "ArrowDown" ? tr.nextElementSibling : tr.previousElementSibling) as HTMLElement | null;
      next?.focus();
    } else if (event.key === "Enter" && event.target === tr && row.href) {
      router.push(row.href);
    }
  }

  function onRowClick(event: React.MouseEvent<HTMLTableRowElement>, row: DisplayRow) {
    if (!row.href || (event.target as HTMLElement).closest("a, button, input, label, select")) return;
    router.push(row.href);
  }

  const filtered = isFiltered(state);
  const filterable = definition.columns.filter((c) => c.filter !== null);
  const selectedIds = Object.keys(rowSelection);
  const lastPage = totalCapped ? null : Math.max(1, Math.ceil(total / state.pageSize));
  const hasNext = lastPage === null ? state.page * state.pageSize < total || rows.length === state.pageSize : state.page < lastPage;
  const allPageSelected = rows.length > 0 && rows.every((r) => rowSelection[r.id]);
  const editingColumn = editing ? columnById.get(editing) : undefined;
  const count = countLabel(total, totalCapped, definition.noun);

  return (
    // `isolate`: the grid's sticky layers stack among themselves, under the app's header.
    <div className="isolate space-y-3" aria-busy={navigating}>
      {/* The toolbar stays under the app header (3.5rem) while a long page scrolls (not on a phone,
          where it wraps to several lines). */}
      <div data-testid="grid-toolbar" className="z-30 -mx-1 flex flex-wrap items-center gap-2 bg-slate-50/95 px-1 py-2 sm:sticky sm:top-14">
        <form
          role="search"
          className="flex w-full min-w-0 gap-2 sm:w-auto sm:max-w-md sm:flex-1"
          onSubmit={(e) => {
            e.preventDefault();
            go({ q: search.trim() || null, page: 1 });
          }}
        >
          <label htmlFor={`${definition.id}-search`} className="sr-only">
            Search {definition.noun}
          </label>
          <input
            id={`${definition.id}-search`}
            type="search"
            value={search}
            maxLength={100}
            onChange={(e) => setSearch(e.target.value)}
            placeholder={definition.searchable.length ? `Search by ${definition.searchable.join(" or ").toLowerCase()}…` : "Search…"}
            className="block w-full min-w-0 rounded-md border-0 bg-white px-3 py-1.5 text-sm text-slate-900 ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-brand-500"
          />
          <button
            type="submit"
            className="rounded-md bg-white px-3 py-1.5 text-sm font-medium text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
          >
            Search
          </button>
        </form>
        {channels.length > 1 ? (
          <>
            <label htmlFor={`${definition.id}-channel`} className="sr-only">
              Channel
            </label>
            <select
              id={`${definition.id}-channel`}
              disabled={!hydrated}
              value={state.channelId ?? ""}
              onChange={(e) => go({ channelId: e.target.value ? Number(e.target.value) : null, page: 1 })}
              className="rounded-md border-0 bg-white py-1.5 pl-3 pr-8 text-sm text-slate-800 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500"
            >
              <option value="">All channels</option>
              {channels.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </>
        ) : null}
        {segmentEntity ? (
          <>
            <label htmlFor={`${definition.id}-segment`} className="sr-only">
              Segment
            </label>
            <select
              id={`${definition.id}-segment`}
              disabled={!hydrated}
              value={state.segmentId ?? ""}
              onChange={(e) => go({ segmentId: e.target.value ? Number(e.target.value) : null, page: 1 })}
              className="rounded-md border-0 bg-white py-1.5 pl-3 pr-8 text-sm text-slate-800 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500"
            >
              <option value="">All (no segment)</option>
              {(segments ?? []).map((s) => (
                <option key={s.id} value={s.id}>
                  Segment: {s.name}
                </option>
              ))}
            </select>
          </>
        ) : null}
        <div className="relative">
          <label htmlFor={`${definition.id}-add-filter`} className="sr-only">
            Add a filter
          </label>
          <select
            id={`${definition.id}-add-filter`}
            disabled={!hydrated}
            value=""
            onChange={(e) => setEditing(e.target.value || null)}
            className="rounded-md border-0 bg-white py-1.5 pl-3 pr-8 text-sm font-medium text-slate-800 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500"
          >
            <option value="">+ Filter…</option>
            {filterable.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <div className="ml-auto flex flex-wrap items-center gap-2">
          <ColumnMenu
            columns={definition.columns}
            order={layout.order}
            visible={layout.visible}
            folded={folded}
            onShowFolded={(id) => setKept((previous) => new Set([...previous, id]))}
            onChange={changeLayout}
            saving={saving}
            message={saveMessage}
          />
          {segmentEntity && filtered ? (
            <Link
              href={`/marketing/segments/new?entity=${segmentEntity}&query=${encodeURIComponent(gridQueryString(definition, { ...state, segmentId: null, page: 1 }))}`}
              className="rounded-md bg-white px-3 py-1.5 text-sm font-medium text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-brand-500"
            >
              Save as segment
            </Link>
          ) : null}
          {exportable ? (
            <a
              href={exportHref(definition.id, definition, state, allMatching ? null : selectedIds)}
              className="rounded-md bg-white px-3 py-1.5 text-sm font-medium text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-brand-500"
            >
              {selectedIds.length && !allMatching ? `Export selection (${selectedIds.length})` : "Export view (CSV)"}
            </a>
          ) : null}
        </div>
      </div>

      {editingColumn ? (
        <div className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
          <p className="mb-2 text-sm font-semibold text-slate-900">Filter by {editingColumn.label}</p>
          <FilterEditor
            key={editingColumn.id}
            column={editingColumn}
            current={state.filters[editingColumn.id]}
            onApply={(filter) => applyFilter(editingColumn.id, filter)}
            onCancel={() => setEditing(null)}
          />
        </div>
      ) : null}

      {filtered ? (
        <ul className="flex flex-wrap items-center gap-2" aria-label="Active filters">
          {state.q ? <Chip label={`Search: “${state.q}”`} removeHref={href({ q: null, page: 1 })} /> : null}
          {state.segmentId ? (
            <Chip
              label={`Segment: ${segments?.find((s) => s.id === state.segmentId)?.name ?? state.segmentId}`}
              removeHref={href({ segmentId: null, page: 1 })}
            />
          ) : null}
          {state.channelId !== null ? (
            <Chip
              label={`Channel: ${channels.find((c) => c.id === state.channelId)?.name ?? state.channelId}`}
              removeHref={href({ channelId: null, page: 1 })}
            />
          ) : null}
          {Object.entries(state.filters).map(([id, filter]) => {
            const column = columnById.get(id);
            if (!column) return null;
            return (
              <Chip
                key={id}
                label={describeFilter(column, filter)}
                onEdit={() => setEditing(id)}
                removeHref={href(withoutFilter(state, id))}
              />
            );
          })}
          <li>
            <Link href={href(CLEARED)} className="text-sm font-medium text-brand-700 hover:underline">
              Clear filters
            </Link>
          </li>
        </ul>
      ) : null}

      <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600">
        <p data-testid="grid-count">
          {totalCapped ? (
            <span
              title={`Counting stops at ${total.toLocaleString("en-US")} so long lists stay fast. Narrow the filters for an exact count.`}
              className="cursor-help underline decoration-dotted"
            >
              {count}
              <span className="sr-only"> (counting stops at {total.toLocaleString("en-US")} so the list stays fast)</span>
            </span>
          ) : (
            count
          )}
          {filtered ? (total === 1 && !totalCapped ? " matches" : " match") : ""}
        </p>
        {zone && definition.columns.some((c) => c.kind === "date" && displayed[c.id] !== false) ? (
          <p className="mr-auto text-xs text-slate-500">Times in {zone}</p>
        ) : null}
        {selectedIds.length ? (
          <p className="flex flex-wrap items-center gap-2" role="status">
            {allMatching ? <span>All {count} selected.</span> : <span>{selectedIds.length.toLocaleString("en-US")} selected.</span>}
            {allPageSelected && !allMatching && total > rows.length ? (
              <button type="button" className="font-medium text-brand-700 hover:underline" onClick={() => setAllMatching(true)}>
                Select all {count} matching
              </button>
            ) : null}
            <button
              type="button"
              className="font-medium text-brand-700 hover:underline"
              onClick={() => {
                setAllMatching(false);
                setRowSelection({});
              }}
            >
              Clear selection
            </button>
          </p>
        ) : null}
        {bulkAssign && !allMatching ? (
          <BulkAssignForm
            bulk={bulkAssign}
            selectedIds={selectedIds}
            gridId={definition.id}
            onDone={() => {
              setRowSelection({});
              router.refresh();
            }}
          />
        ) : null}
        {bulkActions?.length && !allMatching ? (
          <BulkActionsBar actions={bulkActions} selectedIds={selectedIds} running={running} onRun={runAction} />
        ) : null}
      </div>
      {allMatching && bulkActions?.length ? (
        <p className="text-sm text-slate-600">Actions apply to the rows you tick on this page, not to every matching row.</p>
      ) : null}
      <GridActionMessage outcome={outcome} />

      {rows.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-12 text-center">
          <p className="text-base font-semibold text-slate-900">
            {filtered ? "No results for these filters" : `No ${definition.noun} on this page`}
          </p>
          <p className="mt-2 text-sm text-slate-600">
            {filtered ? (
              <Link href={href(CLEARED)} className="font-medium text-brand-700 hover:underline">
                Clear filters
              </Link>
            ) : (
              <Link href={href({ page: 1 })} className="font-medium text-brand-700 hover:underline">
                Go to the first page
              </Link>
            )}
          </p>
        </div>
      ) : (
        <>
          <GridCards
            columns={definition.columns}
            rows={rows}
            visible={layout.visible}
            selected={rowSelection}
            onSelect={(id, on) => {
              setAllMatching(false);
              setRowSelection((previous) => {
                const next = { ...previous };
                if (on) next[id] = true;
                else delete next[id];
                return next;
              });
            }}
            rowActions={offeredActions}
            running={running}
            onRun={runAction}
            label={`${count}, page ${state.page}`}
          />
          {/* Below the sticky header and toolbar the table box fits the rest of the screen, so its own
            header row stays in view while its rows scroll. */}
          <div
            ref={scrollBox}
            data-testid="grid-scroll"
            className="hidden max-h-[calc(100vh-12rem)] overflow-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200 sm:block"
          >
            <table ref={tableRef} className="min-w-full text-left text-[13px]">
              <caption className="sr-only">
                {count}, page {state.page}
              </caption>
              <thead className="text-xs uppercase tracking-wide text-slate-500">
                {table.getHeaderGroups().map((group) => (
                  <tr key={group.id}>
                    {group.headers.map((header) => {
                      const meta = columnById.get(header.column.id);
                      const sorted = header.column.getIsSorted();
                      const ariaSort =
                        sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : meta?.sortable ? "none" : undefined;
                      return (
                        <th
                          key={header.id}
                          scope="col"
                          aria-sort={ariaSort}
                          data-column={header.column.id}
                          // Labels may wrap between words; the cells below decide the column's width.
                          className={`sticky top-0 z-10 border-b border-slate-200 bg-slate-50 px-2 py-2.5 align-bottom font-medium ${meta?.align === "right" ? "text-right" : ""} ${header.column.id === "__select" ? `w-10 pl-3 ${STICKY_SELECT_HEAD}` : ""} ${header.column.id === leadColumn ? STICKY_FIRST_HEAD : ""} ${header.column.id === "__actions" ? `pr-3 ${STICKY_END_HEAD}` : ""}`}
                        >
                          {meta?.sortable ? (
                            <Link
                              href={href(sortChange(state, meta.id))}
                              className="inline-flex items-end gap-1 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-brand-500"
                            >
                              {/* Short labels ("Cart #") stay on one line; longer ones may wrap between words. */}
                              <span className={meta.label.length <= 8 ? "whitespace-nowrap" : ""}>{meta.label}</span>
                              <span aria-hidden className="text-[10px]">
                                {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}
                              </span>
                            </Link>
                          ) : (
                            <table.FlexRender header={header} />
                          )}
                        </th>
                      );
                    })}
                  </tr>
                ))}
              </thead>
              <tbody className="divide-y divide-slate-100">
                {table.getRowModel().rows.map((row) => (
                  <tr
                    key={row.id}
                    tabIndex={0}
                    aria-selected={row.getIsSelected()}
                    onKeyDown={(e) => onRowKey(e, row.original)}
                    onClick={(e) => onRowClick(e, row.original)}
                    className={`${row.original.href ? "cursor-pointer" : ""} ${row.getIsSelected() ? "bg-brand-50" : "bg-white"} hover:bg-slate-50 focus-visible:bg-brand-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-brand-500`}
                  >
                    {row.getVisibleCells().map((cell) => {
                      const meta = columnById.get(cell.column.id);
                      return (
                        <td
                          key={cell.id}
                          // Dates and amounts never wrap and use tabular figures; long text is cut (CellView).
                          className={`${meta?.wrap ? "min-w-64 max-w-md whitespace-normal" : "whitespace-nowrap"} px-2 py-2 text-slate-800 ${meta?.align === "right" || meta?.kind === "date" ? "tabular-nums" : ""} ${meta?.align === "right" ? "text-right" : ""} ${cell.column.id === "__select" ? `pl-3 ${STICKY_SELECT_CELL}` : ""} ${cell.column.id === leadColumn ? STICKY_FIRST_CELL : ""} ${cell.column.id === "__actions" ? `pr-3 ${STICKY_END_CELL}` : ""}`}
                        >
                          <table.FlexRender cell={cell} />
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}

      <nav aria-label="Pages" className="flex flex-wrap items-center justify-between gap-3 text-sm text-slate-700">
        <p>
          Page {state.page.toLocaleString("en-US")} of{" "}
          {lastPage === null ? `${Math.ceil(total / state.pageSize).toLocaleString("en-US")}+` : lastPage.toLocaleString("en-US")}
        </p>
        <ul className="flex flex-wrap items-center gap-1">
          <li>
            {state.page > 1 ? (
              <Link href={href({ page: state.page - 1 })} className={PAGE_LINK} rel="prev">
                Previous
              </Link>
            ) : (
              <span className={`${PAGE_LINK} opacity-40`} aria-disabled>
                Previous
              </span>
            )}
          </li>
          {pageWindow(state.page, lastPage).map((p, i) =>
            p === null ? (
              <li key={`gap-${i}`} aria-hidden className="px-1 text-slate-400">
                …
              </li>
            ) : (
              <li key={p}>
                <Link
                  href={href({ page: p })}
                  aria-current={p === state.page ? "page" : undefined}
                  aria-label={`Page ${p}`}
                  className={p === state.page ? PAGE_CURRENT : PAGE_LINK}
                >
                  {p.toLocaleString("en-US")}
                </Link>
              </li>
            ),
          )}
          <li>
            {hasNext ? (
              <Link href={href({ page: state.page + 1 })} className={PAGE_LINK} rel="next">
                Next
              </Link>
            ) : (
              <span className={`${PAGE_LINK} opacity-40`} aria-disabled>
                Next
              </span>
            )}
          </li>
        </ul>
        <div className="flex items-center gap-2">
          <label htmlFor={`${definition.id}-size`}>Rows per page</label>
          <select
            id={`${definition.id}-size`}
            value={state.pageSize}
            onChange={(e) => changePageSize(Number(e.target.value))}
            className="rounded-md border-0 bg-white py-1 pl-2 pr-7 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500"
          >
            {PAGE_SIZES.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </div>
      </nav>
    </div>
  );
}

// Two class sets, not one overridden: with both bg-white and bg-brand-600 on the current page's
// link, the stylesheet's order decides and the number can end up white on white.
const PAGE_BASE =
  "inline-flex min-w-8 justify-center rounded-md px-2.5 py-1 ring-1 ring-inset focus-visible:outline-2 focus-visible:outline-brand-500";
const PAGE_LINK = `${PAGE_BASE} ring-slate-300 bg-white hover:bg-slate-50`;
const PAGE_CURRENT = `${PAGE_BASE} bg-brand-600 text-white ring-brand-600 hover:bg-brand-700`;

function Chip({ label, removeHref, onEdit }: { label: string; removeHref: string; onEdit?: () => void }) {
  return (
    <li className="inline-flex items-center gap-1 rounded-full bg-brand-50 py-0.5 pl-3 pr-1 text-sm text-brand-700 ring-1 ring-inset ring-brand-100">
      {onEdit ? (
        <button type="button" onClick={onEdit} className="hover:underline" aria-label={`Edit filter ${label}`}>
          {label}
        </button>
      ) : (
        <span>{label}</span>
      )}
      <Link
        href={removeHref}
        aria-label={`Remove filter ${label}`}
        className="rounded-full px-1.5 leading-5 hover:bg-brand-100 focus-visible:outline-2 focus-visible:outline-brand-500"
      >
        ×
      </Link>
    </li>
  );
}
