import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { channels } from "@/db/schema";
import { sendJobEvent } from "@/lib/jobs/dispatch";
import { CHANNEL_SYNC_CONTINUE } from "@/lib/jobs/events";
import { inngestConfigured } from "@/lib/jobs/settings";
import { ChannelHold, channelBusyMessage, leaseHolder, SyncBusyError } from "@/lib/sync/lease";
import { failRun, runChannelSync, scheduledMode, startRun, type RunnerOptions } from "@/lib/sync/runner";
import { listRuns, type RunMode, type SyncRunRow } from "@/lib/sync/runs";
import { safeErrorMessage } from "@/db/errors";
import { logger } from "@/lib/log";

// "Sync now" from the portal: creates the run (claiming the channel's lease, so a second click is
// refused at once) and hands it over: to Inngest when it is configured (the event names the run,
// the channel-sync function continues it; the lease is parked for its first step), otherwise to a
// background promise in this process that holds the channel (ChannelHold) from before the run is
// created to its end. Never waits for the sync itself; the page follows it through the run row.

export type LaunchMode = "incremental" | "full";

export class SyncLaunchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SyncLaunchError";
  }
}

export interface StartSyncNowInput {
  channelId: number;
  /** "incremental" means the channel's scheduled mode: initial until it completed once, then incremental. */
  mode: LaunchMode;
  user: { id: number } | null;
}

export interface StartSyncNowOptions {
  /** Default: inngestConfigured() (lib/jobs/settings.ts). */
  useInngest?: boolean;
  /** Runner overrides for the in-process sync (tests). */
  runner?: Pick<RunnerOptions, "connectors" | "client" | "pageSize">;
}

export interface StartedSync {
  runId: number;
  mode: RunMode;
  via: "inngest" | "in_process";
}

// Syncs started in this process and not finished yet (tests wait on them; nothing else needs them).
const background = new Set<Promise<unknown>>();

/** Resolves when every in-process sync started here has ended (tests, graceful shutdown). */
export async function waitForBackgroundSyncs(): Promise<void> {
  while (background.size > 0) await Promise.allSettled([...background]);
}

/** The message shown when the channel is busy: who holds it, since when, and its last heartbeat or until when. */
export async function busyMessage(db: Db, channelId: number, channelName: string): Promise<string> {
  const holder = await leaseHolder(db, channelId);
  if (!holder) {
    const running = (await listRuns(db, channelId, 5)).find((r) => r.status === "running" || r.status === "queued");
    if (running) return `A sync of "${channelName}" is already running (#${running.id}); wait for it to finish or cancel it.`;
  }
  return channelBusyMessage(channelName, holder, { runAdvice: "Wait for it to finish or cancel it." });
}

/**
 * Starts a sync of a channel now and returns its run id without waiting for it.
 * Throws SyncBusyError when a sync (or a retry) holds the channel, SyncLaunchError when the channel
 * cannot sync (missing, being deleted, no credentials).
 */
export async function startSyncNow(db: Db, input: StartSyncNowInput, options: StartSyncNowOptions = {}): Promise<StartedSync> {
  const [channel] = await db.select().from(channels).where(eq(channels.id, input.channelId));
  if (!channel) throw new SyncLaunchError("This channel no longer exists.");
  if (channel.deletingAt) throw new SyncLaunchError(`Channel "${channel.name}" is being deleted.`);
  if (!channel.credentialsEncrypted)
    throw new SyncLaunchError(`Channel "${channel.name}" has no credentials; add a token or OAuth keys in its settings first.`);

  const mode: RunMode = input.mode === "full" ? "full" : await scheduledMode(db, channel);
  const requestedByUserId = input.user?.id ?? null;
  const useInngest = options.useInngest ?? inngestConfigured();
  // In this process the channel is held before the run exists, so a crash at any point frees it.
  const hold = useInngest ? undefined : await ChannelHold.acquire(db, channel.id);
  let run: SyncRunRow;
  try {
    run = await startRun(db, { channelId: channel.id, mode, trigger: "manual", requestedByUserId, hold });
  } catch (error) {
    await hold?.end();
    throw error;
  }

  if (!hold) {
    try {
      // The run exists and holds the channel: its work goes to channel-sync-continue.
      await sendJobEvent({
        name: CHANNEL_SYNC_CONTINUE,
        data: { channelId: channel.id, mode, trigger: "manual", runId: run.id, requestedByUserId },
      });
    } catch (error) {
      await failRun(db, run.id, `Could not queue the sync on Inngest: ${safeErrorMessage(error)}`);
      throw new SyncLaunchError("Could not queue the sync on Inngest; the run was marked failed. Check the Inngest configuration.");
    }
    return { runId: run.id, mode, via: "inngest" };
  }

  runInBackground(db, run, hold, options.runner);
  return { runId: run.id, mode, via: "in_process" };
}

/** Continues the run in this process, detached from the request, with the hold it was created under. */
function runInBackground(db: Db, run: SyncRunRow, hold: ChannelHold, runner: StartSyncNowOptions["runner"]): void {
  const promise: Promise<void> = runChannelSync({
    db,
    channelId: run.channelId,
    mode: run.mode,
    trigger: run.trigger,
    runId: run.id,
    hold,
    ...runner,
  })
    .then(() => undefined)
    .catch((error: unknown) => {
      // runChannelSync already marked the run failed (or another process holds the channel).
      if (!(error instanceof SyncBusyError)) logger().warn({ component: "sync", runId: run.id }, `run failed: ${safeErrorMessage(error)}`);
    })
    .finally(() => {
      background.delete(promise);
    });
  background.add(promise);
}
