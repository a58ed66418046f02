import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { ChannelRow } from "@/lib/sync/types";
import { assignUnassignedAccounts, holdAccountReferences } from "@/lib/sync/rules/accounts";
import { accountsChangedSince, refreshAccountFigures } from "@/lib/sync/rules/account-figures";
import { safeErrorMessage } from "@/db/errors";
import { recomputeRfm } from "@/lib/sync/rules/rfm";
import { queryRows } from "@/db/rows";
import { refreshRollups, type RefreshResult } from "@/lib/sync/rules/rollups";
import { logger } from "@/lib/log";

// What a finished sync run sets off for the dashboard and reports: the daily rollups of the days
// its rows touched, then the channel's RFM scores, then the accounts (customer rows still without
// one are assigned, and the figures of accounts whose customers changed are refreshed; the
// assignment runs even after a run that changed nothing, so rows from before accounts existed get
// theirs at the channel's next sync). Each step fails on its own: a failed refresh
// leaves figures "as of" the previous refresh, and the next run catches up (the rollups look back
// to their own last refresh, not to this run).

export type AfterSyncResult = {
  rollups: RefreshResult | { error: string } | "skipped";
  rfm: "done" | { error: string } | "skipped";
  accounts: { assigned: number; refreshed: number } | { error: string };
};

/**
 * Refreshes a channel's rollups and RFM after a sync run that started at `since` (when it changed
 * records), then its accounts; never throws.
 */
export async function refreshAfterSync(db: Db, channel: ChannelRow, since: Date | null, changedRecords = true): Promise<AfterSyncResult> {
  const channelId = channel.id;
  const { rollups, rfm } = changedRecords
    ? await refreshReports(db, channelId, since)
    : { rollups: "skipped" as const, rfm: "skipped" as const };
  let accounts: AfterSyncResult["accounts"];
  try {
    const assigned = await db.transaction(async (tx) => {
      await holdAccountReferences(tx);
      return assignUnassignedAccounts(tx, channel);
    });
    const scope = !since || rfm === "done-all" || assigned > 0 ? "all" : await accountsChangedSince(db, channelId, since);
    const refreshed = changedRecords || assigned > 0 ? await refreshAccountFigures(db, scope) : 0;
    accounts = { assigned, refreshed };
  } catch (error) {
    accounts = { error: safeErrorMessage(error) };
    logger().warn({ component: "accounts", channelId }, `account refresh failed: ${accounts.error}`);
  }
  return { rollups, rfm: rfm === "done-all" ? "done" : rfm, accounts };
}

async function refreshReports(
  db: Db,
  channelId: number,
  since: Date | null,
): Promise<{ rollups: AfterSyncResult["rollups"]; rfm: "done" | "done-all" | { error: string } }> {
  // The database's own words and code, never the query and its parameters.
  const message = (error: unknown): string => safeErrorMessage(error);
  let rollups: AfterSyncResult["rollups"];
  try {
    rollups = await refreshRollups(db, channelId);
  } catch (error) {
    rollups = { error: message(error) };
    logger().warn(
      { component: "reports", channelId },
      `rollup refresh failed (since ${since?.toISOString() ?? "start"}): ${rollups.error}`,
    );
  }
  let rfm: "done" | "done-all" | { error: string };
  try {
    const scope = await rfmScope(db, channelId, since);
    if (scope === "all") await recomputeRfm(db, channelId);
    else if (scope.length > 0) await recomputeRfm(db, channelId, scope);
    // A full RFM pass (first sync, or the daily one) takes every account's figures along.
    rfm = scope === "all" ? "done-all" : "done";
  } catch (error) {
    rfm = { error: message(error) };
    logger().warn({ component: "reports", channelId }, `RFM recompute failed: ${rfm.error}`);
  }
  return { rollups, rfm };
}

/** A full RFM pass at most daily (it reads every order of the channel); in between, only the customers whose orders this run wrote. */
const FULL_RFM_EVERY_MS = 24 * 60 * 60 * 1000;

async function rfmScope(db: Db, channelId: number, since: Date | null): Promise<"all" | number[]> {
  if (!since) return "all";
  const [last] = await queryRows<{ at: Date | string | null }>(
    db,
    sql`
    SELECT refreshed_at AS at FROM report_refresh WHERE channel_id = ${channelId} AND kind = 'rfm'`,
  );
  if (!last?.at || Date.now() - new Date(last.at).getTime() > FULL_RFM_EVERY_MS) return "all";
  // Recency needs no pass of its own: the grids add the days since the scores were computed, and
  // the order of customers by recency does not change while nobody orders.
  const changed = await queryRows<{ id: unknown }>(
    db,
    sql`
    SELECT DISTINCT customer_id AS id FROM magento_orders
    WHERE channel_id = ${channelId} AND synced_at >= ${since.toISOString()}::timestamptz AND customer_id IS NOT NULL`,
  );
  return changed.map((row) => Number(row.id));
}
