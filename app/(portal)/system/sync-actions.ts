"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { protectedAction } from "@/lib/auth/action";
import { writeAudit } from "@/lib/audit/log";
import { getChannelSummary, getHistoryRun } from "@/lib/sync/history";
import { busyMessage, startSyncNow, SyncLaunchError } from "@/lib/sync/launch";
import { channelBusyMessage, SyncBusyError } from "@/lib/sync/lease";
import { retryFailedRecords, type RetryResult } from "@/lib/sync/retry";
import { SyncRunError } from "@/lib/sync/runner";
import { requestCancel } from "@/lib/sync/runs";
import { safeErrorMessage } from "@/db/errors";

// Sync now, cancel and retry, from the channel page and System › Sync History. Each one checks
// the session and run_syncs itself (protectedAction), reads the channel and run on the server from
// the ids the browser sent, and writes an audit entry.

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const startSchema = z.object({ channelId: id, mode: z.enum(["incremental", "full"]).default("incremental") });

export const startSyncAction = protectedAction("run_syncs", startSchema, async ({ channelId, mode }, { db, user, ip }) => {
  const channel = await getChannelSummary(db, user, channelId);
  if (!channel) return { ok: false, code: "failed", error: "This channel no longer exists." };
  try {
    const started = await startSyncNow(db, { channelId, mode, user });
    await writeAudit(db, {
      userId: user.id,
      actor: user.email,
      action: "sync.started",
      entityType: "sync_run",
      entityId: started.runId,
      channelId,
      details: { mode: started.mode, requested: mode, via: started.via },
      ip,
    });
    revalidatePath(`/system/integrations/${channelId}`);
    revalidatePath("/system/sync-history");
    return { ok: true, message: `Started ${started.mode} sync #${started.runId} of "${channel.name}".`, data: { runId: started.runId } };
  } catch (error) {
    if (error instanceof SyncBusyError) return { ok: false, code: "failed", error: await busyMessage(db, channelId, channel.name) };
    if (error instanceof SyncLaunchError || error instanceof SyncRunError) return { ok: false, code: "failed", error: error.message };
    throw error;
  }
});

const cancelSchema = z.object({ runId: id });

export const cancelSyncAction = protectedAction("run_syncs", cancelSchema, async ({ runId }, { db, user, ip }) => {
  const run = await getHistoryRun(db, user, runId);
  if (!run) return { ok: false, code: "failed", error: "This sync run does not exist." };
  const asked = await requestCancel(db, runId);
  if (!asked) return { ok: false, code: "failed", error: `Sync #${runId} has already finished (${run.status}).` };
  await writeAudit(db, {
    userId: user.id,
    actor: user.email,
    action: "sync.canceled",
    entityType: "sync_run",
    entityId: runId,
    channelId: run.channelId,
    details: { status: run.status },
    ip,
  });
  revalidatePath(`/system/integrations/${run.channelId}`);
  revalidatePath(`/system/sync-history/${runId}`);
  return { ok: true, message: `Asked sync #${runId} to stop after its current page.` };
});

const retrySchema = z.object({
  runId: id,
  // One error (a row's Retry button); none = every unresolved error of the run.
  errorId: id.optional(),
});

export const retrySyncErrorsAction = protectedAction<typeof retrySchema, RetryResult>(
  "run_syncs",
  retrySchema,
  async ({ runId, errorId }, { db, user, ip }) => {
    const run = await getHistoryRun(db, user, runId);
    if (!run) return { ok: false, code: "failed", error: "This sync run does not exist." };
    let result: RetryResult;
    try {
      // runId bounds the error ids to this run's channel and run: ids of other runs match nothing.
      result = await retryFailedRecords(db, { channelId: run.channelId, runId, ...(errorId ? { errorIds: [errorId] } : {}) });
    } catch (error) {
      if (error instanceof SyncBusyError) return { ok: false, code: "failed", error: channelBusyMessage(run.channelName, error.holder) };
      await writeAudit(db, {
        userId: user.id,
        actor: user.email,
        action: "sync.retried",
        entityType: "sync_run",
        entityId: runId,
        channelId: run.channelId,
        details: { errorId: errorId ?? null, outcome: "failed" },
        ip,
      });
      return { ok: false, code: "failed", error: `The retry failed: ${safeErrorMessage(error)}` };
    }
    await writeAudit(db, {
      userId: user.id,
      actor: user.email,
      action: "sync.retried",
      entityType: "sync_run",
      entityId: runId,
      channelId: run.channelId,
      details: { errorId: errorId ?? null, retried: result.retried, resolved: result.resolved, stillFailing: result.stillFailing.length },
      ip,
    });
    revalidatePath(`/system/sync-history/${runId}`);
    if (result.retried === 0 && result.stillFailing.length === 0)
      return { ok: true, message: "Nothing left to retry: every error of this run is resolved.", data: result };
    const summary = `Retried ${result.retried}: ${result.resolved} resolved, ${result.stillFailing.length} still failing.`;
    return result.stillFailing.length === 0 ? { ok: true, message: summary, data: result } : { ok: false, code: "failed", error: summary };
  },
);
