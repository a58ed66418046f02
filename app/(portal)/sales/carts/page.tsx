import type { Metadata } from "next";
import { WorkspaceList } from "@/components/shell/workspace-list";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { getWorkspaceCounts } from "@/lib/workspace/counts";

export const metadata: Metadata = { title: "Shopping Carts" };

export default async function Page() {
  const user = await requirePagePermission("view_sales");
  const counts = await getWorkspaceCounts(user);
  return (
    <WorkspaceList
      breadcrumb="Sales"
      title="Shopping Carts"
      noun="shopping carts"
      description="Every cart from your Magento store, open or abandoned, with its items, totals and status."
      total={counts.carts}
      hasChannels={counts.channels > 0}
      canManageIntegrations={can(user.role, "manage_integrations")}
    />
  );
}
