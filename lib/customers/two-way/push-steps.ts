import { getDb, type Db } from "@/db/client";
import { channelsWithDuePushes, nextPushDueAt, runDuePushes, type RunDuePushesOptions, type RunDuePushesResult } from "./pusher";

// Two-way pushes as background work: what the steps of the Inngest function two-way-push
// (inngest/functions/push-outbox.ts) do, with the database opened here, so the function only
// drives the steps. Tests pass their own database, Magento client and clock.

export interface PushStepsDeps {
  /** Default: the portal's database (db/client.ts). */
  db?: () => Promise<Db>;
  pusher?: Pick<RunDuePushesOptions, "client" | "now">;
}

export function pushSteps(deps: PushStepsDeps = {}) {
  const db = deps.db ?? getDb;
  return {
    /** The channels with pushes due now (retries whose backoff ended, kicks that were lost). */
    async channelsWithDuePushes(): Promise<number[]> {
      return channelsWithDuePushes(await db());
    },
    /** When the channel's next push falls due (ISO time), or null when none is waiting. */
    async nextDueAt(channelId: number): Promise<string | null> {
      return (await nextPushDueAt(await db(), channelId))?.toISOString() ?? null;
    },
    /** Pushes up to `limit` of the channel's due changes. */
    async pushDue(channelId: number, limit: number): Promise<RunDuePushesResult> {
      return runDuePushes(await db(), { channelId, limit, ...deps.pusher });
    },
  };
}
