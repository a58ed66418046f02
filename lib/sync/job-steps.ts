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
import { getRun, listRuns } from "@/lib/sync/runs";

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

/** Marks the sync run of a failed Inngest run failed (the run id from the event, else the channel's running one). */
export async function markChannelSyncFailed(db: Db, data: unknown, reason: string): Promise<number | null> {
  const parsed = channelSyncEventData.partial().safeParse(data);
  if (!parsed.success || !parsed.data.channelId) return null;
  let runId = parsed.data.runId ?? null;
  if (!runId) {
    const running = (await listRuns(db, parsed.data.channelId, 5)).find((r) => r.status === "running" || r.status === "queued");
    runId = running?.id ?? null;
  }
  if (!runId) return null;
  const run = await getRun(db, runId);
  if (!run || (run.status !== "running" && run.status !== "queued")) return null;
  await failRun(db, runId, `Inngest gave up: ${reason}`);
  return runId;
}

/** The steps of one channel sync event: create the run, write batches of pages, and give up. */
export function channelSyncSteps(deps: ChannelSyncStepsDeps = {}) {
  const db = deps.db ?? getDb;
  return {
    /** Creates the run the event asks for; null when another sync holds the channel. */
    async startRun(data: ChannelSyncEventData, externalRunId: string): Promise<number | null> {
      try {
        const run = await startRun(await db(), { ...data, externalRunId });
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
    async giveUp(data: unknown, error: unknown): Promise<number | null> {
      return markChannelSyncFailed(await db(), data, safeErrorMessage(error));
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
