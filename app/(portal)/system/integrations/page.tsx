import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { SimpleTable } from "@/components/ui/simple-table";
import { startSyncAction } from "@/app/(portal)/system/sync-actions";
import { SyncNowForm } from "@/components/sync/sync-now-form";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { FailingChannelsBanner } from "@/components/sync/failing-channels-banner";
import { listChannelOverview } from "@/lib/channels/overview";
import { formatDateTime } from "@/lib/dates";
import { countOf } from "@/lib/format/count";

export const metadata: Metadata = { title: "Integrations" };

const STATUS_TONES = { succeeded: "green", partial: "amber", failed: "red", canceled: "neutral", running: "blue", queued: "blue" } as const;

export default async function IntegrationsPage() {
  const user = await requirePagePermission("manage_integrations");
  const rows = await listChannelOverview(user);
  // Same action and permission as the channel page's Sync now.
  const syncs = can(user.role, "run_syncs");
  return (
    <>
      <PageHeader
        breadcrumb="System"
        title="Integrations"
        description="Magento channels that feed the portal: where they connect, what they sync and how their last sync went."
        actions={
          <Link href="/system/integrations/new" className={buttonClasses("primary")}>
            Add integration
          </Link>
        }
      />
      <FailingChannelsBanner user={user} />
      {rows.length === 0 ? (
        <EmptyState title="No Magento integrations yet" action={{ href: "/system/integrations/new", label: "Add integration" }}>
          Each integration connects one Magento store (its URL and an integration token). Its customers, carts, orders, credit memos and
          newsletter subscribers then sync into the portal in the background and are listed here with their last sync.
        </EmptyState>
      ) : (
        <SimpleTable
          columns={[
            { label: "Name" },
            { label: "Magento URL" },
            { label: "Scope" },
            { label: "Status" },
            { label: "Last sync" },
            { label: "Next sync" },
            { label: "Actions", align: "right", srOnly: true },
          ]}
        >
          {rows.map((row) => (
            <tr key={row.id} data-testid={`channel-row-${row.id}`}>
              <td className="px-5 py-3 font-medium">
                <Link href={`/system/integrations/${row.id}`} className="text-brand-700 hover:underline">
                  {row.name}
                </Link>
              </td>
              <td className="px-5 py-3 text-slate-600">{row.baseUrl}</td>
              <td className="px-5 py-3 text-slate-600">
                store {row.storeCode}
                <span className="block text-xs">
                  {row.websiteOriginIds === null ? "all websites" : `websites ${row.websiteOriginIds.join(", ")}`}
                </span>
              </td>
              <td className="px-5 py-3">
                <div className="flex flex-wrap gap-1">
                  {row.active ? (
                    <Badge tone="green">Active</Badge>
                  ) : row.stoppedReason ? (
                    <Badge tone="red">Stopped by the sync</Badge>
                  ) : (
                    <Badge>Inactive</Badge>
                  )}
                  {row.twoWaySync ? (
                    <Badge tone="blue">Two-way ({row.syncPriority === "magento" ? "Magento wins" : "Portal wins"})</Badge>
                  ) : (
                    <Badge>One-way</Badge>
                  )}
                  {row.hasCredentials ? null : <Badge tone="amber">No credentials</Badge>}
                </div>
                {row.stoppedReason ? (
                  <p className="mt-1 max-w-md text-xs text-red-700" data-testid="channel-stopped-reason">
                    {row.stoppedReason}
                  </p>
                ) : null}
              </td>
              <td className="px-5 py-3 text-slate-600">
                {row.lastRun ? (
                  <>
                    <span className="flex items-center gap-2">
                      <Badge tone={STATUS_TONES[row.lastRun.status]}>{row.lastRun.status}</Badge>
                      {formatDateTime(row.lastRun.startedAt ?? row.lastRun.createdAt)}
                    </span>
                    <span className="block text-xs">
                      {countOf(row.lastRun.recordsChanged, "record")} changed
                      {row.lastRun.errorCount ? (
                        <>
                          ,{" "}
                          <Link href={`/system/sync-history/${row.lastRun.id}`} className="text-red-700 underline">
                            {countOf(row.lastRun.errorCount, "error")}
                          </Link>
                        </>
                      ) : (
                        ", no errors"
                      )}
                    </span>
                    {row.lastRun.errorMessage && row.lastRun.errorMessage !== row.stoppedReason ? (
                      <span className="block text-xs text-red-700">{row.lastRun.errorMessage}</span>
                    ) : null}
                  </>
                ) : (
                  "Not synced yet"
                )}
              </td>
              <td className="px-5 py-3 text-slate-600">{row.nextSyncAt ? formatDateTime(row.nextSyncAt) : "—"}</td>
              <td className="px-5 py-3 text-right">
                <div className="flex flex-col items-end gap-2">
                  {syncs && row.hasCredentials ? (
                    <SyncNowForm
                      action={startSyncAction}
                      channelId={row.id}
                      channelName={row.name}
                      running={row.lastRun?.status === "running" || row.lastRun?.status === "queued"}
                      compact
                    />
                  ) : null}
                  <span className="flex gap-3">
                    {row.lastRun?.status === "running" || row.lastRun?.status === "queued" ? (
                      <Link href={`/system/integrations/${row.id}`} className="text-sm font-medium text-brand-700 hover:underline">
                        Follow the sync<span className="sr-only"> of {row.name}</span>
                      </Link>
                    ) : null}
                    <Link href={`/system/integrations/${row.id}/settings`} className="text-sm font-medium text-brand-700 hover:underline">
                      Settings<span className="sr-only"> of {row.name}</span>
                    </Link>
                  </span>
                </div>
              </td>
            </tr>
          ))}
        </SimpleTable>
      )}
    </>
  );
}
