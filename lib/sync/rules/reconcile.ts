import { sql } from "drizzle-orm";
import { getCheckpoint, saveCheckpoint } from "@/lib/sync/checkpoints";
import {
  flagRemovedRecords,
  isRemovableConnector,
  walkRemoteIds,
  type RemovableConnector,
  type RemovedResult,
} from "@/lib/sync/rules/removed";
import type { ConnectorName, SyncContext } from "@/lib/sync/types";
import { rowsOf } from "@/db/rows";
import { safeErrorMessage } from "@/db/errors";
import { logger } from "@/lib/log";
import { countOf } from "@/lib/format/count";

// Reconciliation after a connector's pass. Incremental syncs only see records that changed; what
// was deleted in Magento (or a quote made inactive without a change we saw) would otherwise stay
// here as it was forever.
//
// Carts: fetch the ids of every active Magento quote (ids only, keyset by id, see
// rules/removed.ts walkRemoteIds) and mark open carts missing from that list expired; then mark
// open carts idle longer than the channel's cartExpirationDays expired. Portal-set statuses
// (lost/converted/purchased) are never touched; only 'open' carts change.
// Customers, orders, credit memos: flag the rows Magento no longer has removed (rules/removed.ts).
//
// Listing every id costs one request per 300 records, so reconcileAfterPass runs it on a cadence
// per channel and connector (carts hourly, removed records every 6 hours), kept in sync_checkpoints
// rows named `__reconcile_<connector>`; full runs ignore the cadence. The end of an initial walk
// only starts the cadence: the walk has just read every record (on the 100k-order store the id
// lists took 35 s of the first sync).

export const MISSING_MESSAGE = "No longer active in Magento";
export const idleMessage = (days: number) => `Idle for more than ${countOf(days, "day")}`;

export const CART_RECONCILE_INTERVAL_MS = 60 * 60 * 1000;
export const REMOVED_RECONCILE_INTERVAL_MS = 6 * 60 * 60 * 1000;

export type ReconcileResult = { activeInMagento: number; missing: number; idle: number };

export type ReconcileSummary = { connector: "carts"; carts: ReconcileResult } | { connector: RemovableConnector; removed: RemovedResult };

/** Ids of every active quote in Magento; null when the list could not be read whole. */
export async function activeCartIds(ctx: SyncContext): Promise<number[] | null> {
  return walkRemoteIds(ctx.client, "carts", { filters: [[{ field: "is_active", conditionType: "eq", value: 1 }]] });
}

/** Expires open carts gone from Magento's active quotes, then open carts idle too long. */
export async function reconcileCarts(ctx: SyncContext, now = new Date()): Promise<ReconcileResult> {
  const { db, channel } = ctx;
  const active = await activeCartIds(ctx);
  let missing = 0;
  if (active) {
    const rows = await db.execute(sql`
      UPDATE magento_carts SET status = 'expired', status_message = ${MISSING_MESSAGE}, status_changed_at = now()
      WHERE channel_id = ${channel.id} AND status = 'open'
        AND origin_id NOT IN (SELECT (jsonb_array_elements_text(${JSON.stringify(active)}::jsonb))::bigint)
      RETURNING id`);
    missing = rowsOf(rows).length;
  }
  const idle = await expireIdleCarts(ctx, now);
  return { activeInMagento: active?.length ?? 0, missing, idle };
}

/** Expires open carts idle longer than the channel's cartExpirationDays (the database alone). */
export async function expireIdleCarts(ctx: SyncContext, now = new Date()): Promise<number> {
  const { db, channel } = ctx;
  const days = channel.cartExpirationDays;
  if (days === null || days <= 0) return 0;
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const rows = await db.execute(sql`
    UPDATE magento_carts SET status = 'expired', status_message = ${idleMessage(days)}, status_changed_at = now()
    WHERE channel_id = ${channel.id} AND status = 'open' AND remote_updated_at < ${cutoff.toISOString()}::timestamptz
    RETURNING id`);
  return rowsOf(rows).length;
}

/** The sync_checkpoints connector that remembers when `connector` was last reconciled. */
export function reconcileCheckpointName(connector: ConnectorName): string {
  return `__reconcile_${connector}`;
}

function intervalOf(connector: ConnectorName): number | null {
  if (connector === "carts") return CART_RECONCILE_INTERVAL_MS;
  if (isRemovableConnector(connector)) return REMOVED_RECONCILE_INTERVAL_MS;
  return null;
}

/**
 * Called by the runner after each connector's pass: reconciles carts (at most hourly) or flags
 * removed customers / orders / credit memos (at most every 6 hours) per channel; `force` (full
 * runs) ignores the cadence. Null when nothing ran, or when it failed: every page is already
 * saved, so a failed reconciliation is logged and never fails the run.
 * `walkedEverything` (an initial walk just ended): the pass read every record Magento has, so
 * listing the ids again would find nothing the walk did not; only the cadence starts (and carts'
 * idle rule, which needs no request, runs). A full run still reconciles.
 */
export async function reconcileAfterPass(
  ctx: SyncContext,
  connector: ConnectorName,
  options: { force: boolean; now?: Date; walkedEverything?: boolean },
): Promise<ReconcileSummary | null> {
  const interval = intervalOf(connector);
  if (interval === null) return null;
  const now = options.now ?? new Date();
  const name = reconcileCheckpointName(connector);
  try {
    if (!options.force) {
      const last = (await getCheckpoint(ctx.db, ctx.channel.id, name, "initial"))?.completedAt;
      if (last && now.getTime() - last.getTime() < interval) return null;
    }
    // Remembered before the outcome is known: a walk that keeps failing (a record Magento sends
    // broken) is retried at the next slot, not after every incremental pass.
    await saveCheckpoint(ctx.db, ctx.channel.id, name, "initial", { completedAt: now });
    if (options.walkedEverything && !options.force) {
      if (connector === "carts") return { connector, carts: { activeInMagento: 0, missing: 0, idle: await expireIdleCarts(ctx, now) } };
      return null;
    }
    if (connector === "carts") return { connector, carts: await reconcileCarts(ctx, now) };
    if (!isRemovableConnector(connector)) return null;
    const removed = await flagRemovedRecords(ctx, connector);
    if (!removed) {
      logger().warn(
        { component: "sync", channelId: ctx.channel.id, connector },
        `${connector} not checked for removed records: Magento's id list could not be read whole`,
      );
      return null;
    }
    return { connector, removed };
  } catch (error) {
    // Only the message: client errors name the route, never the credentials.
    logger().warn(
      { component: "sync", channelId: ctx.channel.id, connector },
      `${connector} reconciliation skipped: ${safeErrorMessage(error)}`,
    );
    return null;
  }
}
