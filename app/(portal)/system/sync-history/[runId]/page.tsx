import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cancelSyncAction, retrySyncErrorsAction } from "@/app/(portal)/system/sync-actions";
import { DateTime } from "@/components/detail/date-time";
import { CancelSyncButton } from "@/components/sync/cancel-sync-button";
import { ErrorsTable } from "@/components/sync/errors-table";
import { RetryButton } from "@/components/sync/retry-button";
import { RunStatusBadge } from "@/components/sync/run-status-badge";
import { WarningsTable } from "@/components/sync/warnings-table";
import { Card, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { SimpleTable } from "@/components/ui/simple-table";
import { getDb } from "@/db/client";
import { requirePagePermission } from "@/lib/auth/session";
import { getHistoryRun, listRunErrors, listRunWarnings, runDuration } from "@/lib/sync/history";
import { computeProgress } from "@/lib/sync/progress";
import { warningCount } from "@/lib/sync/runs";
import { viewerTimeZone } from "@/lib/users/time-zone";
import { parseDetailId } from "@/lib/records/meta";
import { countOf } from "@/lib/format/count";

export const metadata: Metadata = { title: "Sync run" };

type Props = { params: Promise<{ runId: string }> };

const n = (value: number) => value.toLocaleString("en-US");

export default async function SyncRunPage({ params }: Props) {
  const user = await requirePagePermission("run_syncs");
  const runId = parseDetailId((await params).runId);
  if (runId === null) notFound();
  const db = await getDb();
  const run = await getHistoryRun(db, user, runId);
  if (!run) notFound();
  const [errors, warnings, timeZone] = await Promise.all([
    listRunErrors(db, user, run),
    listRunWarnings(db, user, run),
    viewerTimeZone(db, user),
  ]);
  const warned = warningCount(run);
  const timeline = computeProgress(run, null, []).connectors.filter((c) => c.state !== "pending");
  const unresolved = errors.filter((e) => !e.resolvedAt).length;
  const unfinished = run.status === "queued" || run.status === "running";

  return (
    <>
      <PageHeader
        breadcrumb="System › Sync History"
        title={`Sync #${run.id} of ${run.channelName}`}
        description={`${run.mode} sync, ${run.trigger}${run.requestedBy ? ` by ${run.requestedBy}` : ""} · ${runDuration(run)} · ${countOf(run.recordsChanged, "record")} changed · ${countOf(run.errorCount, "error")} · ${countOf(warned, "warning")}`}
        actions={
          <>
            <Link href={`/system/integrations/${run.channelId}`} className="text-sm text-brand-700 hover:underline">
              Channel page
            </Link>
            <Link href={`/system/sync-history?channel=${run.channelId}`} className="text-sm text-brand-700 hover:underline">
              All runs of this channel
            </Link>
          </>
        }
      />
      <div className="space-y-6">
        <div className="flex flex-wrap items-center gap-3 text-sm text-slate-700">
          <RunStatusBadge status={run.status} />
          <span>
            Started <DateTime value={run.startedAt ?? run.createdAt} timeZone={timeZone} />
          </span>
          <span>
            Finished <DateTime value={run.finishedAt} timeZone={timeZone} />
          </span>
          {unfinished ? <CancelSyncButton action={cancelSyncAction} runId={run.id} requested={run.cancelRequestedAt !== null} /> : null}
        </div>
        {run.errorMessage ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {run.errorMessage}
          </p>
        ) : null}

        <section aria-label="Timeline" className="space-y-3">
          <h2 className="text-base font-semibold text-slate-900">Timeline per connector</h2>
          {timeline.length === 0 ? (
            <p className="text-sm text-slate-600">No connector has started.</p>
          ) : (
            <SimpleTable
              columns={[
                { label: "Connector" },
                { label: "Started" },
                { label: "Finished" },
                { label: "Pages", align: "right" },
                { label: "Fetched", align: "right" },
                { label: "Created", align: "right" },
                { label: "Updated", align: "right" },
                { label: "Unchanged", align: "right" },
                { label: "Failed", align: "right" },
                { label: "Requests", align: "right" },
                { label: "Retries", align: "right" },
              ]}
            >
              {timeline.map((c) => (
                <tr key={c.connector} data-connector={c.connector}>
                  <td className="px-5 py-3 font-medium">{c.connector}</td>
                  <td className="px-5 py-3 text-slate-600">
                    <DateTime value={c.startedAt ? new Date(c.startedAt) : null} timeZone={timeZone} />
                  </td>
                  <td className="px-5 py-3 text-slate-600">
                    {c.finishedAt ? (
                      <DateTime value={new Date(c.finishedAt)} timeZone={timeZone} />
                    ) : unfinished ? (
                      "running"
                    ) : (
                      "did not finish"
                    )}
                  </td>
                  <td className="px-5 py-3 text-right tabular-nums">{n(c.pages)}</td>
                  <td className="px-5 py-3 text-right tabular-nums">{n(c.fetched)}</td>
                  <td className="px-5 py-3 text-right tabular-nums">{n(c.created)}</td>
                  <td className="px-5 py-3 text-right tabular-nums">{n(c.updated)}</td>
                  <td className="px-5 py-3 text-right tabular-nums">{n(c.unchanged)}</td>
                  <td className="px-5 py-3 text-right tabular-nums">{n(c.failed)}</td>
                  <td className="px-5 py-3 text-right tabular-nums">{n(c.requests)}</td>
                  <td className="px-5 py-3 text-right tabular-nums">{n(c.retries)}</td>
                </tr>
              ))}
            </SimpleTable>
          )}
        </section>

        <Card>
          <CardHeader
            title={`Records that could not be kept (${n(errors.length)})`}
            description="Retrying fetches the record from Magento again and keeps it if it is valid now."
          />
          <div className="space-y-4 p-5">
            {unresolved > 0 ? (
              <RetryButton action={retrySyncErrorsAction} runId={run.id} label={`Retry all failed (${n(unresolved)})`} />
            ) : errors.length > 0 ? (
              <p className="text-sm text-emerald-700">Every error of this run is resolved.</p>
            ) : (
              <p className="text-sm text-slate-600">No record failed in this run.</p>
            )}
          </div>
        </Card>
        {errors.length > 0 ? <ErrorsTable errors={errors} runId={run.id} timeZone={timeZone} retryAction={retrySyncErrorsAction} /> : null}

        <section aria-labelledby="run-warnings" className="space-y-3">
          <div>
            <h2 id="run-warnings" className="text-base font-semibold text-slate-900">
              Kept with warnings ({n(warned)})
            </h2>
            <p className="text-sm text-slate-600">
              These records were saved, but Magento sent a field the portal could not read; it is stored empty and what Magento sent is
              shown. A warning is listed once, in the run that first met it.
            </p>
          </div>
          {warnings.length > 0 ? (
            <WarningsTable warnings={warnings} timeZone={timeZone} />
          ) : (
            <p className="text-sm text-slate-600">No warnings in this run.</p>
          )}
        </section>
      </div>
    </>
  );
}
