import type { Metadata } from "next";
import { GridView } from "@/components/data-grid/grid-view";
import { PageHeader } from "@/components/ui/page-header";
import { assignCartsAction } from "@/app/(portal)/sales/follow-up-actions";
import { getDb } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { mayReassign } from "@/lib/carts/follow-up-rules";
import { listAssignees } from "@/lib/carts/follow-up";
import { cartsGrid } from "@/lib/carts/grid";
import type { SearchParams } from "@/lib/grid/params";

export const metadata: Metadata = { title: "Shopping Carts" };

const DESCRIPTION =
  "Every cart from your Magento store with its items, totals and status. Abandoned: active, with items and an email, unchanged in Magento for the channel's abandonment delay.";

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePagePermission("view_sales");
  // Bulk assign: managers and admins to anyone who works carts, agents only to themselves (carts
  // someone else has are skipped and counted).
  const assignees = can(user.role, "work_carts") ? await listAssignees(await getDb(), user) : [];
  const choices = mayReassign(user.role) ? assignees : assignees.filter((a) => a.id === user.id);
  return (
    <>
      <PageHeader breadcrumb="Sales" title="Shopping Carts" description={DESCRIPTION} />
      <GridView
        definition={cartsGrid}
        searchParams={await searchParams}
        basePath="/sales/carts"
        user={user}
        description={DESCRIPTION}
        bulkAssign={choices.length ? { action: assignCartsAction, field: "cartIds", assignees: choices } : undefined}
      />
    </>
  );
}
