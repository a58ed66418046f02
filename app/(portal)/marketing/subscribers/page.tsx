import type { Metadata } from "next";
import { WorkspaceList } from "@/components/shell/workspace-list";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { getWorkspaceCounts } from "@/lib/workspace/counts";

export const metadata: Metadata = { title: "Newsletter Subscribers" };

export default async function Page() {
  const user = await requirePagePermission("view_sales");
  const counts = await getWorkspaceCounts(user);
  return (
    <WorkspaceList
      breadcrumb="Marketing"
      title="Newsletter Subscribers"
      noun="newsletter subscribers"
      description="Who is subscribed to the store's newsletter, and since when."
      total={counts.subscribers}
      hasChannels={counts.channels > 0}
      canManageIntegrations={can(user.role, "manage_integrations")}
    />
  );
}
