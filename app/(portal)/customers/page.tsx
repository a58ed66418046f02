import type { Metadata } from "next";
import { WorkspaceList } from "@/components/shell/workspace-list";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { getWorkspaceCounts } from "@/lib/workspace/counts";

export const metadata: Metadata = { title: "Magento Customers" };

export default async function Page() {
  const user = await requirePagePermission("view_sales");
  const counts = await getWorkspaceCounts(user);
  return (
    <WorkspaceList
      breadcrumb="Customers"
      title="Magento Customers"
      noun="customers"
      description="Registered and guest customers, with their orders, lifetime value and subscription."
      total={counts.customers}
      hasChannels={counts.channels > 0}
      canManageIntegrations={can(user.role, "manage_integrations")}
    />
  );
}
