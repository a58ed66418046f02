import { desc, eq, isNull } from "drizzle-orm";
import { getDb } from "@/db/client";
import { channels, syncRuns } from "@/db/schema";
import { requirePermission, type SessionUser } from "@/lib/auth/session";

/** Channels for System › Integrations (never their credentials). */
export async function listChannels(user: SessionUser | null) {
  requirePermission(user, "manage_integrations");
  const db = await getDb();
  return db
    .select({
      id: channels.id,
      name: channels.name,
      baseUrl: channels.baseUrl,
      storeCode: channels.storeCode,
      active: channels.active,
      twoWaySync: channels.twoWaySync,
    })
    .from(channels)
    .where(isNull(channels.deletingAt))
    .orderBy(channels.name);
}

/** The latest sync runs, newest first, for System › Sync History. */
export async function listSyncRuns(user: SessionUser | null, limit = 100) {
  requirePermission(user, "run_syncs");
  const db = await getDb();
  return db
    .select({
      id: syncRuns.id,
      channelName: channels.name,
      mode: syncRuns.mode,
      trigger: syncRuns.trigger,
      status: syncRuns.status,
      startedAt: syncRuns.startedAt,
      finishedAt: syncRuns.finishedAt,
      recordsChanged: syncRuns.recordsChanged,
      errorCount: syncRuns.errorCount,
    })
    .from(syncRuns)
    .innerJoin(channels, eq(channels.id, syncRuns.channelId))
    .orderBy(desc(syncRuns.createdAt))
    .limit(limit);
}
