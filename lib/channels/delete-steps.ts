import { getDb, type Db } from "@/db/client";
import { deleteChannelDataPass, pendingDeletions, type DeletionPass } from "./delete";

// Channel deletion as background work: what the steps of the Inngest functions channel-delete and
// resume-channel-deletions (inngest/functions/channel-delete.ts) do, with the database opened
// here, so those functions only drive the steps. Tests pass their own database.

export interface DeleteStepsDeps {
  /** Default: the portal's database (db/client.ts). */
  db?: () => Promise<Db>;
  /** Rows per DELETE statement (default 5,000). */
  batchSize?: number;
}

/** DELETE statements per step: a step stays well inside an HTTP request's time. */
export const STATEMENTS_PER_STEP = 20;

export function deleteSteps(deps: DeleteStepsDeps = {}) {
  const db = deps.db ?? getDb;
  return {
    /** One bounded pass of the channel's deletion (resumable: it starts from what is left). */
    async deletePass(channelId: number): Promise<DeletionPass> {
      return deleteChannelDataPass(await db(), channelId, { batchSize: deps.batchSize, maxStatements: STATEMENTS_PER_STEP });
    },
    /** Channels marked for deletion and still present. */
    async pending(): Promise<number[]> {
      return pendingDeletions(await db());
    },
  };
}
