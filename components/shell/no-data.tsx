import { EmptyState } from "@/components/ui/empty-state";

/**
 * The empty state of a workspace list: what will appear here and how to get it. Admins get the
 * button to Integrations; everyone else learns who to ask.
 */
export function NoSyncedData({
  what,
  description,
  hasChannels,
  canManageIntegrations,
}: {
  what: string;
  description: string;
  hasChannels: boolean;
  canManageIntegrations: boolean;
}) {
  if (hasChannels) {
    return (
      <EmptyState title={`No ${what} yet`}>
        <p>{description}</p>
        <p className="mt-2">They appear here after the next sync of your Magento integration.</p>
      </EmptyState>
    );
  }
  return (
    <EmptyState
      title={`No ${what} yet`}
      action={canManageIntegrations ? { href: "/system/integrations", label: "Go to Integrations" } : undefined}
    >
      <p>{description}</p>
      <p className="mt-2">
        {canManageIntegrations
          ? "Add a Magento integration under System › Integrations and they arrive with its first sync."
          : "They arrive once an administrator adds a Magento integration under System › Integrations."}
      </p>
    </EmptyState>
  );
}
