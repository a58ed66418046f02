import { getDb, type Db } from "@/db/client";
import { safeErrorMessage } from "@/db/errors";
import { channelSyncEventData, type ChannelSyncEventData } from "@/lib/jobs/events";
import { SyncBusyError } from "@/lib/sync/lease";
import {
  dueChannels,
  failRun,
  planShares,
  scheduledMode,
  startRun,
  syncNextPages,
  syncShare,
  type RunnerOptions,
  type StepResult,
} from "@/lib/sync/runner";
import type { Share } from "@/lib/sync/shares";
import { findRunByExternalId, getRun } from "@/lib/sync/runs";

// A channel sync as background work: what the steps of the Inngest functions channel-sync and
// schedule-channel-syncs (inngest/functions/) do, with the database opened here, so those
// functions only drive the steps. Tests pass their own database and connectors.

export interface JobStepsDeps {
  /** Default: the portal's database (db/client.ts). */
  db?: () => Promise<Db>;
}

export interface ChannelSyncStepsDeps extends JobStepsDeps {
  runner?: Pick<RunnerOptions, "connectors" | "client" | "pageSize">;
}

/** What Inngest tells onFailure: the failed Inngest run's id and the event that started it. */
export interface FailedInngestRun {
  /** The Inngest run id (the failure event's data.run_id). */
  inngestRunId?: string;
  /** The data of the event that triggered the failed run. */
  eventData: unknown;
}

/**
 * Marks the sync run of a failed Inngest run failed: the run the event names (continuations and
 * portal-created runs carry runId), else the one this Inngest run created (start-run stored the
 * Inngest run id in sync_runs.external_run_id). Never a guess such as "the channel's running run",
 * which may be a later run of the same channel. Null when there is no such run or it already ended.
 */
export async function markChannelSyncFailed(db: Db, failed: FailedInngestRun, reason: string): Promise<number | null> {
  const parsed = channelSyncEventData.partial().safeParse(failed.eventData);
  if (!parsed.success || !parsed.data.channelId) return null;
  const run = parsed.data.runId
    ? await getRun(db, parsed.data.runId)
    : failed.inngestRunId
      ? await findRunByExternalId(db, parsed.data.channelId, failed.inngestRunId)
      : null;
  if (!run || run.channelId !== parsed.data.channelId || (run.status !== "running" && run.status !== "queued")) return null;
  await failRun(db, run.id, `Inngest gave up: ${reason}`);
  return run.id;
}

/** The steps of one channel sync event: create the run, write batches of pages, and give up. */
export function channelSyncSteps(deps: ChannelSyncStepsDeps = {}) {
  const db = deps.db ?? getDb;
  return {
    /**
     * Creates the run the event asks for; null when another sync holds the channel. Idempotent per
     * Inngest run: a retried step whose first answer was lost (the run was created, the reply never
     * reached Inngest) finds that run instead of creating a second one that would wait to be reaped.
     */
    async startRun(data: ChannelSyncEventData, externalRunId: string): Promise<number | null> {
      const conn = await db();
      const existing = await findRunByExternalId(conn, data.channelId, externalRunId);
      if (existing) return existing.id;
      try {
        const run = await startRun(conn, { ...data, externalRunId });
        return run.id;
      } catch (error) {
        if (error instanceof SyncBusyError) return null;
        throw error;
      }
    },
    /** Writes up to maxPages more pages of the run. */
    async syncPages(runId: number, maxPages: number): Promise<StepResult> {
      return syncNextPages({ db: await db(), runId, maxPages, ...deps.runner });
    },
    /** The shares of the run's next round over several workers, or null for an ordinary step (lib/sync/shares.ts). */
    async planShares(runId: number): Promise<Share[] | null> {
      return planShares({ db: await db(), runId, connectors: deps.runner?.connectors });
    },
    /** Writes up to maxPages pages of one share of the run. */
    async syncShare(runId: number, share: Share, maxPages: number): Promise<{ pages: number; stopped: boolean }> {
      return syncShare({ db: await db(), runId, share, maxPages, ...deps.runner });
    },
    /** After Inngest's last retry: the run is marked failed with the reason, freeing the channel. */
    async giveUp(failed: FailedInngestRun, error: unknown): Promise<number | null> {
      return markChannelSyncFailed(await db(), failed, safeErrorMessage(error));
    },
  };
}

export interface DueSync {
  channelId: number;
  mode: "initial" | "incremental";
  /** The channel's current interval slot: one scheduled sync per channel and slot. */
  slot: number;
}

/** The step of the sync schedule: the active channels whose interval elapsed, with the mode each syncs in. */
export function syncScheduleSteps(deps: JobStepsDeps = {}) {
  const db = deps.db ?? getDb;
  return {
    async dueSyncs(): Promise<DueSync[]> {
      const conn = await db();
      const channels = await dueChannels(conn);
      return Promise.all(
        channels.map(async (c) => ({
          channelId: c.id,
          mode: await scheduledMode(conn, c),
          slot: Math.floor(Date.now() / (c.syncIntervalMinutes * 60_000)),
        })),
      );
    },
  };
}
