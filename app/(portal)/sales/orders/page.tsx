import type { Metadata } from "next";
import { WorkspaceList } from "@/components/shell/workspace-list";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { getWorkspaceCounts } from "@/lib/workspace/counts";

export const metadata: Metadata = { title: "Orders" };

export default async function Page() {
  const user = await requirePagePermission("view_sales");
  const counts = await getWorkspaceCounts(user);
  return (
    <WorkspaceList
      breadcrumb="Sales"
      title="Orders"
      noun="orders"
      description="Orders placed in Magento, with their status, totals, payment and shipping."
      total={counts.orders}
      hasChannels={counts.channels > 0}
      canManageIntegrations={can(user.role, "manage_integrations")}
    />
  );
}
