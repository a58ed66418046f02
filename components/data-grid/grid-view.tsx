import { NoSyncedData } from "@/components/shell/no-data";
import { EmptyState } from "@/components/ui/empty-state";
import { LinkNotices } from "@/components/ui/link-notices";
import { QueryTimedOut } from "@/components/ui/query-timed-out";
import { can } from "@/lib/auth/permissions";
import type { SessionUser } from "@/lib/auth/session";
import type { SearchParams } from "@/lib/grid/params";
import { saveGridLayoutAction } from "@/lib/browse/grid-layout-actions";
import { loadGridView } from "@/lib/browse/grid-view";
import { unlessTimedOut } from "@/lib/grid/timeout";
import type { GridDefinition, GridScope } from "@/lib/grid/types";
import type { BulkAssign } from "./bulk-assign";
import type { GridAction } from "./grid-actions";
import { DataGrid } from "./data-grid";
import { gridQueryString } from "@/lib/grid/params";
import { zoneName } from "@/lib/dates";

/** The one workspace grid: reads the URL state and the page on the server, renders the table client-side. */
export async function GridView({
  definition,
  searchParams,
  basePath,
  user,
  scope,
  description,
  emptyState,
  bulkAssign,
  rowActions,
  bulkActions,
}: {
  definition: GridDefinition;
  searchParams: SearchParams;
  basePath: string;
  user: SessionUser;
  scope?: GridScope;
  /** What the list holds, for the "nothing synced yet" state. */
  description?: string;
  /** Shown instead of "nothing synced yet" when the list is empty (lists not fed by the sync). */
  emptyState?: React.ReactNode;
  /** Offered on the selection when given (the caller checks the permission). */
  bulkAssign?: BulkAssign;
  /** Row and selection actions (the caller checks the permission). */
  rowActions?: GridAction[];
  bulkActions?: GridAction[];
}) {
  const read = await unlessTimedOut(loadGridView(user, definition, searchParams, { scope }));
  if (!read.ok) return <QueryTimedOut message={read.message} />;
  const view = read.value;
  if (!view.hasRows) {
    if (emptyState) return emptyState;
    if (scope)
      return (
        <EmptyState title={`No ${definition.noun} for ${scope.label}`}>
          <p>They appear here once Magento has some and they are synced.</p>
        </EmptyState>
      );
    return (
      <NoSyncedData
        what={definition.noun}
        description={description ?? `${definition.title} synced from Magento.`}
        hasChannels={view.channels.length > 0}
        canManageIntegrations={can(user.role, "manage_integrations")}
      />
    );
  }
  // The component remounts when the rows' criteria change, so a selection never outlives its view;
  // and when the grid itself changes (a detail page's tabs: orders → credit memos at the same URL
  // state), so no column state of one grid meets the other's definition.
  const criteria = `${definition.id}?${gridQueryString(definition, { ...view.state, page: 1, pageSize: 50 })}`;
  return (
    <section aria-label={scope ? `${definition.title} of ${scope.label}` : definition.title} className="space-y-3">
      <LinkNotices notices={view.notices} />
      <DataGrid
        key={criteria}
        definition={view.client}
        state={view.state}
        rows={view.rows}
        total={view.total}
        totalCapped={view.totalCapped}
        basePath={basePath}
        channels={view.channels}
        columnsPref={view.preference.columns ?? null}
        saveLayout={saveGridLayoutAction}
        exportable={!scope}
        bulkAssign={bulkAssign}
        rowActions={rowActions}
        bulkActions={bulkActions}
        segments={view.segments}
        segmentEntity={scope ? undefined : definition.segmentEntity}
        zone={zoneName(view.timeZone)}
      />
    </section>
  );
}
