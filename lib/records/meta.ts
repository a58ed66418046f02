import { eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { channels, magentoStores, magentoWebsites } from "@/db/schema";

// What every detail page shows about where a record comes from: its channel (name, Magento admin
// URL) and its store view / website. Ids of detail URLs are checked here too.

export type ChannelInfo = { id: number; name: string; adminUrl: string | null };
export type StoreInfo = { name: string; code: string; websiteName: string | null } | null;

export interface RecordMeta {
  channel: ChannelInfo;
  originId: number | null;
  syncedAt: Date;
  remoteCreatedAt: Date | null;
  remoteUpdatedAt: Date | null;
}

/** A detail URL's id: a positive integer that fits a bigint, else null (→ 404). */
export function parseDetailId(raw: string): number | null {
  if (!/^[1-9]\d{0,15}$/.test(raw)) return null;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : null;
}

/** The channel of a record; null when it is being deleted (its records are gone for the portal). */
export async function channelInfo(db: Db, channelId: number): Promise<ChannelInfo | null> {
  const [row] = await db
    .select({ id: channels.id, name: channels.name, adminUrl: channels.adminUrl, deletingAt: channels.deletingAt })
    .from(channels)
    .where(eq(channels.id, channelId));
  if (!row || row.deletingAt) return null;
  return { id: row.id, name: row.name, adminUrl: row.adminUrl?.trim() ? row.adminUrl.trim().replace(/\/+$/, "") : null };
}

export async function storeInfo(db: Db, storeId: number | null): Promise<StoreInfo> {
  if (storeId === null) return null;
  const [row] = await db
    .select({ name: magentoStores.name, code: magentoStores.code, websiteName: magentoWebsites.name })
    .from(magentoStores)
    .leftJoin(magentoWebsites, eq(magentoWebsites.id, magentoStores.websiteId))
    .where(inArray(magentoStores.id, [storeId]));
  return row ?? null;
}
