import type { Db } from "@/db/client";
import { recomputeRfm } from "@/lib/reports/rfm";
import { refreshRollups, type RefreshResult } from "@/lib/reports/rollups";

// What a finished sync run sets off for the dashboard and reports: the daily rollups of the days
// its rows touched, then the channel's RFM scores. Each step fails on its own: a failed refresh
// leaves figures "as of" the previous refresh, and the next run catches up (the rollups look back
// to their own last refresh, not to this run).

export type AfterSyncResult = { rollups: RefreshResult | { error: string }; rfm: "done" | { error: string } };

/** Refreshes a channel's rollups and RFM after a sync run that started at `since`; never throws. */
export async function refreshAfterSync(db: Db, channelId: number, since: Date | null): Promise<AfterSyncResult> {
  // Drizzle's "Failed query: …" keeps the database's own words in `cause`.
  const message = (error: unknown): string => {
    if (!(error instanceof Error)) return String(error);
    const cause = error.cause instanceof Error ? error.cause.message : null;
    return cause ? `${cause} (${error.message.split("\n")[0]!.slice(0, 200)})` : error.message;
  };
  let rollups: AfterSyncResult["rollups"];
  try {
    rollups = await refreshRollups(db, channelId);
  } catch (error) {
    rollups = { error: message(error) };
    console.warn(`[reports] rollup refresh of channel ${channelId} failed (since ${since?.toISOString() ?? "start"}): ${rollups.error}`);
  }
  let rfm: AfterSyncResult["rfm"];
  try {
    await recomputeRfm(db, channelId);
    rfm = "done";
  } catch (error) {
    rfm = { error: message(error) };
    console.warn(`[reports] RFM recompute of channel ${channelId} failed: ${rfm.error}`);
  }
  return { rollups, rfm };
}
