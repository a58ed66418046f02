import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { channels, magentoWebsites } from "@/db/schema";
import { requirePermission, type SessionUser } from "@/lib/auth/session";

// What a channel's settings page reads beside its settings (lib/channels/settings.ts), each
// checking manage_integrations itself rather than trusting the page's guard.

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
