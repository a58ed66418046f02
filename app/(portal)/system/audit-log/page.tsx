import type { Metadata } from "next";
import { GridView } from "@/components/data-grid/grid-view";
import type { GridAction } from "@/components/data-grid/grid-actions";
import { undoAccountChangeAction } from "@/app/(portal)/customers/accounts/manage-actions";
import { actionLabel } from "@/lib/audit/describe";
import { can } from "@/lib/auth/permissions";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/session";
import { auditLogGrid } from "@/lib/users/audit-log-grid";
import type { SearchParams } from "@/lib/grid/params";

export const metadata: Metadata = { title: "Audit Log" };

// Account merges and moves can be undone from their entry (lib/accounts/manage.ts); the action
// refuses one undone already or overtaken by a later change, and says why.
const undoAccountChange: GridAction = {
  id: "undo-account-change",
  label: "Undo",
  pendingLabel: "Undoing…",
  action: undoAccountChangeAction,
  field: "auditId",
  when: [{ column: "action", is: [actionLabel("account.merge"), actionLabel("account.move")] }],
};

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("manage_users");
  return (
    <>
      <PageHeader
        breadcrumb="System"
        title="Audit Log"
        description="Who changed what, when and from where: users, integrations, syncs, conversions and exports. Secrets are never shown."
      />
      <GridView
        definition={auditLogGrid}
        searchParams={await searchParams}
        basePath="/system/audit-log"
        user={user}
        rowActions={can(user.role, "manage_accounts") ? [undoAccountChange] : undefined}
        emptyState={
          <EmptyState title="Nothing recorded yet">
            Changes made by staff (users created, roles changed, carts converted, exports) are recorded here as they happen.
          </EmptyState>
        }
      />
    </>
  );
}
