import "server-only";
import { desc, inArray, isNull } from "drizzle-orm";
import { getDb } from "@/db/client";
import { channels, syncRuns } from "@/db/schema";
import { requirePermission, type SessionUser } from "@/lib/auth/session";

// System › Integrations list: each channel with its last sync and the next scheduled one (and why
// the sync stopped it, if it did).
// Reads the settings only, never the credentials.

export type ChannelOverviewRow = Awaited<ReturnType<typeof listChannelOverview>>[number];

export async function listChannelOverview(user: SessionUser | null, now = new Date()) {
  requirePermission(user, "manage_integrations");
  const db = await getDb();
  const rows = await db
    .select({
      id: channels.id,
      name: channels.name,
      baseUrl: channels.baseUrl,
      storeCode: channels.storeCode,
      websiteOriginIds: channels.websiteOriginIds,
      active: channels.active,
      stoppedReason: channels.stoppedReason,
      stoppedAt: channels.stoppedAt,
      twoWaySync: channels.twoWaySync,
      syncPriority: channels.syncPriority,
      syncIntervalMinutes: channels.syncIntervalMinutes,
      hasCredentials: channels.credentialsEncrypted,
    })
    .from(channels)
    .where(isNull(channels.deletingAt))
    .orderBy(channels.name);
  const ids = rows.map((row) => row.id);
  const runs = ids.length
    ? await db
        .selectDistinctOn([syncRuns.channelId], {
          channelId: syncRuns.channelId,
          id: syncRuns.id,
          status: syncRuns.status,
          startedAt: syncRuns.startedAt,
          finishedAt: syncRuns.finishedAt,
          createdAt: syncRuns.createdAt,
          recordsChanged: syncRuns.recordsChanged,
          errorCount: syncRuns.errorCount,
          errorMessage: syncRuns.errorMessage,
        })
        .from(syncRuns)
        .where(inArray(syncRuns.channelId, ids))
        .orderBy(syncRuns.channelId, desc(syncRuns.createdAt), desc(syncRuns.id))
    : [];
  const lastRun = new Map(runs.map((run) => [run.channelId, run]));
  return rows.map(({ hasCredentials, ...row }) => {
    const last = lastRun.get(row.id) ?? null;
    const since = last ? (last.startedAt ?? last.createdAt).getTime() : null;
    const nextSyncAt =
      row.active && hasCredentials
        ? new Date(Math.max(now.getTime(), since === null ? now.getTime() : since + row.syncIntervalMinutes * 60_000))
        : null;
    return { ...row, hasCredentials: Boolean(hasCredentials), lastRun: last, nextSyncAt };
  });
}
