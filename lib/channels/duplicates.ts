import { asc, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { channels } from "@/db/schema";
import { channelIdentity } from "./identity";

export type SameStoreChannel = { id: number; name: string; baseUrl: string; storeCode: string };

/**
 * The channels (oldest first) that already sync the store view `target` points at. A channel
 * being deleted no longer counts, nor does the channel being edited (`excludeId`). Compared in
 * code because the identity (folded URL, default store code) has no column: channels are few.
 */
export async function findSameStoreChannels(
  db: Pick<Db, "select">,
  target: { baseUrl: string; storeCode?: string | null; excludeId?: number },
): Promise<SameStoreChannel[]> {
  const key = channelIdentity(target.baseUrl, target.storeCode).key;
  const rows = await db
    .select({ id: channels.id, name: channels.name, baseUrl: channels.baseUrl, storeCode: channels.storeCode })
    .from(channels)
    .where(isNull(channels.deletingAt))
    .orderBy(asc(channels.id));
  return rows.filter((row) => row.id !== target.excludeId && channelIdentity(row.baseUrl, row.storeCode).key === key);
}
