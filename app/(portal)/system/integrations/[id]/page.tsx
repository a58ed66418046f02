import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cancelSyncAction, startSyncAction } from "@/app/(portal)/system/sync-actions";
import { StoppedNotice } from "@/components/integrations/stopped-notice";
import { FailingChannelsBanner } from "@/components/sync/failing-channels-banner";
import { ProgressPanel } from "@/components/sync/progress-panel";
import { RunsTable } from "@/components/sync/runs-table";
import { SyncNowForm } from "@/components/sync/sync-now-form";
import { buttonClasses } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { activeRun, getChannelSummary, listChannelRuns } from "@/lib/sync/history";
import { loadRunProgress } from "@/lib/sync/progress";
import { viewerTimeZone } from "@/lib/users/time-zone";
import { parseDetailId } from "@/lib/records/meta";

export const metadata: Metadata = { title: "Integration" };

type Props = { params: Promise<{ id: string }> };

// The channel page: Sync now (incremental or full), the running sync live with cancel, recent runs.
// Opening it needs run_syncs (what it offers); the settings link shows for manage_integrations.
export default async function ChannelPage({ params }: Props) {
  const user = await requirePagePermission("run_syncs");
  const id = parseDetailId((await params).id);
  if (id === null) notFound();
  const db = await getDb();
  const channel = await getChannelSummary(db, user, id);
  if (!channel) notFound();
  const [running, runs, timeZone] = await Promise.all([
    activeRun(db, user, id),
    listChannelRuns(db, user, id, 10),
    viewerTimeZone(db, user),
  ]);
  const progress = running ? await loadRunProgress(db, user, running.id) : null;
  const manages = can(user.role, "manage_integrations");
  const cannotSync = !channel.hasCredentials
    ? "It has no credentials yet: add a token in its settings."
    : channel.deletingAt
      ? "It is being deleted."
      : null;

  return (
    <>
      <PageHeader
        breadcrumb="System › Integrations"
        title={channel.name}
        description={`${channel.baseUrl} · store ${channel.storeCode} · ${channel.active ? `syncs every ${channel.syncIntervalMinutes} min` : "inactive (no scheduled syncs)"}${channel.twoWaySync ? " · two-way sync" : ""}`}
        actions={
          <>
            <Link href={`/system/sync-history?channel=${channel.id}`} className={buttonClasses("secondary")}>
              Sync history
            </Link>
            {manages ? (
              <Link href={`/system/integrations/${channel.id}/settings`} className={buttonClasses("secondary")}>
                Settings
              </Link>
            ) : null}
          </>
        }
      />
      {manages ? <FailingChannelsBanner user={user} timeZone={timeZone} /> : null}
      <div className="space-y-6">
        {channel.stoppedReason ? <StoppedNotice reason={channel.stoppedReason} at={channel.stoppedAt} timeZone={timeZone} /> : null}
        <Card>
          <CardHeader
            title="Sync"
            description="Sync now fetches what changed since the last sync (or continues the first sync); a full sync walks everything again from the sync start date."
          />
          <div className="space-y-4 p-5">
            {cannotSync ? <p className="text-sm text-amber-800">This channel cannot sync now. {cannotSync}</p> : null}
            {progress && !progress.finished ? (
              <ProgressPanel
                key={progress.runId}
                // The budget the runner last recorded, from the first render on (the polls refresh it).
                initial={{ ...progress, requestBudget: running?.requestBudget ?? null }}
                cancelAction={cancelSyncAction}
                canCancel
              />
            ) : (
              <SyncNowForm action={startSyncAction} channelId={channel.id} disabled={cannotSync !== null} />
            )}
          </div>
        </Card>
        <section aria-label="Recent runs" className="space-y-3">
          <h2 className="text-base font-semibold text-slate-900">Recent runs</h2>
          {runs.length === 0 ? (
            <p className="text-sm text-slate-600">
              {progress && !progress.finished
                ? "The first sync is running: its progress is shown above."
                : "This channel has not synced yet."}
            </p>
          ) : (
            <RunsTable runs={runs} timeZone={timeZone} showChannel={false} />
          )}
        </section>
      </div>
    </>
  );
}
