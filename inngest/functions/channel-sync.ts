import { getDb, type Db } from "@/db/client";
import { CHANNEL_SYNC_REQUESTED, channelSyncEventData, type ChannelSyncEventData } from "@/lib/jobs/events";
import { inngest } from "@/lib/jobs/inngest-client";
import { SyncBusyError } from "@/lib/sync/lease";
import { failRun, startRun, syncNextPages, type RunnerOptions } from "@/lib/sync/runner";
import { getRun, listRuns } from "@/lib/sync/runs";
import { safeErrorMessage } from "@/db/errors";

// Thin Inngest wrapper over lib/sync/runner: one step per batch of pages, and a continuation event
// (same sync run) well before Inngest's 1,000-steps-per-run limit. One sync per channel at a time
// (concurrency key), throttled per channel; onFailure marks the sync run failed with the reason.

/** Pages written per step.run and steps per Inngest run before continuing in a new one. */
export const PAGES_PER_STEP = 20;
export const STEPS_PER_INVOCATION = 50;

type Deps = { db: () => Promise<Db>; runner?: Pick<RunnerOptions, "connectors" | "client" | "pageSize"> };

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

export function createChannelSyncFunction(deps: Deps) {
  return inngest.createFunction(
    {
      id: "channel-sync",
      name: "Sync a Magento channel",
      triggers: [{ event: CHANNEL_SYNC_REQUESTED }],
      concurrency: { key: "event.data.channelId", limit: 1 },
      throttle: { key: "event.data.channelId", limit: 20, period: "1m" },
      retries: 4,
      onFailure: async ({ event, error }) => {
        await markChannelSyncFailed(await deps.db(), event.data.event.data, safeErrorMessage(error));
      },
    },
    async ({ event, step, runId: inngestRunId }) => {
      const data = channelSyncEventData.parse(event.data);
      const syncRunId =
        data.runId ??
        (await step.run("start-run", async () => {
          try {
            const run = await startRun(await deps.db(), { ...data, externalRunId: inngestRunId });
            return run.id;
          } catch (error) {
            if (error instanceof SyncBusyError) return null;
            throw error;
          }
        }));
      if (syncRunId === null) return { skipped: "another sync of this channel is running" };

      for (let batch = 0; batch < STEPS_PER_INVOCATION; batch++) {
        const result = await step.run(`sync-pages-${batch}`, async () =>
          syncNextPages({ db: await deps.db(), runId: syncRunId, maxPages: PAGES_PER_STEP, ...deps.runner }),
        );
        if (result.done) return { runId: syncRunId, status: result.status };
      }
      await step.sendEvent("continue-sync", {
        name: CHANNEL_SYNC_REQUESTED,
        data: { ...data, runId: syncRunId } satisfies ChannelSyncEventData,
      });
      return { runId: syncRunId, status: "continued" as const };
    },
  );
}

export const channelSync = createChannelSyncFunction({ db: getDb });
