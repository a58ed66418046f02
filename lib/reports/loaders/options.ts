import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { listChannels } from "@/lib/channels/options";
import { queryRows } from "@/db/rows";

// Choices of the reports' filter bar: channels and their websites.

export async function reportFilterOptions(db: Db) {
  const [channels, websites] = await Promise.all([
    listChannels(db),
    queryRows<{ id: unknown; name: unknown; channel_name: unknown }>(
      db,
      sql`
      SELECT w.id, w.name, ch.name AS channel_name FROM magento_websites w JOIN channels ch ON ch.id = w.channel_id
      WHERE ch.deleting_at IS NULL ORDER BY ch.name, w.name, w.id`,
    ),
  ]);
  return { channels, websites: websites.map((w) => ({ id: Number(w.id), name: String(w.name), channelName: String(w.channel_name) })) };
}
