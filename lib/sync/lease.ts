import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { syncCheckpoints } from "@/db/schema";
import type { DbTx } from "@/lib/sync/types";

// One sync per channel at a time, across processes: a row in sync_checkpoints with
// connector='__lease' whose cursor holds {owner, expiresAt}. Claimed by an atomic upsert that
// only takes over a free or expired lease (or one the owner already holds); renewed per page.
// Row-based rather than an advisory lock so it works on PGlite and survives a kill -9 (expiry).

export const LEASE_CONNECTOR = "__lease";
export const LEASE_TTL_MS = 5 * 60 * 1000;

export type LeaseHolder = { owner: string; expiresAt: string };

export class SyncBusyError extends Error {
  constructor(
    readonly channelId: number,
    readonly holder: LeaseHolder | null,
  ) {
    super(`Another sync of channel ${channelId} is running${holder ? ` (${holder.owner}, lease until ${holder.expiresAt})` : ""}.`);
    this.name = "SyncBusyError";
  }
}

export function runLeaseOwner(runId: number): string {
  return `run:${runId}`;
}

/** Claims (or renews) the channel's lease for `owner`; false when someone else holds a live one. */
export async function claimLease(db: Db | DbTx, channelId: number, owner: string, ttlMs = LEASE_TTL_MS): Promise<boolean> {
  const cursor = { owner, expiresAt: new Date(Date.now() + ttlMs).toISOString() };
  const rows = await db
    .insert(syncCheckpoints)
    .values({ channelId, connector: LEASE_CONNECTOR, mode: "initial", cursor })
    .onConflictDoUpdate({
      target: [syncCheckpoints.channelId, syncCheckpoints.connector, syncCheckpoints.mode],
      set: { cursor, updatedAt: new Date() },
      setWhere: sql`${syncCheckpoints.cursor} is null
        or ${syncCheckpoints.cursor}->>'owner' = ${owner}
        or (${syncCheckpoints.cursor}->>'expiresAt')::timestamptz < now()`,
    })
    .returning({ id: syncCheckpoints.id });
  return rows.length > 0;
}

/** Releases the lease if `owner` holds it. */
export async function releaseLease(db: Db | DbTx, channelId: number, owner: string): Promise<void> {
  await db.execute(sql`update ${syncCheckpoints} set cursor = null, updated_at = now()
    where channel_id = ${channelId} and connector = ${LEASE_CONNECTOR} and mode = 'initial' and cursor->>'owner' = ${owner}`);
}

/** Who holds the channel's lease now (null when free or expired). */
export async function leaseHolder(db: Db | DbTx, channelId: number): Promise<LeaseHolder | null> {
  const rows = await db
    .select({ cursor: syncCheckpoints.cursor })
    .from(syncCheckpoints)
    .where(sql`${syncCheckpoints.channelId} = ${channelId} and ${syncCheckpoints.connector} = ${LEASE_CONNECTOR}`);
  const cursor = rows[0]?.cursor as Partial<LeaseHolder> | null | undefined;
  if (!cursor?.owner || !cursor.expiresAt) return null;
  if (new Date(cursor.expiresAt).getTime() < Date.now()) return null;
  return { owner: cursor.owner, expiresAt: cursor.expiresAt };
}
