import Link from "next/link";
import { DateTime } from "@/components/detail/date-time";
import { SimpleTable } from "@/components/ui/simple-table";
import { countsSummary, runDuration, type HistoryRun } from "@/lib/sync/history";
import { warningCount } from "@/lib/sync/runs";
import { RunStatusBadge } from "./run-status-badge";

const SHORT: Record<string, string> = {
  stores: "stores",
  customers: "customers",
  carts: "carts",
  orders: "orders",
  credit_memos: "memos",
  newsletter_subscribers: "subscribers",
};

/** Sync runs: channel, trigger, mode, status, started, duration, per-connector counts, errors. */
export function RunsTable({ runs, timeZone, showChannel = true }: { runs: HistoryRun[]; timeZone: string; showChannel?: boolean }) {
  return (
    <SimpleTable
      columns={[
        { label: "Run" },
        ...(showChannel ? [{ label: "Channel" }] : []),
        { label: "Trigger" },
        { label: "Mode" },
        { label: "Status" },
        { label: "Started" },
        { label: "Duration", align: "right" as const },
        { label: "Changed per connector" },
        { label: "Errors", align: "right" as const },
        { label: "Warnings", align: "right" as const },
      ]}
    >
      {runs.map((run) => (
        <tr key={run.id} data-run-id={run.id}>
          <td className="px-5 py-3">
            <Link href={`/system/sync-history/${run.id}`} className="font-medium text-brand-700 hover:underline">
              #{run.id}
            </Link>
          </td>
          {showChannel ? (
            <td className="px-5 py-3">
              <Link href={`/system/integrations/${run.channelId}`} className="hover:underline">
                {run.channelName}
              </Link>
            </td>
          ) : null}
          <td className="px-5 py-3 text-slate-600">
            {run.trigger}
            {run.requestedBy ? <span className="block text-xs text-slate-500">{run.requestedBy}</span> : null}
          </td>
          <td className="px-5 py-3 text-slate-600">{run.mode}</td>
          <td className="px-5 py-3">
            <RunStatusBadge status={run.status} />
          </td>
          <td className="px-5 py-3 text-slate-600">
            <DateTime value={run.startedAt ?? run.createdAt} timeZone={timeZone} />
          </td>
          <td className="px-5 py-3 text-right tabular-nums text-slate-600">{runDuration(run)}</td>
          <td className="px-5 py-3 text-xs text-slate-600">
            {countsSummary(run)
              .filter((c) => c.connector !== "stores" || c.changed > 0)
              .map(
                (c) =>
                  `${SHORT[c.connector] ?? c.connector} ${c.changed.toLocaleString("en-US")}${c.failed ? ` (${c.failed} failed)` : ""}`,
              )
              .join(" · ") || "—"}
          </td>
          <td className="px-5 py-3 text-right tabular-nums">
            {run.errorCount > 0 ? <span className="font-medium text-red-700">{run.errorCount.toLocaleString("en-US")}</span> : "0"}
            {run.errorMessage ? (
              <span className="block max-w-xs truncate text-left text-xs text-red-700" title={run.errorMessage}>
                {run.errorMessage}
              </span>
            ) : null}
          </td>
          <td className="px-5 py-3 text-right tabular-nums">
            {warningCount(run) > 0 ? <span className="font-medium text-amber-700">{warningCount(run).toLocaleString("en-US")}</span> : "0"}
          </td>
        </tr>
      ))}
    </SimpleTable>
  );
}
