import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format/date";
import { listSyncRuns } from "@/lib/system/queries";

export const metadata: Metadata = { title: "Sync History" };

const STATUS_TONE = { queued: "neutral", running: "blue", succeeded: "green", partial: "amber", failed: "red", canceled: "neutral" } as const;

export default async function SyncHistoryPage() {
  const user = await requirePagePermission("run_syncs");
  const runs = await listSyncRuns(user);
  return (
    <>
      <PageHeader breadcrumb="System" title="Sync History" description="Every sync of every channel: when it ran, what it changed and what failed." />
      {runs.length === 0 ? (
        <EmptyState title="No syncs have run yet">
          Each sync of a Magento integration is listed here with its records changed and any errors, once an
          integration has been added under System › Integrations.
        </EmptyState>
      ) : (
        <Card>
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-5 py-3 font-medium">Channel</th>
                <th className="px-5 py-3 font-medium">Mode</th>
                <th className="px-5 py-3 font-medium">Status</th>
                <th className="px-5 py-3 font-medium">Started</th>
                <th className="px-5 py-3 font-medium">Finished</th>
                <th className="px-5 py-3 text-right font-medium">Records changed</th>
                <th className="px-5 py-3 text-right font-medium">Errors</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {runs.map((run) => (
                <tr key={run.id}>
                  <td className="px-5 py-3 font-medium">{run.channelName}</td>
                  <td className="px-5 py-3">{run.mode}</td>
                  <td className="px-5 py-3"><Badge tone={STATUS_TONE[run.status]}>{run.status}</Badge></td>
                  <td className="px-5 py-3 text-slate-600">{formatDateTime(run.startedAt)}</td>
                  <td className="px-5 py-3 text-slate-600">{formatDateTime(run.finishedAt)}</td>
                  <td className="px-5 py-3 text-right tabular-nums">{run.recordsChanged.toLocaleString("en-US")}</td>
                  <td className="px-5 py-3 text-right tabular-nums">{run.errorCount.toLocaleString("en-US")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </>
  );
}
