import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { channels, magentoWebsites } from "@/db/schema";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { countChannelRecords } from "./delete";
import { credentialsPresence } from "./settings";

// What a channel's settings page reads, each checking manage_integrations itself rather than
// trusting the page's guard. The form's rules and the save stay in settings.ts (the CLI uses them).

/** A channel's settings for the edit form: everything but the secrets (only whether they are set). */
export async function loadChannelSettings(db: Db, user: SessionUser | null, id: number) {
  requirePermission(user, "manage_integrations");
  const [row] = await db
    .select()
    .from(channels)
    .where(and(eq(channels.id, id), isNull(channels.deletingAt)));
  if (!row) return null;
  const { credentialsEncrypted, ...rest } = row;
  return { ...rest, credentialsSet: credentialsPresence(credentialsEncrypted) };
}
export type ChannelSettingsView = NonNullable<Awaited<ReturnType<typeof loadChannelSettings>>>;

/** The synced records deleting the channel would remove, per kind and in total (its settings page says so). */
export async function loadChannelRecordCounts(db: Db, user: SessionUser | null, channelId: number) {
  requirePermission(user, "manage_integrations");
  return countChannelRecords(db, channelId);
}

/** The channel's name while it is being deleted, or null when it is not (or is gone). */
export async function loadDeletingChannel(db: Db, user: SessionUser | null, channelId: number): Promise<{ name: string } | null> {
  requirePermission(user, "manage_integrations");
  const [row] = await db.select({ name: channels.name, deletingAt: channels.deletingAt }).from(channels).where(eq(channels.id, channelId));
  return row?.deletingAt ? { name: row.name } : null;
}

/** The Magento websites the sync has seen for the channel, by Magento id, for the website picker. */
export async function listChannelWebsites(db: Db, user: SessionUser | null, channelId: number) {
  requirePermission(user, "manage_integrations");
  return db
    .select({ id: magentoWebsites.originId, code: magentoWebsites.code, name: magentoWebsites.name })
    .from(magentoWebsites)
    .where(eq(magentoWebsites.channelId, channelId))
    .orderBy(magentoWebsites.originId);
}
