import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { SimpleTable } from "@/components/ui/simple-table";
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
        <SimpleTable columns={[{ label: "Channel" }, { label: "Mode" }, { label: "Status" }, { label: "Started" }, { label: "Finished" }, { label: "Records changed", align: "right" }, { label: "Errors", align: "right" }]}>
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
            </SimpleTable>
      )}
    </>
  );
}
