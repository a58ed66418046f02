import type { Metadata } from "next";
import { GridView } from "@/components/data-grid/grid-view";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/session";
import { auditLogGrid } from "@/lib/users/audit-log-grid";
import type { SearchParams } from "@/lib/grid/params";

export const metadata: Metadata = { title: "Audit Log" };

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
        emptyState={
          <EmptyState title="Nothing recorded yet">
            Changes made by staff (users created, roles changed, carts converted, exports) are recorded here as they happen.
          </EmptyState>
        }
      />
    </>
  );
}
